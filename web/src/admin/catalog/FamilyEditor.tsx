import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { colorName } from '../../i18n/glossary.ts';
import { facetLabel } from '../../catalog/labels.ts';
import type { Navigate } from '../AdminApp.tsx';
import { call, PATTERNS, SEASONS, WEAVES, type Color, type Design, type FamilyDetail, type Season } from '../api.ts';
import { Confirm, ErrorNotice, SelectField, TextField, useAction, useLoad } from '../parts.tsx';
import { useAdminText } from '../text.ts';
import { ColorDialog } from './ColorDialog.tsx';
import { Preview } from './Preview.tsx';

interface Draft {
  slug: string;
  name: string;
  composition: string;
  weightGsm: string;
  season: Season;
  description: string;
  weave: Design['weave'];
  pattern: Design['pattern'];
  threadMm: string;
  repeatMm: string;
  heather: string;
  nap: string;
  sheen: string;
  accentHex: string;
  active: boolean;
}

const EMPTY: Draft = {
  slug: '',
  name: '',
  composition: '',
  weightGsm: '',
  season: 'all-season',
  description: '',
  weave: 'twill',
  pattern: 'solid',
  threadMm: '0.25',
  repeatMm: '',
  heather: '',
  nap: '',
  sheen: '',
  accentHex: '',
  active: true,
};

const str = (v: number | undefined | null) => (v === undefined || v === null ? '' : String(v));
const num = (v: string) => (v.trim() === '' ? undefined : Number(v.replace(',', '.')));

export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

function draftOf(f: FamilyDetail): Draft {
  return {
    slug: f.slug,
    name: f.name,
    composition: f.composition,
    weightGsm: str(f.weightGsm),
    season: f.season,
    description: f.description,
    weave: f.design.weave,
    pattern: f.design.pattern,
    threadMm: str(f.design.threadMm),
    repeatMm: str(f.design.repeatMm),
    heather: str(f.design.heather),
    nap: str(f.design.nap),
    sheen: str(f.design.sheen),
    accentHex: f.design.accentHex ?? '',
    active: f.active,
  };
}

function designOf(d: Draft): Design {
  const design: Design = { weave: d.weave, pattern: d.pattern, threadMm: num(d.threadMm) ?? 0.25 };
  for (const k of ['repeatMm', 'heather', 'nap', 'sheen'] as const) {
    const v = num(d[k]);
    if (v !== undefined && Number.isFinite(v)) design[k] = v;
  }
  if (d.accentHex.trim()) design.accentHex = d.accentHex.trim();
  return design;
}

