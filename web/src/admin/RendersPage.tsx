import { useEffect, useId, useState, type FormEvent } from 'react';
import { call, query, RENDER_STATUSES, type AdminRender, type RenderFigures, type User } from './api.ts';
import { ago, Confirm, ErrorNotice, SelectField, TextField, useAction, useLoad } from './parts.tsx';
import { useAdminText } from './text.ts';

const REFRESH_MS = 5000;

/** Queue figures, live workers, a filtered list with retry and cancel, and (admins) a purge. */
export function RendersPage({ user }: { user: User }) {
  const { t, tr, locale } = useAdminText();
  const [status, setStatus] = useState('');
  const [engine, setEngine] = useState('');
  const [cut, setCut] = useState('');
  const [family, setFamily] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [tick, setTick] = useState(0);
  const [listTick, setListTick] = useState(0);
  const [extra, setExtra] = useState<AdminRender[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const action = useAction();

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  // The list follows the clock too, unless more pages were loaded (a refresh would drop them).
  useEffect(() => {
    if (extra.length === 0) setListTick(tick);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);
  const filters = { status, engine, cut, family, from, to: to ? new Date(Date.parse(to) + 86_400_000).toISOString().slice(0, 10) : '' };
  const figures = useLoad(() => call<RenderFigures>('GET', '/api/admin/renders/stats'), [tick]);
  const list = useLoad(async () => {
    const page = await call<{ items: AdminRender[]; nextCursor: string | null }>('GET', `/api/admin/renders${query({ ...filters, limit: 50 })}`);
    setExtra([]);
    setCursor(page.nextCursor);
    return page.items;
  }, [status, engine, cut, family, from, to, listTick]);
  const more = () =>
    action.run(async () => {
      const page = await call<{ items: AdminRender[]; nextCursor: string | null }>('GET', `/api/admin/renders${query({ ...filters, limit: 50, cursor })}`);
      setExtra((e) => [...e, ...page.items]);
      setCursor(page.nextCursor);
    });
  const act = (r: AdminRender, what: 'retry' | 'cancel') =>
    action.run(async () => {
      await call('POST', `/api/admin/renders/${r.id}/${what}`);
      setTick((n) => n + 1);
    });
  const f = figures.data;
  const items = [...(list.data ?? []), ...extra];

  return (
    <section className="admin-page" aria-labelledby="renders-title">
      <h1 id="renders-title" className="section-title">
        {t('renders.title')}
      </h1>
      <ErrorNotice error={figures.error ?? list.error ?? action.error} />
      {f && (
        <>
          <dl className="admin-figures" data-testid="render-figures">
            <div>
              <dt>{t('renders.queued')}</dt>
              <dd>{tr.number(f.queued)}</dd>
            </div>
            <div>
              <dt>{t('renders.running')}</dt>
              <dd>{tr.number(f.running)}</dd>
            </div>
            <div>
              <dt>{t('renders.failed24h')}</dt>
              <dd>{tr.number(f.failedLast24h)}</dd>
            </div>
            <div>
              <dt>{t('renders.waitingJobs')}</dt>
              <dd>{tr.number(f.jobs.waiting)}</dd>
            </div>
            {Object.entries(f.medianDurationMsByEngine).map(([name, ms]) => (
              <div key={name}>
                <dt>{t('renders.median', { engine: name })}</dt>
                <dd>{tr.number(ms / 1000, { maximumFractionDigits: 1 })} s</dd>
              </div>
            ))}
          </dl>
          <p className="hint">{RENDER_STATUSES.map((s) => `${t(`renderStatus.${s}`)}: ${tr.number(f.byStatus[s])}`).join(' · ')}</p>
          <h2>{t('renders.workers', { count: tr.number(f.workers.length) })}</h2>
          {f.workers.length === 0 ? (
            <p className="notice notice--error">{t('renders.noWorkers')}</p>
          ) : (
            <ul className="admin-workers">
              {f.workers.map((w) => (
                <li key={w.id}>
                  <code>{w.id}</code> · {w.engines.join(', ')} · {t('renders.heartbeat', { ago: ago(w.lastHeartbeatAt, locale) })}
                </li>
              ))}
            </ul>
          )}
        </>
      )}

      <div className="admin-filters">
        <SelectField
          label={t('renders.status')}
          value={status}
          onChange={setStatus}
          options={[{ value: '', label: t('filter.any') }, ...RENDER_STATUSES.map((s) => ({ value: s, label: t(`renderStatus.${s}`) }))]}
        />
        <TextField label={t('renders.engine')} value={engine} onChange={setEngine} placeholder="compose" />
        <TextField label={t('renders.cut')} value={cut} onChange={setCut} placeholder="single-breasted" />
        <TextField label={t('renders.family')} value={family} onChange={setFamily} />
        <TextField label={t('filter.from')} type="date" value={from} onChange={setFrom} />
        <TextField label={t('filter.to')} type="date" value={to} onChange={setTo} />
      </div>

      <div className="admin-table-wrap">
        <table className="admin-table" data-testid="renders-table">
          <thead>
            <tr>
              <th scope="col">{t('renders.image')}</th>
              <th scope="col">{t('renders.status')}</th>
              <th scope="col">{t('renders.what')}</th>
              <th scope="col">{t('renders.created')}</th>
              <th scope="col" className="num">
                {t('renders.duration')}
              </th>
              <th scope="col">
                <span className="visually-hidden">{t('field.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => {
              const thumb = r.images.find((i) => i.size === 'thumb');
              return (
                <tr key={r.id} data-render={r.id}>
                  <td>{thumb ? <img src={thumb.url} alt="" width={48} loading="lazy" /> : null}</td>
                  <td>
                    <span className={`badge badge--${r.status}`}>{t(`renderStatus.${r.status}`)}</span>
                    {r.error && <div className="hint">{r.error}</div>}
                  </td>
                  <td>
                    {r.family}/{r.color ?? t('renders.photo')} · {r.cut}/{r.view} · {r.engine}
                  </td>
                  <td>{tr.dateTime(r.createdAt)}</td>
                  <td className="num">{r.durationMs !== null ? `${tr.number(r.durationMs / 1000, { maximumFractionDigits: 1 })} s` : ''}</td>
                  <td className="actions">
                    {(r.status === 'failed' || r.status === 'canceled') && (
                      <button type="button" className="button button--small" onClick={() => act(r, 'retry')}>
                        {t('action.retry')}
                      </button>
                    )}
                    {(r.status === 'queued' || r.status === 'running') && (
                      <button type="button" className="button button--small button--quiet" onClick={() => act(r, 'cancel')}>
                        {t('action.cancelRender')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {!list.loading && items.length === 0 && <p className="empty">{t('renders.empty')}</p>}
      </div>
      {cursor && (
        <button type="button" className="button" onClick={more} disabled={action.pending}>
          {t('action.more')}
        </button>
      )}
      {user.role === 'admin' && <Purge onDone={() => setTick((n) => n + 1)} />}
    </section>
  );
}

function Purge({ onDone }: { onDone(): void }) {
  const { t, tp, tr } = useAdminText();
  const id = useId();
  const [days, setDays] = useState('30');
  const [statuses, setStatuses] = useState<string[]>(['failed', 'canceled']);
  const [plan, setPlan] = useState<{ renders: number; keptInLooks: number }>();
  const [done, setDone] = useState<{ renders: number; files: number }>();
  const action = useAction();
  const body = (dryRun: boolean) => ({ olderThanDays: Number(days), statuses, dryRun });

  const check = async (e: FormEvent) => {
    e.preventDefault();
    setDone(undefined);
    const r = await action.run(() => call<{ renders: number; keptInLooks: number }>('POST', '/api/admin/renders/purge', body(true)));
    if (r) setPlan(r);
  };
  const purge = async () => {
    setPlan(undefined);
    const r = await action.run(() => call<{ renders: number; files: number }>('POST', '/api/admin/renders/purge', body(false)));
    if (r) {
      setDone(r);
      onDone();
    }
  };

  return (
    <form className="admin-card admin-form" onSubmit={check} aria-labelledby={id}>
      <h2 id={id}>{t('purge.title')}</h2>
      <p className="hint">{t('purge.hint')}</p>
      <TextField label={t('purge.days')} type="number" min="1" max="3650" value={days} onChange={setDays} required />
      <fieldset>
        <legend>{t('purge.statuses')}</legend>
        {(['failed', 'canceled', 'succeeded'] as const).map((s) => (
          <label key={s} className="checkbox">
            <input
              type="checkbox"
              checked={statuses.includes(s)}
              onChange={(e) => setStatuses(e.target.checked ? [...statuses, s] : statuses.filter((x) => x !== s))}
            />
            {t(`renderStatus.${s}`)}
          </label>
        ))}
      </fieldset>
      <ErrorNotice error={action.error} />
      {done && <p role="status">{t('purge.done', { renders: tr.number(done.renders), files: tr.number(done.files) })}</p>}
      <button type="submit" className="button" disabled={!statuses.length || action.pending}>
        {t('purge.check')}
      </button>
      <Confirm
        open={!!plan}
        title={t('purge.confirmTitle')}
        body={plan ? tp('purge.confirmBody', plan.renders, { kept: tr.number(plan.keptInLooks) }) : ''}
        confirm={t('purge.confirm')}
        danger
        onConfirm={purge}
        onClose={() => setPlan(undefined)}
      />
    </form>
  );
}
