import { useCallback, useEffect, useState } from 'react';
import { api, isAbort } from '../api/client.ts';
import { apiStatus } from '../api/status.ts';
import type { Render } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { RenderCaption } from '../render/describe.ts';
import { Gallery } from '../render/Gallery.tsx';

const PAGE = 24;

/** The most recent renders of this house, newest first, a page at a time. */
export function History({
  describe,
  selected,
  onToggle,
  onOpen,
  onRetry,
}: {
  describe(r: Render): RenderCaption;
  selected: Set<string>;
  onToggle(r: Render): void;
  onOpen(list: Render[], r: Render): void;
  onRetry(r: Render): Promise<void>;
}) {
  const { t } = useI18n();
  const [items, setItems] = useState<Render[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    setState('loading');
    api
      .history({ limit: PAGE }, controller.signal)
      .then((page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
        setState('ready');
      })
      .catch((error) => !isAbort(error) && setState('failed'));
    return () => controller.abort();
  }, [reloads]);

  useEffect(() => (state === 'failed' ? apiStatus.onRetry(reload) : undefined), [state, reload]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await api.history({ limit: PAGE, cursor });
      setItems((list) => [...list, ...page.items.filter((r) => !list.some((x) => x.id === r.id))]);
      setCursor(page.nextCursor);
    } catch {
      // the banner says the server is unreachable; the button stays for another try
    }
  };

  const finished = items.filter((r) => r.status === 'succeeded');
  return (
    <section className="page-section" aria-labelledby="history-title">
      <div className="section-head">
        <h2 id="history-title" className="section-title">
          {t('history.title')}
        </h2>
        <button type="button" className="button button--quiet" onClick={reload}>
          {t('history.refresh')}
        </button>
      </div>
      {state === 'loading' && items.length === 0 ? (
        <div className="gallery gallery--skeleton" role="status" aria-label={t('history.loading')}>
          {Array.from({ length: 8 }, (_, i) => (
            <div key={i} className="skeleton skeleton--tile" />
          ))}
        </div>
      ) : state === 'failed' && items.length === 0 ? (
        <div className="notice notice--error" role="alert">
          <p>{t('history.failed')}</p>
          <button type="button" className="button button--small" onClick={reload}>
            {t('action.retry')}
          </button>
        </div>
      ) : items.length === 0 ? (
        <p className="empty">{t('history.empty')}</p>
      ) : (
        <>
          <Gallery
            renders={items}
            describe={describe}
            selected={selected}
            onToggle={onToggle}
            onOpen={(r) => onOpen(finished, r)}
            onRetry={(r) => void onRetry(r).then(reload, reload)}
            testId="history"
            showDate
          />
          {cursor && (
            <button type="button" className="button load-more" onClick={more}>
              {t('history.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
