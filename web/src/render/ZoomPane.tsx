import { useEffect, useRef, useState } from 'react';
import { clampPan, fitContain, IDENTITY, panBy, wheelFactor, zoomAt, type Size, type ZoomState } from './zoom.ts';

/**
 * An image that zooms with the mouse wheel or a pinch, pans with a drag (mouse, pen or finger, all as
 * pointer events), and toggles a close-up on double-click. The zoom is controlled by the parent so
 * two panes can move together when comparing.
 */
export function ZoomPane({
  src,
  alt,
  natural,
  zoom,
  onZoom,
  testId,
}: {
  src: string;
  alt: string;
  natural: Size;
  zoom: ZoomState;
  onZoom(next: ZoomState): void;
  testId?: string;
}) {
  const frameRef = useRef<HTMLDivElement>(null);
  const [frame, setFrame] = useState<Size>({ width: 0, height: 0 });
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const zoomRef = useRef(zoom);
  zoomRef.current = zoom;
  const onZoomRef = useRef((next: ZoomState) => {
    // Pointer events can arrive faster than React re-renders: keep the latest state at hand.
    zoomRef.current = next;
    onZoom(next);
  });
  onZoomRef.current = (next: ZoomState) => {
    zoomRef.current = next;
    onZoom(next);
  };
  const fitted = fitContain(natural, frame);
  const geometry = useRef({ fitted, frame });
  geometry.current = { fitted, frame };

  useEffect(() => {
    const el = frameRef.current;
    if (!el) return;
    const measure = () => setFrame({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(measure) : undefined;
    observer?.observe(el);
    return () => observer?.disconnect();
  }, []);

  // Keep the pan inside the image when the frame changes size (rotation of the tablet).
  useEffect(() => {
    const clamped = clampPan(zoomRef.current, fitted, frame);
    if (clamped.x !== zoomRef.current.x || clamped.y !== zoomRef.current.y) onZoomRef.current(clamped);
  }, [fitted.width, fitted.height, frame.width, frame.height]);

  const relative = (clientX: number, clientY: number) => {
    const rect = frameRef.current!.getBoundingClientRect();
    return { x: clientX - rect.left - rect.width / 2, y: clientY - rect.top - rect.height / 2 };
  };

  // The wheel must be able to preventDefault (page scroll), which React's passive listener cannot.
  useEffect(() => {
    const el = frameRef.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const { fitted, frame } = geometry.current;
      onZoomRef.current(zoomAt(zoomRef.current, wheelFactor(event.deltaY, event.deltaMode), relative(event.clientX, event.clientY), fitted, frame));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (event: React.PointerEvent) => {
    try {
      frameRef.current?.setPointerCapture(event.pointerId);
    } catch {
      // a synthetic or already-released pointer cannot be captured; moves still arrive
    }
    pointers.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
  };
  const onPointerMove = (event: React.PointerEvent) => {
    const before = pointers.current.get(event.pointerId);
    if (!before) return;
    const { fitted, frame } = geometry.current;
    const others = [...pointers.current.entries()].filter(([id]) => id !== event.pointerId).map(([, p]) => p);
    const now = { x: event.clientX, y: event.clientY };
    if (others.length === 0) {
      onZoomRef.current(panBy(zoomRef.current, now.x - before.x, now.y - before.y, fitted, frame));
    } else {
      // Pinch: scale by the change of distance between the two fingers, about their midpoint.
      const other = others[0]!;
      const d0 = Math.hypot(before.x - other.x, before.y - other.y);
      const d1 = Math.hypot(now.x - other.x, now.y - other.y);
      const mid0 = relative((before.x + other.x) / 2, (before.y + other.y) / 2);
      const mid1 = relative((now.x + other.x) / 2, (now.y + other.y) / 2);
      let next = d0 > 0 ? zoomAt(zoomRef.current, d1 / d0, mid0, fitted, frame) : zoomRef.current;
      next = panBy(next, mid1.x - mid0.x, mid1.y - mid0.y, fitted, frame);
      onZoomRef.current(next);
    }
    pointers.current.set(event.pointerId, now);
  };
  const onPointerUp = (event: React.PointerEvent) => {
    pointers.current.delete(event.pointerId);
  };
  const onDoubleClick = (event: React.MouseEvent) => {
    const { fitted, frame } = geometry.current;
    if (zoomRef.current.scale > 1.01) onZoomRef.current(IDENTITY);
    else onZoomRef.current(zoomAt(zoomRef.current, 2.5, relative(event.clientX, event.clientY), fitted, frame));
  };

  return (
    <div
      ref={frameRef}
      className={`zoom-pane${zoom.scale > 1.01 ? ' zoom-pane--zoomed' : ''}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={onDoubleClick}
      data-testid={testId}
      data-scale={zoom.scale.toFixed(2)}
    >
      {frame.width > 0 && (
        <img
          src={src}
          alt={alt}
          draggable={false}
          style={{
            width: fitted.width,
            height: fitted.height,
            left: (frame.width - fitted.width) / 2,
            top: (frame.height - fitted.height) / 2,
            transform: `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})`,
          }}
        />
      )}
    </div>
  );
}
