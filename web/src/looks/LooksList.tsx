import { useI18n } from '../i18n/i18n.tsx';
import { CopyLink } from './CopyLink.tsx';
import { shareUrl, type RememberedLook } from './savedLooks.ts';

export function LooksList({ looks }: { looks: RememberedLook[] }) {
  const tr = useI18n();
  const { t } = tr;
  const now = Date.now();
  return (
    <section className="page-section" aria-labelledby="looks-title">
      <h2 id="looks-title" className="section-title">
        {t('looks.listTitle')}
      </h2>
      {looks.length === 0 ? (
        <p className="empty">{t('looks.empty')}</p>
      ) : (
        <ul className="look-list" data-testid="look-list">
          {looks.map((look) => {
            const expired = new Date(look.expiresAt).getTime() <= now;
            return (
              <li key={look.token} className={`look-item${expired ? ' look-item--expired' : ''}`}>
                {look.thumbUrl ? <img src={look.thumbUrl} alt="" className="look-item__thumb" /> : <span className="look-item__thumb" aria-hidden="true" />}
                <div className="look-item__text">
                  <strong>{look.title}</strong>
                  <span>
                    {look.clientName ? `${look.clientName} · ` : ''}
                    {tr.tp('looks.renderCount', look.renderCount)}
                  </span>
                  <span>{expired ? t('looks.expired') : t('looks.expires', { date: tr.date(look.expiresAt) })}</span>
                </div>
                {!expired && (
                  <div className="look-item__actions">
                    <a className="button button--small" href={look.url} target="_blank" rel="noopener">
                      {t('looks.open')}
                    </a>
                    <CopyLink url={shareUrl(look.url)} />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
