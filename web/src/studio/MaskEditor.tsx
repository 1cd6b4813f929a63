import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Icon } from '../ui/icons.tsx';
import type { MaskDoc } from './doc.ts';
import type { Rect } from './mask.ts';
import { imagePixels, loadImage } from './pixels.ts';
import { fitView, pan, pinch, toImage, zoomAt, type Point, type Size, type View } from './view.ts';
import { floodRegion } from './wand.ts';

export type Tool = 'brush' | 'eraser' | 'wand' | 'pan' | 'measure';

/** Overlay colours that stand out on every cloth (navy, grey, tan, brown): rose for the garment, cyan for what is to be erased. */
export const TINTS = { garment: [226, 44, 122], fill: [0, 178, 214] } as const;

interface Props {
  photoUrl: string;
  width: number;
  height: number;
  doc: MaskDoc;
  tool: Tool;
  /** Brush diameter in screen pixels: the same feel at every zoom. */
  brushSize: number;
  /** Magic wand tolerance, ΔE. */
  tolerance: number;
  opacity: number;
  tint: readonly [number, number, number];
  /** The two points of a reference length (measure tool), in photo pixels. */
  measure?: Point[];
  onMeasure?(points: Point[]): void;
  /** The wand is working (a large photo takes a moment). */
  onBusy?(busy: boolean): void;
}

/**
 * The photo with its mask over it, at full resolution, shown scaled. One finger, pencil or mouse
 * paints (brush, eraser), taps (wand, measure) or drags (pan); two fingers pinch and pan; the wheel
 * zooms about the cursor. A pencil in use means a resting palm or finger pans instead of painting.
 */