/** One family: its fields, its cloth's design with a live preview, and its colours. */
export function FamilyEditor({ id, navigate }: { id?: string; navigate: Navigate }) {
  const { t, tr, locale } = useAdminText();
  const loaded = useLoad(() => (id ? call<FamilyDetail>('GET', `/api/admin/families/${id}`) : Promise.resolve(undefined)), [id]);
  const family = loaded.data;
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [slugTouched, setSlugTouched] = useState(false);
  const [saved, setSaved] = useState(false);
  const [editing, setEditing] = useState<Color | 'new'>();
  const [removing, setRemoving] = useState<Color>();
  const [previewColor, setPreviewColor] = useState<string>();
  const action = useAction();

  useEffect(() => {
    if (family) setDraft(draftOf(family));
  }, [family]);

  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) => {
      setSaved(false);
      setDraft((d) => ({ ...d, [key]: value, ...(key === 'name' && !id && !slugTouched ? { slug: slugify(String(value)) } : {}) }));
    };
  const design = useMemo(() => designOf(draft), [draft]);
  const colors = family?.colors ?? [];
  const shown = colors.find((c) => c.id === previewColor) ?? colors.find((c) => !c.archivedAt);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name: draft.name,
      composition: draft.composition,
      weightGsm: num(draft.weightGsm) ?? null,
      season: draft.season,
      description: draft.description,
      design,
      active: draft.active,
    };
    const result = await action.run(() =>
      id ? call<FamilyDetail>('PATCH', `/api/admin/families/${id}`, body) : call<FamilyDetail>('POST', '/api/admin/families', { ...body, slug: draft.slug }),
    );
    if (!result) return;
    setSaved(true);
    if (!id) navigate(`/admin/catalog/${result.id}`);
    else loaded.reload();
  };

  const moveColor = (index: number, delta: number) =>
    action.run(async () => {
      const ids = colors.map((c) => c.id);
      const [moved] = ids.splice(index, 1);
      ids.splice(index + delta, 0, moved!);
      await call('POST', `/api/admin/families/${id}/colors/reorder`, { ids });
      loaded.reload();
    });
  const toggleColor = (c: Color) =>
    action.run(async () => {
      await call('PATCH', `/api/admin/colors/${c.id}`, { active: !c.active });
      loaded.reload();
    });
  const removeColor = (c: Color) =>
    action.run(async () => {
      setRemoving(undefined);
      await call('DELETE', `/api/admin/colors/${c.id}`);
      loaded.reload();
    });
  const restoreColor = (c: Color) =>
    action.run(async () => {
      await call('PATCH', `/api/admin/colors/${c.id}`, { archived: false });
      loaded.reload();
    });
  const restoreFamily = () =>
    action.run(async () => {
      await call('PATCH', `/api/admin/families/${id}`, { archived: false });
      loaded.reload();
    });

  if (id && !family) {
    return (
      <section className="admin-page">
        <ErrorNotice error={loaded.error} />
        {loaded.loading && <p className="hint">{t('app.loading')}</p>}
      </section>
    );
  }

  return (
    <section className="admin-page" aria-labelledby="family-title">
      <p>
        <a href="/admin/catalog" onClick={(e) => (e.preventDefault(), navigate('/admin/catalog'))}>
          ← {t('families.back')}
        </a>
      </p>
      <h1 id="family-title" className="section-title">
        {id ? family!.name : t('family.newTitle')}
      </h1>
      {family?.archivedAt && (
        <div className="notice" role="status">
          <span>{t('family.isArchived')}</span>
          <button type="button" className="button button--small" onClick={restoreFamily}>
            {t('action.restore')}
          </button>
        </div>
      )}

      <div className="admin-editor">
        <form className="admin-form" onSubmit={save} aria-label={t('family.form')}>
          <fieldset>
            <legend>{t('family.identity')}</legend>
            <TextField label={t('field.name')} name="name" value={draft.name} onChange={set('name')} required />
            <TextField
              label={t('field.slug')}
              name="slug"
              value={draft.slug}
              onChange={(v) => {
                setSlugTouched(true);
                set('slug')(v);
              }}
              disabled={!!id}
              hint={id ? t('field.slugFixed') : t('field.slugHint')}
              pattern="[a-z0-9][a-z0-9_-]{0,79}"
              required
            />
            <TextField
              label={t('field.composition')}
              name="composition"
              value={draft.composition}
              onChange={set('composition')}
              placeholder={t('field.compositionExample')}
            />
            <div className="admin-row">
              <TextField label={t('field.weight')} name="weightGsm" type="number" min="50" max="1500" value={draft.weightGsm} onChange={set('weightGsm')} />
              <SelectField
                label={t('field.season')}
                value={draft.season}
                onChange={set('season')}
                options={SEASONS.map((s) => ({ value: s, label: facetLabel('season', s, tr) }))}
              />
            </div>
            <div className="field">
              <label htmlFor="family-description">{t('field.description')}</label>
              <textarea id="family-description" rows={3} value={draft.description} onChange={(e) => set('description')(e.target.value)} maxLength={2000} />
            </div>
            <label className="checkbox">
              <input type="checkbox" checked={draft.active} onChange={(e) => set('active')(e.target.checked)} />
              {t('family.activeHint')}
            </label>
          </fieldset>

          <fieldset>
            <legend>{t('family.cloth')}</legend>
            <div className="admin-row">
              <SelectField
                label={t('field.weave')}
                name="weave"
                value={draft.weave}
                onChange={set('weave')}
                options={WEAVES.map((w) => ({ value: w, label: facetLabel('weave', w, tr) }))}
              />
              <SelectField
                label={t('field.pattern')}
                name="pattern"
                value={draft.pattern}
                onChange={set('pattern')}
                options={PATTERNS.map((p) => ({ value: p, label: facetLabel('pattern', p, tr) }))}
              />
            </div>
            <div className="admin-row">
              <TextField
                label={t('field.threadMm')}
                name="threadMm"
                type="number"
                step="0.01"
                min="0.05"
                max="3"
                value={draft.threadMm}
                onChange={set('threadMm')}
                required
              />
              <TextField
                label={t('field.repeatMm')}
                name="repeatMm"
                type="number"
                step="0.5"
                min="1"
                max="500"
                value={draft.repeatMm}
                onChange={set('repeatMm')}
                hint={t('field.repeatHint')}
              />
            </div>
            <div className="admin-row">
              <TextField label={t('field.heather')} type="number" step="0.05" min="0" max="1" value={draft.heather} onChange={set('heather')} />
              <TextField label={t('field.nap')} type="number" step="0.05" min="0" max="1" value={draft.nap} onChange={set('nap')} />
              <TextField label={t('field.sheen')} type="number" step="0.05" min="0" max="1" value={draft.sheen} onChange={set('sheen')} />
            </div>
            <TextField
              label={t('field.accent')}
              value={draft.accentHex}
              onChange={set('accentHex')}
              placeholder="#D8D4CA"
              hint={t('field.accentHint')}
              pattern="#?[0-9A-Fa-f]{6}"
            />
          </fieldset>

          <ErrorNotice error={action.error} />
          {saved && (
            <p className="notice" role="status">
              {t('family.saved')}
            </p>
          )}
          <div className="dialog__actions">
            <button type="submit" className="button button--primary" disabled={action.pending}>
              {id ? t('action.save') : t('family.create')}
            </button>
          </div>
        </form>

        <Preview
          label={t('preview.alt', { name: draft.name || t('family.newTitle') })}
          spec={{ design, ...(shown ? { colorId: shown.id } : { hex: '#1C2841' }) }}
        />
      </div>

      {id && (
        <section className="admin-colors" aria-labelledby="colors-title">
          <div className="section-head">
            <h2 id="colors-title">{t('colors.title')}</h2>
            <button type="button" className="button" onClick={() => setEditing('new')}>
              {t('colors.add')}
            </button>
          </div>
          {colors.length === 0 && <p className="empty empty--small">{t('colors.empty')}</p>}
          <ul className="admin-color-list" data-testid="color-list">
            {colors.map((c, i) => (
              <li key={c.id} className={c.archivedAt ? 'is-archived' : undefined} data-color={c.slug}>
                <button
                  type="button"
                  className="admin-color__chip"
                  style={{ background: c.swatch ? `url(${c.swatch.url}) center/cover` : c.hex }}
                  onClick={() => setPreviewColor(c.id)}
                  aria-label={t('colors.previewWith', { name: c.name })}
                  aria-pressed={shown?.id === c.id}
                />
                <span className="admin-color__name">
                  <strong>{colorName(c.name, locale)}</strong>
                  <span className="hint">
                    {c.slug} · {c.hex}
                    {c.repeatMm ? ` · ${tr.mm(c.repeatMm)}` : ''}
                    {c.swatch ? ` · ${t('colors.photo')}` : ''}
                  </span>
                </span>
                <span className="admin-color__actions">
                  {c.archivedAt ? (
                    <>
                      <span className="badge">{t('status.archived')}</span>
                      <button type="button" className="button button--small" onClick={() => restoreColor(c)}>
                        {t('action.restore')}
                      </button>
                    </>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="icon-button"
                        disabled={i === 0 || action.pending}
                        onClick={() => moveColor(i, -1)}
                        aria-label={t('action.moveUp', { name: c.name })}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        className="icon-button"
                        disabled={i === colors.length - 1 || action.pending}
                        onClick={() => moveColor(i, 1)}
                        aria-label={t('action.moveDown', { name: c.name })}
                      >
                        ↓
                      </button>
                      <label className="switch">
                        <input
                          type="checkbox"
                          role="switch"
                          checked={c.active}
                          aria-checked={c.active}
                          onChange={() => toggleColor(c)}
                          aria-label={t('colors.activeLabel', { name: c.name })}
                        />
                        <span>{c.active ? t('state.on') : t('state.off')}</span>
                      </label>
                      <button type="button" className="button button--small" onClick={() => setEditing(c)}>
                        {t('action.edit')}
                      </button>
                      <button type="button" className="button button--small button--quiet" onClick={() => setRemoving(c)}>
                        {t('action.remove')}
                      </button>
                    </>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {id && editing && (
        <ColorDialog
          familyId={id}
          design={design}
          color={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            loaded.reload();
          }}
        />
      )}
      <Confirm
        open={!!removing}
        title={t('colors.removeTitle', { name: removing?.name ?? '' })}
        body={t('colors.removeBody')}
        confirm={t('action.remove')}
        danger
        onConfirm={() => removing && removeColor(removing)}
        onClose={() => setRemoving(undefined)}
      />
    </section>
  );
}
