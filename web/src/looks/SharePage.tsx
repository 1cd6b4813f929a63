import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, isAbort } from '../api/client.ts';
import { apiStatus } from '../api/status.ts';
import type { Look, Render } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { describeRender } from '../render/describe.ts';
import { Gallery } from '../render/Gallery.tsx';
import { Viewer } from '../render/Viewer.tsx';
import { AppHeader } from '../ui/AppHeader.tsx';

type State = { status: 'loading' } | { status: 'ready'; look: Look } | { status: 'missing' } | { status: 'expired' } | { status: 'failed' };

/** The client's read-only page of a look: no sign-in, no controls but looking closer. */
export function SharePage({ token }: { token: string }) {
  const tr = useI18n();
  const { t } = tr;
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [viewer, setViewer] = useState<number>();
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    api
      .look(token, controller.signal)
      .then((look) => setState({ status: 'ready', look }))
      .catch((error) => {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 404) setState({ status: 'missing' });
        else if (error instanceof ApiError && error.status === 410) setState({ status: 'expired' });
        else setState({ status: 'failed' });
      });
    return () => controller.abort();
  }, [token, attempt]);
  useEffect(() => (state.status === 'failed' ? apiStatus.onRetry(retry) : undefined), [state.status, retry]);

  useEffect(() => {
    document.title = state.status === 'ready' ? `${state.look.title} · Atelier` : 'Atelier';
  }, [state]);

  const describe = (r: Render) => describeRender(r, tr);
  return (
    <>
      <AppHeader subtitle={t('share.tagline')} />
      <main id="main" tabIndex={-1} className="share">
        {state.status === 'loading' && (
          <div role="status" aria-label={t('share.loading')}>
            <div className="skeleton skeleton--line" style={{ width: '40%', height: 36 }} />
            <div className="gallery gallery--large">
              {Array.from({ length: 3 }, (_, i) => (
                <div key={i} className="skeleton skeleton--tile-large" />
              ))}
            </div>
          </div>
        )}
        {state.status === 'missing' && <Message title={t('share.missingTitle')} body={t('share.missing')} />}
        {state.status === 'expired' && <Message title={t('share.expiredTitle')} body={t('share.expired')} />}
        {state.status === 'failed' && (
          <Message title={t('share.failedTitle')} body={t('share.failed')}>
            <button type="button" className="button" onClick={retry}>
              {t('action.retry')}
            </button>
          </Message>
        )}
        {state.status === 'ready' && (
          <>
            <header className="share__head">
              <p className="share__eyebrow">{state.look.clientName ? t('share.for', { client: state.look.clientName }) : t('share.eyebrow')}</p>
              <h1 data-testid="look-title">{state.look.title}</h1>
              <p className="share__dates">{t('share.dates', { created: tr.date(state.look.createdAt), expires: tr.date(state.look.expiresAt) })}</p>
            </header>
            <Gallery
              renders={state.look.renders}
              describe={describe}
              onOpen={(r) => setViewer(state.look.renders.findIndex((x) => x.id === r.id))}
              testId="look-gallery"
            />
            {viewer !== undefined && (
              <Viewer renders={state.look.renders} index={viewer} onIndex={setViewer} onClose={() => setViewer(undefined)} describe={describe} />
            )}
          </>
        )}
      </main>
    </>
  );
}

function Message({ title, body, children }: { title: string; body: string; children?: React.ReactNode }) {
  return (
    <div className="message" role="alert">
      <h1>{title}</h1>
      <p>{body}</p>
      {children}
    </div>
  );
}
