import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import {
  clampRect,
  DEFAULT_WIDTH_MM,
  defaultCrop,
  displayToImage,
  isValidWidthMm,
  MAX_WIDTH_MM,
  MIN_WIDTH_MM,
  moveRect,
  resizeRect,
  toCropField,
  widthMmFromKnownLength,
  type Handle,
  type Point,
  type Rect,
  type Size,
} from './cropMath.ts';

export interface ClothFraming {
  crop: Rect;
  /** Absent: the server reads the size from the weave. */
  widthMm?: number;
  /** The photo's pixel size, to show the crop again later. */
  image: Size;
}

const HANDLES: Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/**
 * The associate frames the cloth in the photo and says how big it is: read from the weave by the
 * server (the default: it finds the cloth and straightens it too), a swatch card's width, or two
 * taps on a known length and that length in millimetres.
 */
export function ClothDialog({
  file,
  onCancel,
  onConfirm,
  onUnreadable,
}: {
  file: File;
  onCancel(): void;
  onConfirm(framing: ClothFraming): void;
  onUnreadable(): void;
}) {
  const tr = useI18n();
  const { t } = tr;
  const [url] = useState(() => URL.createObjectURL(file));
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const [image, setImage] = useState<Size>();
  const [crop, setCrop] = useState<Rect>();
  const [mode, setMode] = useState<'auto' | 'card' | 'measure'>('auto');
  const [cardMm, setCardMm] = useState(String(DEFAULT_WIDTH_MM));
  const [taps, setTaps] = useState<Point[]>([]);
  const [lengthMm, setLengthMm] = useState('');
  const stageRef = useRef<HTMLDivElement>(null);
  const drag = useRef<{ id: number; handle: Handle | 'move'; start: Point; rect: Rect } | undefined>(undefined);
  const ids = { title: useId(), auto: useId(), card: useId(), measure: useId(), cardMm: useId(), lengthMm: useId(), help: useId() };

  const displayed = (): Size => {
    const el = stageRef.current;
    return el ? { width: el.clientWidth, height: el.clientHeight } : { width: 1, height: 1 };
  };
  const toImage = (clientX: number, clientY: number): Point => {
    const rect = stageRef.current!.getBoundingClientRect();
    return displayToImage({ x: clientX - rect.left, y: clientY - rect.top }, displayed(), image!);
  };

  const parsedCardMm = Number(cardMm.replace(',', '.'));
  const parsedLength = Number(lengthMm.replace(',', '.'));
  const measured = crop && taps.length === 2 ? widthMmFromKnownLength(taps[0]!, taps[1]!, parsedLength, crop.width) : undefined;
  const widthMm = mode === 'auto' ? undefined : mode === 'card' ? parsedCardMm : measured;
  const valid = !!crop && (mode === 'auto' || isValidWidthMm(widthMm));

  let scaleMessage: string | undefined;
  if (mode === 'card' && !isValidWidthMm(parsedCardMm)) scaleMessage = t('cloth.scale.range', { min: tr.mm(MIN_WIDTH_MM), max: tr.mm(MAX_WIDTH_MM) });
  if (mode === 'measure') {
    if (taps.length < 2) scaleMessage = t('cloth.measure.tapTwo');
    else if (!(parsedLength > 0)) scaleMessage = t('cloth.measure.typeLength');
    else if (measured === undefined) scaleMessage = t('cloth.measure.tooClose');
    else if (!isValidWidthMm(measured)) scaleMessage = t('cloth.scale.range', { min: tr.mm(MIN_WIDTH_MM), max: tr.mm(MAX_WIDTH_MM) });
  }

  const onPointerDown = (handle: Handle | 'move') => (event: React.PointerEvent) => {
    if (!crop || mode === 'measure') return;
    event.stopPropagation();
    event.preventDefault();
    try {
      stageRef.current?.setPointerCapture(event.pointerId);
    } catch {
      // a synthetic pointer cannot be captured; its moves still reach the stage
    }
    drag.current = { id: event.pointerId, handle, start: toImage(event.clientX, event.clientY), rect: crop };
  };
  const onPointerMove = (event: React.PointerEvent) => {
    const d = drag.current;
    if (!d || d.id !== event.pointerId || !image) return;
    const now = toImage(event.clientX, event.clientY);
    const dx = now.x - d.start.x;
    const dy = now.y - d.start.y;
    setCrop(d.handle === 'move' ? moveRect(d.rect, dx, dy, image) : resizeRect(d.rect, d.handle, dx, dy, image));
  };
  const onPointerUp = (event: React.PointerEvent) => {
    if (drag.current?.id === event.pointerId) drag.current = undefined;
  };
  const onStageTap = (event: React.PointerEvent) => {
    if (mode !== 'measure' || !image) return;
    const p = toImage(event.clientX, event.clientY);
    setTaps((list) => (list.length >= 2 ? [p] : [...list, p]));
  };
  const onCropKey = (event: React.KeyboardEvent) => {
    if (!crop || !image) return;
    const stepPx = Math.max(1, Math.round(Math.min(image.width, image.height) * (event.altKey ? 0.002 : 0.02)));
    const delta: Record<string, [number, number]> = { ArrowLeft: [-stepPx, 0], ArrowRight: [stepPx, 0], ArrowUp: [0, -stepPx], ArrowDown: [0, stepPx] };
    const d = delta[event.key];
    if (!d) return;
    event.preventDefault();
    setCrop(event.shiftKey ? resizeRect(crop, 'se', d[0], d[1], image) : moveRect(crop, d[0], d[1], image));
  };

  const pct = (v: number, of: number) => `${(v / of) * 100}%`;

  return (
    <Dialog open onClose={onCancel} labelledBy={ids.title} className="dialog--cloth">
      <form
        className="cloth-dialog"
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid && crop && image) onConfirm({ crop: toCropField(crop, image), widthMm, image });
        }}
      >
        <header className="dialog__head">
          <h2 id={ids.title}>{t('cloth.dialogTitle')}</h2>
          <p id={ids.help}>{mode === 'card' ? t('cloth.frameHelp') : t('cloth.measure.help')}</p>
        </header>
        <div className="cloth-dialog__body">
          <div className="cloth-stage-wrap">
            <div
              ref={stageRef}
              className={`cloth-stage${mode === 'measure' ? ' cloth-stage--measure' : ''}`}
              style={
                image
                  ? { aspectRatio: `${image.width} / ${image.height}`, width: `min(100%, calc(64vh * ${(image.width / image.height).toFixed(4)}))` }
                  : undefined
              }
              onPointerDown={onStageTap}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={onPointerUp}
              data-testid="cloth-stage"
            >
              <img
                src={url}
                alt={t('cloth.photoAlt')}
                draggable={false}
                onLoad={(e) => {
                  const img = e.currentTarget;
                  const size = { width: img.naturalWidth, height: img.naturalHeight };
                  setImage(size);
                  setCrop(clampRect(defaultCrop(size), size));
                }}
                onError={onUnreadable}
              />
              {image && crop && (
                <div
                  className="crop-box"
                  style={{
                    left: pct(crop.left, image.width),
                    top: pct(crop.top, image.height),
                    width: pct(crop.width, image.width),
                    height: pct(crop.height, image.height),
                  }}
                  onPointerDown={onPointerDown('move')}
                  tabIndex={0}
                  role="group"
                  aria-roledescription={t('cloth.cropRole')}
                  aria-label={t('cloth.cropLabel', { width: tr.number(Math.round(crop.width)), height: tr.number(Math.round(crop.height)) })}
                  aria-describedby={ids.help}
                  onKeyDown={onCropKey}
                  data-testid="crop-box"
                >
                  {HANDLES.map((h) => (
                    <span key={h} className={`crop-box__handle crop-box__handle--${h}`} onPointerDown={onPointerDown(h)} aria-hidden="true" />
                  ))}
                </div>
              )}
              {image && taps.length > 0 && (
                <svg className="cloth-taps" viewBox={`0 0 ${image.width} ${image.height}`} preserveAspectRatio="none" aria-hidden="true">
                  {taps.length === 2 && <line x1={taps[0]!.x} y1={taps[0]!.y} x2={taps[1]!.x} y2={taps[1]!.y} vectorEffect="non-scaling-stroke" />}
                  {taps.map((p, i) => (
                    <circle key={i} cx={p.x} cy={p.y} r={Math.max(image.width, image.height) / 90} vectorEffect="non-scaling-stroke" />
                  ))}
                </svg>
              )}
            </div>
          </div>
          <div className="cloth-dialog__side">
            <fieldset className="scale">
              <legend>{t('cloth.scale.title')}</legend>
              <label className="radio" htmlFor={ids.auto}>
                <input id={ids.auto} type="radio" name="scale" checked={mode === 'auto'} onChange={() => setMode('auto')} data-testid="scale-auto" />
                <span>{t('cloth.scale.auto')}</span>
              </label>
              <label className="radio" htmlFor={ids.card}>
                <input id={ids.card} type="radio" name="scale" checked={mode === 'card'} onChange={() => setMode('card')} data-testid="scale-card" />
                <span>{t('cloth.scale.card')}</span>
              </label>
              {mode === 'card' && (
                <div className="field field--inline">
                  <label htmlFor={ids.cardMm}>{t('cloth.scale.cardWidth')}</label>
                  <input id={ids.cardMm} inputMode="decimal" value={cardMm} onChange={(e) => setCardMm(e.target.value)} size={5} data-testid="card-mm" />
                  <span aria-hidden="true">mm</span>
                </div>
              )}
              <label className="radio" htmlFor={ids.measure}>
                <input
                  id={ids.measure}
                  type="radio"
                  name="scale"
                  checked={mode === 'measure'}
                  onChange={() => {
                    setMode('measure');
                    setTaps([]);
                  }}
                  data-testid="scale-measure"
                />
                <span>{t('cloth.scale.measure')}</span>
              </label>
              {mode === 'measure' && (
                <>
                  <p className="hint" aria-live="polite">
                    {taps.length === 0 ? t('cloth.measure.first') : taps.length === 1 ? t('cloth.measure.second') : t('cloth.measure.again')}
                  </p>
                  <div className="field field--inline">
                    <label htmlFor={ids.lengthMm}>{t('cloth.measure.length')}</label>
                    <input
                      id={ids.lengthMm}
                      inputMode="decimal"
                      value={lengthMm}
                      onChange={(e) => setLengthMm(e.target.value)}
                      size={5}
                      data-testid="length-mm"
                    />
                    <span aria-hidden="true">mm</span>
                  </div>
                </>
              )}
            </fieldset>
            <p className={`scale-result${scaleMessage ? ' scale-result--warn' : ''}`} aria-live="polite" data-testid="scale-result">
              {scaleMessage ?? (widthMm === undefined ? t('cloth.scale.autoResult') : t('cloth.scale.result', { width: tr.mm(widthMm) }))}
            </p>
            <div className="dialog__actions">
              <button type="button" className="button button--quiet" onClick={onCancel}>
                {t('action.cancel')}
              </button>
              <button type="submit" className="button button--primary" disabled={!valid} data-testid="use-cloth">
                {t('cloth.use')}
              </button>
            </div>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
