import { useId, useState, type FormEvent } from 'react';
import { cutName } from '../i18n/glossary.ts';
import { call, image, type Cut } from './api.ts';
import { ErrorNotice, TextField, useAction, useLoad, useObjectUrl } from './parts.tsx';
import { useAdminText } from './text.ts';

/** Cuts and their views; a tailoring house adds its own views as a photo plus a mask. */
export function CutsPage() {
  const { t, locale } = useAdminText();
  const list = useLoad(() => call<{ items: Cut[] }>('GET', '/api/admin/cuts'), []);
  const action = useAction();
  const [uploadFor, setUploadFor] = useState<Cut>();

  const toggleCut = (c: Cut) =>
    action.run(async () => {
      await call('PATCH', `/api/admin/cuts/${c.id}`, { active: !c.active });
      list.reload();
    });
  const toggleView = (id: string, active: boolean) =>
    action.run(async () => {
      await call('PATCH', `/api/admin/cut-views/${id}`, { active });
      list.reload();
    });
  const removeView = (id: string) =>
    action.run(async () => {
      await call('DELETE', `/api/admin/cut-views/${id}`);
      list.reload();
    });

  return (
    <section className="admin-page" aria-labelledby="cuts-title">
      <h1 id="cuts-title" className="section-title">
        {t('cuts.title')}
      </h1>
      <p className="hint">{t('cuts.body')}</p>
      <ErrorNotice error={action.error ?? list.error} />
      <ul className="admin-cuts">
        {(list.data?.items ?? []).map((c) => (
          <li key={c.id} className="admin-card" data-cut={c.slug}>
            <div className="section-head">
              <h2>
                {cutName(c.name, locale)}{' '}
                <span className="hint">
                  {c.slug}
                  {c.legacyId ? ` · ${c.legacyId}` : ''}
                </span>
              </h2>
              <label className="switch">
                <input
                  type="checkbox"
                  role="switch"
                  checked={c.active}
                  aria-checked={c.active}
                  onChange={() => toggleCut(c)}
                  aria-label={t('cuts.activeLabel', { name: c.name })}
                />
                <span>{c.active ? t('state.on') : t('state.off')}</span>
              </label>
            </div>
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">{t('cuts.view')}</th>
                  <th scope="col">{t('cuts.kind')}</th>
                  <th scope="col">{t('field.active')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('field.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {c.views.map((v) => (
                  <tr key={v.id}>
                    <td>{v.view}</td>
                    <td>
                      {v.kind === 'photo' ? t('cuts.photo') : t('cuts.builtin')}
                      {v.baseUrl && (
                        <>
                          {' · '}
                          <a href={v.baseUrl} target="_blank" rel="noreferrer">
                            {t('cuts.base')}
                          </a>
                          {' · '}
                          <a href={v.maskUrl!} target="_blank" rel="noreferrer">
                            {t('cuts.mask')}
                          </a>
                        </>
                      )}
                    </td>
                    <td>
                      <label className="switch">
                        <input
                          type="checkbox"
                          role="switch"
                          checked={v.active}
                          aria-checked={v.active}
                          onChange={() => toggleView(v.id, !v.active)}
                          aria-label={t('cuts.viewActiveLabel', { name: v.view })}
                        />
                        <span>{v.active ? t('state.on') : t('state.off')}</span>
                      </label>
                    </td>
                    <td className="actions">
                      {v.kind === 'photo' && (
                        <button type="button" className="button button--small button--quiet" onClick={() => removeView(v.id)}>
                          {t('action.remove')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" className="button button--small" onClick={() => setUploadFor(c)}>
              {t('cuts.addPhoto')}
            </button>
            {uploadFor?.id === c.id && (
              <TemplateUpload
                cut={c}
                onDone={() => {
                  setUploadFor(undefined);
                  list.reload();
                }}
                onCancel={() => setUploadFor(undefined)}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function TemplateUpload({ cut, onDone, onCancel }: { cut: Cut; onDone(): void; onCancel(): void }) {
  const { t } = useAdminText();
  const id = useId();
  const [view, setView] = useState('');
  const [base, setBase] = useState<File>();
  const [mask, setMask] = useState<File>();
  const [preview, setPreview] = useState<Blob>();
  const previewUrl = useObjectUrl(preview);
  const action = useAction();

  const form = () => {
    const f = new FormData();
    f.append('view', view);
    f.append('base', base!, base!.name);
    f.append('mask', mask!, mask!.name);
    return f;
  };
  const showPreview = () => action.run(async () => setPreview(await image('/api/admin/templates/preview', form())));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(() => call('POST', `/api/admin/cuts/${cut.id}/views`, form()));
    if (ok !== undefined) onDone();
  };

  return (
    <form className="admin-form admin-template" onSubmit={save} aria-label={t('cuts.addPhoto')}>
      <p className="hint">{t('cuts.photoHint')}</p>
      <TextField label={t('cuts.viewName')} value={view} onChange={setView} pattern="[a-z0-9][a-z0-9_-]{0,39}" hint={t('cuts.viewNameHint')} required />
      <div className="admin-row">
        <div className="field">
          <label htmlFor={`${id}-base`}>{t('cuts.basePhoto')}</label>
          <input
            id={`${id}-base`}
            type="file"
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => (setBase(e.target.files?.[0]), setPreview(undefined))}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-mask`}>{t('cuts.maskImage')}</label>
          <input
            id={`${id}-mask`}
            type="file"
            accept="image/png,image/jpeg,image/webp"
            onChange={(e) => (setMask(e.target.files?.[0]), setPreview(undefined))}
            required
          />
        </div>
      </div>
      <ErrorNotice error={action.error} />
      {previewUrl && <img className="admin-template__preview" src={previewUrl} alt={t('cuts.previewAlt')} />}
      <div className="dialog__actions">
        <button type="button" className="button button--quiet" onClick={onCancel}>
          {t('action.cancel')}
        </button>
        <button type="button" className="button" disabled={!base || !mask || action.pending} onClick={showPreview}>
          {t('cuts.preview')}
        </button>
        <button type="submit" className="button button--primary" disabled={!base || !mask || !view || action.pending}>
          {t('action.save')}
        </button>
      </div>
    </form>
  );
}
