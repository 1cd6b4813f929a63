import { useEffect, useState } from 'react';
import { facetLabel } from '../../catalog/labels.ts';
import type { Navigate } from '../AdminApp.tsx';
import { call, PATTERNS, query, SEASONS, WEAVES, type FamilyRow } from '../api.ts';
import { Confirm, ErrorNotice, SelectField, useAction, useLoad } from '../parts.tsx';
import { useAdminText } from '../text.ts';

type Status = 'current' | 'active' | 'inactive' | 'archived' | 'all';
const PAGE_SIZE = 25;

/** The families table: search, filters, sorting, paging; toggle, reorder, archive or delete. */
export function FamiliesPage({ navigate }: { navigate: Navigate }) {
  const { t, tp, tr } = useAdminText();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [season, setSeason] = useState('');
  const [weave, setWeave] = useState('');
  const [pattern, setPattern] = useState('');
  const [status, setStatus] = useState<Status>('current');
  const [sort, setSort] = useState('sort');
  const [page, setPage] = useState(1);
  const [removing, setRemoving] = useState<FamilyRow>();
  const [notice, setNotice] = useState<string>();
  const action = useAction();

  // Type, pause, search: one request per pause rather than per key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(search.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(timer);
  }, [search]);

  const list = useLoad(
    () =>
      call<{ items: FamilyRow[]; total: number }>('GET', `/api/admin/families${query({ q, season, weave, pattern, status, sort, page, pageSize: PAGE_SIZE })}`),
    [q, season, weave, pattern, status, sort, page],
  );
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const canReorder = sort === 'sort' && !q && !season && !weave && !pattern;

  const toggle = (f: FamilyRow) =>
    action.run(async () => {
      await call('PATCH', `/api/admin/families/${f.id}`, { active: !f.active });
      list.reload();
    });
  const move = (index: number, delta: number) =>
    action.run(async () => {
      const ids = items.map((f) => f.id);
      const [moved] = ids.splice(index, 1);
      ids.splice(index + delta, 0, moved!);
      await call('POST', '/api/admin/families/reorder', { ids });
      list.reload();
    });
  const remove = (f: FamilyRow) =>
    action.run(async () => {
      setRemoving(undefined);
      const r = await call<{ outcome: 'deleted' | 'archived' }>('DELETE', `/api/admin/families/${f.id}`);
      setNotice(t(r.outcome === 'deleted' ? 'families.deleted' : 'families.archived', { name: f.name }));
      list.reload();
    });
  const restore = (f: FamilyRow) =>
    action.run(async () => {
      await call('PATCH', `/api/admin/families/${f.id}`, { archived: false });
      setNotice(t('families.restored', { name: f.name }));
      list.reload();
    });
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };

  return (
    <section className="admin-page" aria-labelledby="families-title">
      <div className="section-head">
        <h1 id="families-title" className="section-title">
          {t('families.title')}
        </h1>
        <a className="button button--primary" href="/admin/catalog/new" onClick={(e) => (e.preventDefault(), navigate('/admin/catalog/new'))}>
          {t('families.new')}
        </a>
      </div>

      <div className="admin-filters" role="search">
        <div className="field">
          <label htmlFor="family-search">{t('families.search')}</label>
          <input id="family-search" type="search" value={search} placeholder={t('families.searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <SelectField
          label={t('field.season')}
          value={season}
          onChange={filter(setSeason)}
          options={[{ value: '', label: t('filter.any') }, ...SEASONS.map((s) => ({ value: s, label: facetLabel('season', s, tr) }))]}
        />
        <SelectField
          label={t('field.weave')}
          value={weave}
          onChange={filter(setWeave)}
          options={[{ value: '', label: t('filter.any') }, ...WEAVES.map((w) => ({ value: w, label: facetLabel('weave', w, tr) }))]}
        />
        <SelectField
          label={t('field.pattern')}
          value={pattern}
          onChange={filter(setPattern)}
          options={[{ value: '', label: t('filter.any') }, ...PATTERNS.map((p) => ({ value: p, label: facetLabel('pattern', p, tr) }))]}
        />
        <SelectField<Status>
          label={t('families.status')}
          value={status}
          onChange={filter(setStatus)}
          options={(['current', 'active', 'inactive', 'archived', 'all'] as Status[]).map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <SelectField
          label={t('families.sort')}
          value={sort}
          onChange={filter(setSort)}
          options={['sort', 'name', '-name', '-updated', '-colors', 'weight', '-weight'].map((s) => ({ value: s, label: t(`sort.${s}` as never) }))}
        />
      </div>

      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorNotice error={action.error ?? list.error} />

      <p className="hint" aria-live="polite">
        {list.loading ? t('app.loading') : tp('families.count', total)}
      </p>
      <div className="admin-table-wrap">
        <table className="admin-table" data-testid="families-table">
          <thead>
            <tr>
              <th scope="col">{t('field.order')}</th>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('field.design')}</th>
              <th scope="col">{t('field.season')}</th>
              <th scope="col" className="num">
                {t('field.colors')}
              </th>
              <th scope="col" className="num">
                {t('field.renders')}
              </th>
              <th scope="col">{t('field.active')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('field.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((f, i) => (
              <tr key={f.id} data-family={f.slug} className={f.archivedAt ? 'is-archived' : undefined}>
                <td className="order">
                  <button
                    type="button"
                    className="icon-button"
                    disabled={!canReorder || i === 0 || action.pending}
                    onClick={() => move(i, -1)}
                    aria-label={t('action.moveUp', { name: f.name })}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    disabled={!canReorder || i === items.length - 1 || action.pending}
                    onClick={() => move(i, 1)}
                    aria-label={t('action.moveDown', { name: f.name })}
                  >
                    ↓
                  </button>
                </td>
                <td>
                  <a href={`/admin/catalog/${f.id}`} onClick={(e) => (e.preventDefault(), navigate(`/admin/catalog/${f.id}`))}>
                    {f.name}
                  </a>
                  <div className="hint">{f.slug}</div>
                </td>
                <td>
                  {facetLabel('weave', f.design.weave, tr)} · {facetLabel('pattern', f.design.pattern, tr)}
                </td>
                <td>{facetLabel('season', f.season, tr)}</td>
                <td className="num">{tr.number(f.colorCount)}</td>
                <td className="num">{tr.number(f.renderCount)}</td>
                <td>
                  {f.archivedAt ? (
                    <span className="badge">{t('status.archived')}</span>
                  ) : (
                    <label className="switch">
                      <input
                        type="checkbox"
                        role="switch"
                        checked={f.active}
                        aria-checked={f.active}
                        disabled={action.pending}
                        onChange={() => toggle(f)}
                        aria-label={t('families.activeLabel', { name: f.name })}
                      />
                      <span>{f.active ? t('state.on') : t('state.off')}</span>
                    </label>
                  )}
                </td>
                <td className="actions">
                  {f.archivedAt ? (
                    <button type="button" className="button button--small" onClick={() => restore(f)}>
                      {t('action.restore')}
                    </button>
                  ) : (
                    <button type="button" className="button button--small button--quiet" onClick={() => setRemoving(f)}>
                      {f.renderCount > 0 ? t('action.archive') : t('action.delete')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!list.loading && items.length === 0 && <p className="empty">{t('families.empty')}</p>}
      </div>
      {!canReorder && <p className="hint">{t('families.reorderHint')}</p>}

      <nav className="pager" aria-label={t('pager.label')}>
        <button type="button" className="button button--small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {t('pager.previous')}
        </button>
        <span>{t('pager.page', { page: tr.number(page), pages: tr.number(pages) })}</span>
        <button type="button" className="button button--small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          {t('pager.next')}
        </button>
      </nav>

      <Confirm
        open={!!removing}
        title={
          removing && removing.renderCount > 0 ? t('families.archiveTitle', { name: removing.name }) : t('families.deleteTitle', { name: removing?.name ?? '' })
        }
        body={removing && removing.renderCount > 0 ? tp('families.archiveBody', removing.renderCount) : t('families.deleteBody')}
        confirm={removing && removing.renderCount > 0 ? t('action.archive') : t('action.delete')}
        danger
        onConfirm={() => removing && remove(removing)}
        onClose={() => setRemoving(undefined)}
      />
    </section>
  );
}
