import { useId, useState } from 'react';
import { api, ApiError, UnreachableError } from '../api/client.ts';
import { imageOf, type Render, type SavedLook } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { CopyLink } from './CopyLink.tsx';
import { rememberLook, shareUrl, type RememberedLook } from './savedLooks.ts';

export const MAX_LOOK_RENDERS = 24;

/** Names the look, saves it, and hands back the share link to copy or open. */
export function SaveLookDialog({ renders, onClose, onSaved }: { renders: Render[]; onClose(): void; onSaved(looks: RememberedLook[]): void }) {
  const tr = useI18n();
  const { t } = tr;
  const ids = { title: useId(), name: useId(), client: useId(), error: useId() };
  const [title, setTitle] = useState('');
  const [client, setClient] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<SavedLook>();
  const chosen = renders.slice(0, MAX_LOOK_RENDERS);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!title.trim()) {
      setError(t('looks.titleRequired'));
      return;
    }
    if (!client.trim()) {
      setError(t('looks.clientRequired'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const look = await api.saveLook({ title: title.trim(), clientName: client.trim(), renderIds: chosen.map((r) => r.id) });
      setSaved(look);
      const thumb = chosen[0] ? imageOf(chosen[0], 'thumb')?.url : undefined;
      onSaved(rememberLook({ ...look, renderCount: chosen.length, thumbUrl: thumb }));
    } catch (e) {
      setError(
        e instanceof UnreachableError
          ? t('preview.unreachable')
          : e instanceof ApiError
            ? t('looks.saveFailed', { reason: e.message })
            : t('looks.saveFailed', { reason: '' }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onClose} labelledBy={ids.title} className="dialog--form">
      {saved ? (
        <div className="form" data-testid="look-saved">
          <h2 id={ids.title}>{t('looks.savedTitle')}</h2>
          <p>{t('looks.savedBody', { date: tr.date(saved.expiresAt) })}</p>
          <p className="share-link">
            <a href={saved.url} target="_blank" rel="noopener" data-testid="share-link">
              {shareUrl(saved.url)}
            </a>
          </p>
          <div className="dialog__actions">
            <CopyLink url={shareUrl(saved.url)} className="button" />
            <button type="button" className="button button--primary" onClick={onClose} autoFocus>
              {t('action.done')}
            </button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <h2 id={ids.title}>{t('looks.saveTitle')}</h2>
          <p>{tr.tp('looks.renderCount', chosen.length)}</p>
          {renders.length > MAX_LOOK_RENDERS && <p className="hint">{t('looks.tooMany', { max: tr.number(MAX_LOOK_RENDERS) })}</p>}
          <ul className="look-strip" aria-hidden="true">
            {chosen.slice(0, 8).map((r) => {
              const thumb = imageOf(r, 'thumb');
              return thumb ? (
                <li key={r.id}>
                  <img src={thumb.url} alt="" />
                </li>
              ) : null;
            })}
          </ul>
          <div className="field">
            <label htmlFor={ids.name}>{t('looks.name')}</label>
            <input
              id={ids.name}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              maxLength={120}
              required
              autoFocus
              aria-invalid={!!error && !title.trim()}
              aria-describedby={error ? ids.error : undefined}
              data-testid="look-title"
            />
          </div>
          <div className="field">
            <label htmlFor={ids.client}>{t('looks.client')}</label>
            <input
              id={ids.client}
              value={client}
              onChange={(e) => setClient(e.target.value)}
              maxLength={120}
              required
              autoComplete="off"
              data-testid="look-client"
            />
          </div>
          {error && (
            <p id={ids.error} className="notice notice--error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__actions">
            <button type="button" className="button button--quiet" onClick={onClose}>
              {t('action.cancel')}
            </button>
            <button type="submit" className="button button--primary" disabled={busy || chosen.length === 0} data-testid="look-save">
              {busy ? t('looks.saving') : t('looks.save')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
