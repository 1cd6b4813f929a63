import { ApiError, UnreachableError } from '../api/client.ts';
import type { Render } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { RenderCaption } from '../render/describe.ts';
import { useLayoutEffect } from 'react';
import { markPreview, type PreviewState } from './usePreview.ts';

/** The suit as it looks now. The previous image stays while the next one loads, dimmed, never blank. */
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
  useLayoutEffect(() => {
    if (shownKey) markPreview('swapped');
  }, [shownKey]);
  const stale = shown && shown.key !== preview.wanted;
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
              className={`preview__image${loading || stale ? ' preview__image--stale' : ''}`}
              src={shown.url}
              decoding="sync"
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
        {loading && shown && !placeholder && (
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
