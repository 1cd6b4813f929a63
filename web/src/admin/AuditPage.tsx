import { useState } from 'react';
import { call, query, type AuditEntry } from './api.ts';
import { ErrorNotice, TextField, useAction, useLoad } from './parts.tsx';
import { useAdminText } from './text.ts';

/** Fields that differ between before and after, for a compact reading of a change. */
function changedFields(before: unknown, after: unknown): Array<{ field: string; before: unknown; after: unknown }> {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || typeof a !== 'object') return [];
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  return [...keys].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => ({ field: k, before: b[k], after: a[k] }));
}

const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** Who changed what and when, with before and after; filters by person, action, entity, text and dates. */
export function AuditPage() {
  const { t, tp, tr } = useAdminText();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [entity, setEntity] = useState('');
  const [text, setText] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [extra, setExtra] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const more = useAction();
  const filters = { actor, action, entity, q: text, from, to: to ? new Date(Date.parse(to) + 86_400_000).toISOString().slice(0, 10) : '' };
  const list = useLoad(async () => {
    const page = await call<{ items: AuditEntry[]; nextCursor: string | null }>('GET', `/api/admin/audit${query({ ...filters, limit: 50 })}`);
    setExtra([]);
    setCursor(page.nextCursor);
    return page.items;
  }, [actor, action, entity, text, from, to]);
  const loadMore = () =>
    more.run(async () => {
      const page = await call<{ items: AuditEntry[]; nextCursor: string | null }>('GET', `/api/admin/audit${query({ ...filters, limit: 50, cursor })}`);
      setExtra((e) => [...e, ...page.items]);
      setCursor(page.nextCursor);
    });
  const items = [...(list.data ?? []), ...extra];

  return (
    <section className="admin-page" aria-labelledby="audit-title">
      <h1 id="audit-title" className="section-title">
        {t('audit.title')}
      </h1>
      <div className="admin-filters">
        <TextField label={t('audit.actor')} value={actor} onChange={setActor} placeholder="ana@" />
        <TextField label={t('audit.action')} value={action} onChange={setAction} placeholder="family." hint={t('audit.actionHint')} />
        <div className="field">
          <label htmlFor="audit-entity">{t('audit.entity')}</label>
          <select id="audit-entity" value={entity} onChange={(e) => setEntity(e.target.value)}>
            <option value="">{t('filter.any')}</option>
            {(['family', 'color', 'swatch', 'cut', 'cut_view', 'catalog', 'render', 'user'] as const).map((e) => (
              <option key={e} value={e}>
                {t(`entity.${e}`)}
              </option>
            ))}
          </select>
        </div>
        <TextField label={t('audit.text')} value={text} onChange={setText} />
        <TextField label={t('filter.from')} type="date" value={from} onChange={setFrom} />
        <TextField label={t('filter.to')} type="date" value={to} onChange={setTo} />
      </div>
      <ErrorNotice error={list.error ?? more.error} />
      <ol className="admin-audit" data-testid="audit-list">
        {items.map((e) => {
          const changes = changedFields(e.before, e.after);
          return (
            <li key={e.id}>
              <div>
                <time dateTime={e.at}>{tr.dateTime(e.at)}</time> · <strong>{e.actor ?? t('audit.system')}</strong> · <code>{e.action}</code> ·{' '}
                {t(`entity.${e.entity}` as never) || e.entity}
                {e.entityId && <span className="hint"> {e.entityId}</span>}
              </div>
              {changes.length > 0 && (
                <details>
                  <summary>{tp('audit.changes', changes.length)}</summary>
                  <table className="admin-table admin-diff">
                    <thead>
                      <tr>
                        <th scope="col">{t('audit.field')}</th>
                        <th scope="col">{t('audit.before')}</th>
                        <th scope="col">{t('audit.after')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {changes.map((c) => (
                        <tr key={c.field}>
                          <th scope="row">{c.field}</th>
                          <td>
                            <del>{show(c.before)}</del>
                          </td>
                          <td>
                            <ins>{show(c.after)}</ins>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              )}
            </li>
          );
        })}
      </ol>
      {!list.loading && items.length === 0 && <p className="empty">{t('audit.empty')}</p>}
      {cursor && (
        <button type="button" className="button" onClick={loadMore} disabled={more.pending}>
          {t('action.more')}
        </button>
      )}
    </section>
  );
}
