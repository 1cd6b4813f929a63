import { imageOf, isTerminal, type Render } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Icon } from '../ui/icons.tsx';
import type { RenderCaption } from './describe.ts';

/**
 * Thumbnails of renders. A finished one opens full size; an unfinished one shows its progress; a
 * failed one says why and offers Retry. With `selected`, each can be picked for compare or a look.
 */
export function Gallery({
  renders,
  describe,
  onOpen,
  selected,
  onToggle,
  onRetry,
  testId,
  showDate,
}: {
  renders: Render[];
  describe(r: Render): RenderCaption;
  onOpen(render: Render): void;
  selected?: Set<string>;
  onToggle?(render: Render): void;
  onRetry?(render: Render): void;
  testId?: string;
  showDate?: boolean;
}) {
  const { t, percent, dateTime } = useI18n();
  return (
    <ul className="gallery" data-testid={testId}>
      {renders.map((render) => {
        const caption = describe(render);
        const thumb = imageOf(render, 'thumb');
        const isSelected = selected?.has(render.id) ?? false;
        const done = render.status === 'succeeded';
        return (
          <li
            key={render.id}
            className={`tile tile--${render.status}${isSelected ? ' tile--selected' : ''}`}
            data-render-id={render.id}
            data-status={render.status}
          >
            {done && thumb ? (
              <button type="button" className="tile__open" onClick={() => onOpen(render)} aria-label={t('gallery.open', { what: caption.line })}>
                <img src={thumb.url} alt={caption.alt} width={thumb.width} height={thumb.height} loading="lazy" decoding="async" />
              </button>
            ) : render.status === 'failed' || render.status === 'canceled' ? (
              <div className="tile__failed" role="group" aria-label={caption.line}>
                <strong>{t(render.status === 'failed' ? 'status.failed' : 'status.canceled')}</strong>
                {render.error && <span className="tile__error">{render.error}</span>}
                {onRetry && (
                  <button type="button" className="button button--small" onClick={() => onRetry(render)}>
                    {t('action.retry')}
                  </button>
                )}
              </div>
            ) : (
              <div className="tile__pending" role="status" aria-label={t('gallery.pending', { what: caption.line })}>
                <div className="spinner" aria-hidden="true" />
                <span>{render.status === 'queued' ? t('status.queued') : percent(render.progress)}</span>
                {render.error && !isTerminal(render.status) && <span className="tile__note">{t('render.retrying')}</span>}
              </div>
            )}
            <div className="tile__caption">
              <span className="tile__family">
                {caption.clothThumbnailUrl && <img className="cloth-thumb" src={caption.clothThumbnailUrl} alt="" width={20} height={20} loading="lazy" />}
                {caption.family}
              </span>
              <span className="tile__meta">{caption.meta}</span>
              {showDate && <span className="tile__meta">{dateTime(render.createdAt)}</span>}
            </div>
            {onToggle && done && (
              <button
                type="button"
                className="tile__select"
                aria-pressed={isSelected}
                onClick={() => onToggle(render)}
                aria-label={t(isSelected ? 'gallery.deselect' : 'gallery.select', { what: caption.line })}
                title={t(isSelected ? 'gallery.deselectShort' : 'gallery.selectShort')}
              >
                <Icon name="check" size={18} />
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
