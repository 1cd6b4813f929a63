import { useEffect, useState } from 'react';
import { imageOf, type Render } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { Icon } from '../ui/icons.tsx';
import { downloadName, type RenderCaption } from './describe.ts';
import { ZoomPane } from './ZoomPane.tsx';
import { IDENTITY, MAX_SCALE, MIN_SCALE, type ZoomState } from './zoom.ts';

const step = (z: ZoomState, factor: number): ZoomState => {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, z.scale * factor));
  const k = scale / z.scale;
  return scale === 1 ? IDENTITY : { scale, x: z.x * k, y: z.y * k };
};

function ZoomControls({ zoom, setZoom }: { zoom: ZoomState; setZoom(z: ZoomState): void }) {
  const { t, percent } = useI18n();
  return (
    <div className="viewer__zoom" role="group" aria-label={t('viewer.zoom')}>
      <button
        type="button"
        className="icon-button"
        onClick={() => setZoom(step(zoom, 1 / 1.5))}
        disabled={zoom.scale <= MIN_SCALE}
        aria-label={t('viewer.zoomOut')}
        title={t('viewer.zoomOut')}
      >
        <Icon name="minus" />
      </button>
      <output className="viewer__scale" aria-live="polite" data-testid="zoom-level">
        {percent(zoom.scale)}
      </output>
      <button
        type="button"
        className="icon-button"
        onClick={() => setZoom(step(zoom, 1.5))}
        disabled={zoom.scale >= MAX_SCALE}
        aria-label={t('viewer.zoomIn')}
        title={t('viewer.zoomIn')}
      >
        <Icon name="plus" />
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={() => setZoom(IDENTITY)}
        disabled={zoom.scale === 1}
        aria-label={t('viewer.reset')}
        title={t('viewer.reset')}
      >
        <Icon name="reset" />
      </button>
    </div>
  );
}

/** Keyboard: ← → to move through the renders, + − 0 to zoom; Escape closes (the dialog does that). */
function useZoomKeys(setZoom: (f: (z: ZoomState) => ZoomState) => void, extra?: (e: KeyboardEvent) => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement | null)?.closest('input, textarea')) return;
      if (e.key === '+' || e.key === '=') setZoom((z) => step(z, 1.5));
      else if (e.key === '-') setZoom((z) => step(z, 1 / 1.5));
      else if (e.key === '0') setZoom(() => IDENTITY);
      else extra?.(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setZoom, extra]);
}

/** A render full size: zoom and pan, previous and next, download. */
export function Viewer({
  renders,
  index,
  onIndex,
  onClose,
  describe,
}: {
  renders: Render[];
  index: number;
  onIndex(i: number): void;
  onClose(): void;
  describe(r: Render): RenderCaption;
}) {
  const { t } = useI18n();
  const [zoom, setZoom] = useState<ZoomState>(IDENTITY);
  const render = renders[index];
  const full = render ? imageOf(render, 'full') : undefined;
  useEffect(() => setZoom(IDENTITY), [index]);
  const go = (delta: number) => onIndex((index + delta + renders.length) % renders.length);
  useZoomKeys(setZoom as (f: (z: ZoomState) => ZoomState) => void, (e) => {
    if (e.key === 'ArrowRight' && renders.length > 1) go(1);
    if (e.key === 'ArrowLeft' && renders.length > 1) go(-1);
  });
  if (!render || !full) return null;
  const caption = describe(render);
  return (
    <Dialog open onClose={onClose} labelledBy="viewer-title" className="dialog--viewer">
      <div className="viewer" data-testid="viewer">
        <header className="viewer__bar">
          <div className="viewer__title">
            <h2 id="viewer-title">
              {caption.clothThumbnailUrl && <img className="cloth-thumb" src={caption.clothThumbnailUrl} alt="" width={28} height={28} />}
              {caption.family}
            </h2>
            <p>
              {caption.meta}
              {renders.length > 1 && <span className="viewer__count"> · {t('viewer.position', { index: index + 1, total: renders.length })}</span>}
            </p>
          </div>
          <ZoomControls zoom={zoom} setZoom={setZoom} />
          <div className="viewer__actions">
            <a className="button button--light" href={full.url} download={downloadName(render)} data-testid="download">
              <Icon name="download" /> {t('viewer.download')}
            </a>
            <button type="button" className="icon-button icon-button--light" onClick={onClose} aria-label={t('action.close')} title={t('action.close')}>
              <Icon name="close" />
            </button>
          </div>
        </header>
        <div className="viewer__stage">
          {renders.length > 1 && (
            <button
              type="button"
              className="viewer__nav viewer__nav--prev"
              onClick={() => go(-1)}
              aria-label={t('viewer.previous')}
              title={t('viewer.previous')}
            >
              <Icon name="prev" size={28} />
            </button>
          )}
          <ZoomPane key={render.id} src={full.url} alt={caption.alt} natural={full} zoom={zoom} onZoom={setZoom} testId="viewer-pane" />
          {renders.length > 1 && (
            <button type="button" className="viewer__nav viewer__nav--next" onClick={() => go(1)} aria-label={t('viewer.next')} title={t('viewer.next')}>
              <Icon name="next" size={28} />
            </button>
          )}
        </div>
        <p className="viewer__hint">{t('viewer.hint')}</p>
      </div>
    </Dialog>
  );
}

/** Two renders side by side, zooming and panning together so the same detail is compared. */
export function Compare({ pair, onClose, describe }: { pair: [Render, Render]; onClose(): void; describe(r: Render): RenderCaption }) {
  const { t } = useI18n();
  const [zoom, setZoom] = useState<ZoomState>(IDENTITY);
  useZoomKeys(setZoom as (f: (z: ZoomState) => ZoomState) => void);
  return (
    <Dialog open onClose={onClose} labelledBy="compare-title" className="dialog--viewer">
      <div className="viewer" data-testid="compare">
        <header className="viewer__bar">
          <div className="viewer__title">
            <h2 id="compare-title">{t('compare.title')}</h2>
            <p>{t('compare.hint')}</p>
          </div>
          <ZoomControls zoom={zoom} setZoom={setZoom} />
          <div className="viewer__actions">
            <button type="button" className="icon-button icon-button--light" onClick={onClose} aria-label={t('action.close')} title={t('action.close')}>
              <Icon name="close" />
            </button>
          </div>
        </header>
        <div className="compare">
          {pair.map((render, i) => {
            const full = imageOf(render, 'full')!;
            const caption = describe(render);
            return (
              <figure key={render.id + i} className="compare__side">
                <ZoomPane src={full.url} alt={caption.alt} natural={full} zoom={zoom} onZoom={setZoom} testId={`compare-pane-${i}`} />
                <figcaption>
                  <strong>{caption.family}</strong> · {caption.meta}
                </figcaption>
              </figure>
            );
          })}
        </div>
      </div>
    </Dialog>
  );
}
