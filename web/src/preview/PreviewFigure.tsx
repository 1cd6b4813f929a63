import { ApiError, UnreachableError } from '../api/client.ts';
import type { Render } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { RenderCaption } from '../render/describe.ts';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { markPreview, type PreviewState } from './usePreview.ts';

/**
 * How long a new preview may take before the old one is dimmed and "updating" shown. Most colour taps
 * are answered well within it: marking them would flash a dim and a spinner for a few frames, which
 * reads as flicker and, on a tablet's CPU, costs more than the render itself (each animated frame of
 * the large image is composited again).
 */
export const SLOW_PREVIEW_MS = 200;

/** True once `on` has stayed true for `ms`; false again as soon as it turns false. */
function useAfter(on: boolean, ms: number): boolean {
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!on) {
      setLate(false);
      return;
    }
    const timer = setTimeout(() => setLate(true), ms);
    return () => clearTimeout(timer);
  }, [on, ms]);
  return on && late;
}

/** The suit as it looks now. The previous image stays while the next one loads (dimmed if that is slow), never blank. */
export function PreviewFigure({
  preview,
  caption,
  placeholder,
  onRetry,
  onOpen,
  altFor,
}: {
  preview: PreviewState;
  caption?: RenderCaption;
  /** Shown instead of the suit (nothing chosen yet, or the photographed cloth is not ready). */
  placeholder?: React.ReactNode;
  onRetry(): void;
  onOpen(render: Render): void;
  altFor(render: Render): string;
}) {
  const { t } = useI18n();
  const { shown, loading, failure } = preview;
  const shownKey = shown?.key;
  const image = useRef<HTMLImageElement>(null);
  useLayoutEffect(() => {
    if (!shownKey) return;
    markPreview('swapped');
    // The new picture starts decoding on the browser's decode threads now, while the frame that
    // shows it is being made. Chromium keys this decode apart from its raster's (nearest-neighbour
    // against filtered, for a picture drawn scaled), so the raster decodes it again: a trace of 85
    // taps held 430 ms of these decodes beside 280 ms of raster decodes. Kept: in four web bench runs
    // without it beside four with it, taps were neither faster nor slower beyond the runs' noise, and
    // the step from paint to screen took 5–6 ms (median) with it, 10–14 without.
    image.current?.decode?.().catch(() => undefined);
  }, [shownKey]);
  const stale = shown && shown.key !== preview.wanted;
  const slow = useAfter(!!(loading || stale), SLOW_PREVIEW_MS);
  let failureText: string | undefined;
  if (failure) {
    if (failure.render) failureText = failure.render.error ?? t('preview.failedNoReason');
    else if (failure.error instanceof UnreachableError) failureText = t('preview.unreachable');
    else if (failure.error instanceof ApiError) failureText = failure.error.message;
    else failureText = t('preview.failedNoReason');
  }

  return (
    <figure className="preview" aria-busy={loading} data-testid="preview">
      <div className="preview__frame">
        {placeholder ? (
          <div className="preview__placeholder">{placeholder}</div>
        ) : shown ? (
          <button type="button" className="preview__open" onClick={() => onOpen(shown.render)} aria-label={t('preview.open')}>
            <img
              ref={image}
              className={`preview__image${slow ? ' preview__image--stale' : ''}`}
              src={shown.url}
              decoding="sync"
              // The frame that first shows each new picture is reported (Element Timing): "on screen" as measured in the field and by the web bench.
              elementtiming="preview"
              alt={altFor(shown.render)}
              data-key={shown.key}
              data-render-id={shown.render.id}
              data-testid="preview-image"
              width={shown.render.images.find((i) => i.size === 'preview')?.width}
              height={shown.render.images.find((i) => i.size === 'preview')?.height}
            />
          </button>
        ) : loading ? (
          <div className="skeleton skeleton--suit" role="status" aria-label={t('preview.loading')} />
        ) : null}
        {slow && loading && shown && !placeholder && (
          <div className="preview__updating" role="status">
            <span className="spinner spinner--small" aria-hidden="true" /> {t('preview.updating')}
          </div>
        )}
        {failure && !loading && !placeholder && (
          <div className="preview__failure" role="alert" data-testid="preview-failure">
            <strong>{t('preview.failed')}</strong>
            <p>{failureText}</p>
            <button type="button" className="button button--small" onClick={onRetry}>
              {t('action.retry')}
            </button>
          </div>
        )}
      </div>
      {caption && !placeholder && (
        <figcaption className="preview__caption">
          <span className="preview__family">
            {caption.clothThumbnailUrl && <img className="cloth-thumb" src={caption.clothThumbnailUrl} alt="" width={20} height={20} />}
            {caption.family}
          </span>
          <span>{caption.meta}</span>
        </figcaption>
      )}
    </figure>
  );
}