export function MaskEditor({ photoUrl, width, height, doc, tool, brushSize, tolerance, opacity, tint, measure, onMeasure, onBusy }: Props) {
  const { t } = useI18n();
  const viewportRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const [viewport, setViewport] = useState<Size>({ width: 0, height: 0 });
  const [view, setView] = useState<View>({ scale: 1, x: 0, y: 0 });
  const [cursor, setCursor] = useState<Point | null>(null);
  const image = { width, height };
  const fitted = useRef(false);

  // Keep the latest values for the native listeners, which are attached once.
  const live = useRef({ view, viewport, tool, brushSize, tolerance, measure, onMeasure, onBusy, doc });
  live.current = { view, viewport, tool, brushSize, tolerance, measure, onMeasure, onBusy, doc };

  useLayoutEffect(() => {
    const el = viewportRef.current;
    if (!el) return;
    const measureSize = () => {
      const size = { width: el.clientWidth, height: el.clientHeight };
      setViewport(size);
      if (!fitted.current && size.width > 0 && size.height > 0) {
        fitted.current = true;
        setView(fitView(size, image));
      }
    };
    measureSize();
    const observer = new ResizeObserver(measureSize);
    observer.observe(el);
    return () => observer.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A new photo (after a fill) of the same size keeps the view; another size is fitted afresh.
  useEffect(() => {
    if (viewport.width > 0) setView(fitView(viewport, { width, height }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [width, height]);

  // The overlay: the mask's pixels in the tint colour, redrawn only where they changed.
  const draw = useCallback(
    (rect: Rect | null) => {
      const canvas = overlayRef.current;
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx || !rect) return;
      const { mask } = doc;
      const out = ctx.createImageData(rect.w, rect.h);
      const px = out.data;
      for (let row = 0; row < rect.h; row++) {
        let i = (rect.y + row) * mask.width + rect.x;
        let p = row * rect.w * 4;
        for (let col = 0; col < rect.w; col++, i++, p += 4) {
          if (mask.data[i]) {
            px[p] = tint[0];
            px[p + 1] = tint[1];
            px[p + 2] = tint[2];
            px[p + 3] = 255;
          }
        }
      }
      ctx.putImageData(out, rect.x, rect.y);
    },
    [doc, tint],
  );
  useEffect(() => {
    draw({ x: 0, y: 0, w: doc.mask.width, h: doc.mask.height });
    return doc.subscribe(draw);
  }, [doc, draw]);

  // The photo's pixels, read once, when the wand is first used. Loaded apart from the <img> shown,
  // with CORS, so a photo from another origin (object storage) still shows if its pixels cannot be read.
  const pixels = useRef<{ url: string; data: Promise<Uint8ClampedArray> } | undefined>(undefined);
  const photoPixels = useCallback(() => {
    if (pixels.current?.url !== photoUrl) {
      pixels.current = { url: photoUrl, data: loadImage(photoUrl).then((img) => imagePixels(img, width, height)) };
      pixels.current.data.catch(() => (pixels.current = undefined));
    }
    return pixels.current.data;
  }, [photoUrl, width, height]);
  const photoPixelsRef = useRef(photoPixels);
  photoPixelsRef.current = photoPixels;

  useEffect(() => {
    const el = viewportRef.current;
    if (!el) return;
    const pointers = new Map<number, Point>();
    let penSeen = false;
    let gesture: { start: View; from: [Point, Point] } | undefined;
    let panning: { start: View; origin: Point } | undefined;
    let tap: { at: Point; id: number } | undefined;
    // After a pinch, the finger left on the glass must not start painting.
    let ignore = false;

    const local = (e: PointerEvent): Point => {
      const box = el.getBoundingClientRect();
      return { x: e.clientX - box.left, y: e.clientY - box.top };
    };
    const two = (): [Point, Point] => {
      const [a, b] = [...pointers.values()];
      return [a!, b!];
    };

    const onDown = (e: PointerEvent) => {
      if (e.button !== 0 && e.pointerType === 'mouse' && e.button !== 1) return;
      e.preventDefault();
      el.setPointerCapture(e.pointerId);
      const p = local(e);
      pointers.set(e.pointerId, p);
      const { tool: currentTool, view: v, brushSize: size, doc: d } = live.current;
      if (e.pointerType === 'pen') penSeen = true;
      if (pointers.size === 2) {
        d.cancelStroke();
        tap = undefined;
        panning = undefined;
        gesture = { start: v, from: two() };
        return;
      }
      if (pointers.size > 2) return;
      ignore = false;
      const panInstead = currentTool === 'pan' || e.button === 1 || (e.pointerType === 'touch' && penSeen);
      if (panInstead) {
        panning = { start: v, origin: p };
        return;
      }
      if (currentTool === 'wand' || currentTool === 'measure') {
        tap = { at: p, id: e.pointerId };
        return;
      }
      const q = toImage(v, p);
      d.beginStroke(q.x, q.y, size / 2 / v.scale, currentTool === 'eraser' ? 0 : 255);
    };

    const onMove = (e: PointerEvent) => {
      const p = local(e);
      if (e.pointerType !== 'touch') setCursor(p);
      if (!pointers.has(e.pointerId)) return;
      pointers.set(e.pointerId, p);
      const { view: v, viewport: vp, doc: d } = live.current;
      if (gesture && pointers.size >= 2) {
        setView(pinch(gesture.start, gesture.from, two(), vp, image));
        return;
      }
      if (ignore) return;
      if (panning) {
        setView(pan(panning.start, p.x - panning.origin.x, p.y - panning.origin.y, vp, image));
        return;
      }
      if (tap && Math.hypot(p.x - tap.at.x, p.y - tap.at.y) > 12) tap = undefined;
      if (d.painting) {
        const box = el.getBoundingClientRect();
        const samples = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
        for (const s of samples.length ? samples : [e]) {
          const q = toImage(v, { x: s.clientX - box.left, y: s.clientY - box.top });
          d.strokeTo(q.x, q.y);
        }
      }
    };

    const onUp = (e: PointerEvent) => {
      if (!pointers.has(e.pointerId)) return;
      pointers.delete(e.pointerId);
      const { view: v, doc: d, tool: currentTool } = live.current;
      if (gesture) {
        if (pointers.size < 2) {
          gesture = undefined;
          ignore = pointers.size > 0;
        }
        return;
      }
      panning = undefined;
      if (d.painting) d.endStroke();
      if (tap && tap.id === e.pointerId && e.type === 'pointerup') {
        const q = toImage(v, tap.at);
        tap = undefined;
        if (q.x < 0 || q.y < 0 || q.x >= width || q.y >= height) return;
        if (currentTool === 'wand') runWand(q);
        else if (currentTool === 'measure') {
          const { measure: points = [], onMeasure: report } = live.current;
          report?.(points.length >= 2 ? [q] : [...points, q]);
        }
      }
    };

    const runWand = (q: Point) => {
      const { tolerance: tol, doc: d, onBusy: busy } = live.current;
      busy?.(true);
      photoPixelsRef
        .current()
        // A frame for the "selecting" note to paint before the fill takes the main thread.
        .then((data) => new Promise<Uint8ClampedArray>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(data), 0))))
        .then((data) => {
          const region = floodRegion(data, width, height, q.x, q.y, tol);
          if (region) d.addRegion(region.data, region.bounds, 255);
        })
        .catch((error: unknown) => console.warn('the magic wand could not read the photo', error))
        .finally(() => busy?.(false));
    };

    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const box = el.getBoundingClientRect();
      const { view: v, viewport: vp } = live.current;
      setView(zoomAt(v, Math.exp(-e.deltaY * 0.0015), { x: e.clientX - box.left, y: e.clientY - box.top }, vp, image));
    };
    const onLeave = () => setCursor(null);

    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
    el.addEventListener('pointerleave', onLeave);
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
      el.removeEventListener('pointerleave', onLeave);
      el.removeEventListener('wheel', onWheel);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [width, height]);

  const zoomBy = (factor: number) => setView((v) => zoomAt(v, factor, { x: viewport.width / 2, y: viewport.height / 2 }, viewport, image));
  const painting = tool === 'brush' || tool === 'eraser';

  return (
    <div className="mask-editor">
      <div
        ref={viewportRef}
        className={`mask-editor__viewport mask-editor__viewport--${tool}`}
        data-testid="mask-viewport"
        data-scale={view.scale}
        role="application"
        aria-label={t('studio.editor.label')}
        aria-roledescription={t('studio.editor.role')}
      >
        <div className="mask-editor__stage" style={{ width, height, transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}>
          <img src={photoUrl} alt={t('studio.photoAlt')} width={width} height={height} draggable={false} data-testid="studio-photo" />
          <canvas ref={overlayRef} width={width} height={height} style={{ opacity }} data-testid="mask-canvas" />
          {measure && measure.length > 0 && (
            <svg className="mask-editor__measure" viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
              {measure.length === 2 && <line x1={measure[0]!.x} y1={measure[0]!.y} x2={measure[1]!.x} y2={measure[1]!.y} strokeWidth={3 / view.scale} />}
              {measure.map((p, i) => (
                <circle key={i} cx={p.x} cy={p.y} r={9 / view.scale} strokeWidth={3 / view.scale} />
              ))}
            </svg>
          )}
        </div>
        {painting && cursor && (
          <span
            className="mask-editor__cursor"
            style={{ width: brushSize, height: brushSize, transform: `translate(${cursor.x - brushSize / 2}px, ${cursor.y - brushSize / 2}px)` }}
            aria-hidden="true"
          />
        )}
      </div>
      <div className="mask-editor__zoom">
        <button type="button" className="icon-button" onClick={() => zoomBy(1.4)} aria-label={t('studio.zoomIn')} title={t('studio.zoomIn')}>
          <Icon name="plus" />
        </button>
        <button type="button" className="icon-button" onClick={() => zoomBy(1 / 1.4)} aria-label={t('studio.zoomOut')} title={t('studio.zoomOut')}>
          <Icon name="minus" />
        </button>
        <button
          type="button"
          className="icon-button"
          onClick={() => setView(fitView(viewport, image))}
          aria-label={t('studio.zoomFit')}
          title={t('studio.zoomFit')}
          data-testid="zoom-fit"
        >
          <Icon name="fit" />
        </button>
      </div>
    </div>
  );
}
