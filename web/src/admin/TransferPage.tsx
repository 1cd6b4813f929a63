import { useId, useState } from 'react';
import { call, type ImportResult } from './api.ts';
import { ErrorNotice, useAction } from './parts.tsx';
import type { AdminKey } from './messages.ts';
import { useAdminText } from './text.ts';

const FORMATS = [
  { id: 'atelier', label: 'transfer.atelier' },
  { id: 'fabrics', label: 'transfer.fabrics' },
  { id: 'csv', label: 'transfer.csv' },
] as const satisfies ReadonlyArray<{ id: string; label: AdminKey }>;

/** Export the catalog as a file; import one after a dry run that lists every change. */
export function TransferPage() {
  const { t, tp, tr } = useAdminText();
  const id = useId();
  const [file, setFile] = useState<File>();
  const [mode, setMode] = useState<'merge' | 'sync'>('merge');
  const [result, setResult] = useState<ImportResult>();
  const action = useAction();

  const run = (dryRun: boolean) =>
    action.run(async () => {
      const text = await file!.text();
      const type = /\.csv$/i.test(file!.name) || file!.type === 'text/csv' ? 'text/csv' : 'application/json';
      setResult(await call<ImportResult>('POST', `/api/admin/catalog/import?mode=${mode}&dryRun=${dryRun}`, text, type));
    });
  const total = result ? Object.values(result.summary).reduce((n, s) => n + s.created + s.changed + s.archived, 0) : 0;

  return (
    <section className="admin-page" aria-labelledby="transfer-title">
      <h1 id="transfer-title" className="section-title">
        {t('transfer.title')}
      </h1>

      <section className="admin-card" aria-labelledby={`${id}-export`}>
        <h2 id={`${id}-export`}>{t('transfer.export')}</h2>
        <p className="hint">{t('transfer.exportHint')}</p>
        <div className="admin-row">
          {FORMATS.map((f) => (
            <a key={f.id} className="button" href={`/api/admin/catalog/export?format=${f.id}`} download>
              {t(f.label)}
            </a>
          ))}
        </div>
      </section>

      <section className="admin-card" aria-labelledby={`${id}-import`}>
        <h2 id={`${id}-import`}>{t('transfer.import')}</h2>
        <p className="hint">{t('transfer.importHint')}</p>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('transfer.file')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".json,.csv,application/json,text/csv"
            onChange={(e) => (setFile(e.target.files?.[0]), setResult(undefined))}
          />
        </div>
        <fieldset>
          <legend>{t('transfer.mode')}</legend>
          <label className="radio">
            <input type="radio" name="mode" checked={mode === 'merge'} onChange={() => (setMode('merge'), setResult(undefined))} />
            {t('transfer.merge')}
          </label>
          <label className="radio">
            <input type="radio" name="mode" checked={mode === 'sync'} onChange={() => (setMode('sync'), setResult(undefined))} />
            {t('transfer.sync')}
          </label>
        </fieldset>
        <div className="dialog__actions">
          <button type="button" className="button" disabled={!file || action.pending} onClick={() => run(true)}>
            {t('transfer.dryRun')}
          </button>
          <button
            type="button"
            className="button button--primary"
            disabled={!file || !result?.dryRun || total === 0 || action.pending}
            onClick={() => run(false)}
          >
            {t('transfer.apply')}
          </button>
        </div>
        <ErrorNotice error={action.error} />

        {result && (
          <div className="admin-import" role="status" data-testid="import-result">
            <h3>{result.dryRun ? t('transfer.planned') : t('transfer.done')}</h3>
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col" />
                  <th scope="col" className="num">
                    {t('transfer.created')}
                  </th>
                  <th scope="col" className="num">
                    {t('transfer.changed')}
                  </th>
                  <th scope="col" className="num">
                    {t('transfer.archived')}
                  </th>
                  <th scope="col" className="num">
                    {t('transfer.unchanged')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {(['families', 'colors', 'cuts'] as const).map((k) => (
                  <tr key={k}>
                    <th scope="row">{t(`transfer.${k}`)}</th>
                    <td className="num">{tr.number(result.summary[k].created)}</td>
                    <td className="num">{tr.number(result.summary[k].changed)}</td>
                    <td className="num">{tr.number(result.summary[k].archived)}</td>
                    <td className="num">{tr.number(result.summary[k].unchanged)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {total === 0 && <p>{t('transfer.nothing')}</p>}
            <ul className="admin-changes">
              {result.changes.map((c, i) => (
                <li key={i}>
                  <span className={`badge badge--${c.op}`}>{t(`op.${c.op}`)}</span> {t(`entity.${c.entity}`)}{' '}
                  <code>{c.family ? `${c.family}/${c.slug}` : c.slug}</code>
                  {c.changes && (
                    <span className="hint">
                      {' '}
                      {Object.entries(c.changes)
                        .map(([field, v]) => `${field}: ${JSON.stringify(v.before)} → ${JSON.stringify(v.after)}`)
                        .join('; ')}
                    </span>
                  )}
                </li>
              ))}
            </ul>
            {result.more > 0 && <p className="hint">{tp('transfer.more', result.more)}</p>}
          </div>
        )}
      </section>
    </section>
  );
}
