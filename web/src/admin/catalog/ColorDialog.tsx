import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../ui/Dialog.tsx';
import { call, type Color, type Design, type Swatch } from '../api.ts';
import { ErrorNotice, TextField, useAction, useLimits } from '../parts.tsx';
import { useAdminText } from '../text.ts';
import { slugify } from './FamilyEditor.tsx';
import { Preview } from './Preview.tsx';

const HEX = /^#?[0-9a-fA-F]{6}$/;
const normHex = (v: string) => `#${v.replace('#', '')}`.toUpperCase();

/**
 * A colour of a family: name, hex, repeat, and optionally a photographed swatch. The photo is sent
 * first; the server checks it, makes it tileable and measures its colour, and the preview shows the
 * suit in it before the colour is saved.
 */
export function ColorDialog({
  familyId,
  design,
  color,
  onClose,
  onSaved,
}: {
  familyId: string;
  design: Design;
  color?: Color;
  onClose(): void;
  onSaved(): void;
}) {
  const { t, tr } = useAdminText();
  const limits = useLimits();
  const titleId = useId();
  const fileId = useId();
  const [name, setName] = useState(color?.name ?? '');
  const [slug, setSlug] = useState(color?.slug ?? '');
  const [slugTouched, setSlugTouched] = useState(!!color);
  const [hex, setHex] = useState(color?.hex ?? '#1C2841');
  const [hexTouched, setHexTouched] = useState(!!color);
  const [repeatMm, setRepeatMm] = useState(color?.repeatMm ? String(color.repeatMm) : '');
  const [active, setActive] = useState(color?.active ?? true);
  /** Empty: the server finds the cloth in the photo and reads its width from the weave. */
  const [widthMm, setWidthMm] = useState('');
  const [swatch, setSwatch] = useState<Swatch>();
  /** undefined: keep the colour's current swatch; null: remove it. */
  const [swatchChoice, setSwatchChoice] = useState<string | null | undefined>(undefined);
  const upload = useAction();
  const save = useAction();

  const sendPhoto = async (file: File | Blob | undefined, name = (file as File | undefined)?.name ?? 'swatch.jpg') => {
    if (!file) return;
    const form = new FormData();
    if (widthMm.trim()) form.append('widthMm', widthMm.trim().replace(',', '.'));
    form.append('file', file, name);
    const result = await upload.run(() => call<Swatch>('POST', '/api/admin/swatches', form));
    if (!result) return;
    setSwatch(result);
    setSwatchChoice(result.id);
    if (result.estimate) setWidthMm(String(Math.round(result.widthMm)));
    // The measured colour becomes the colour's hex unless someone typed one.
    if (!hexTouched) setHex(result.meanHex);
  };

  /** Another width for the cloth just measured: its straightened photo again, a new swatch at that width. */
  const resendWithWidth = async () => {
    if (!swatch) return;
    const blob = await fetch(swatch.url).then((r) => r.blob());
    await sendPhoto(blob, swatch.filename);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name,
      hex: normHex(hex),
      repeatMm: repeatMm.trim() ? Number(repeatMm.replace(',', '.')) : null,
      active,
      ...(swatchChoice !== undefined ? { swatchUploadId: swatchChoice } : {}),
    };
    const ok = await save.run(() =>
      color ? call('PATCH', `/api/admin/colors/${color.id}`, body) : call('POST', `/api/admin/families/${familyId}/colors`, { ...body, slug }),
    );
    if (ok !== undefined) onSaved();
  };

  const validHex = HEX.test(hex);
  const spec = validHex
    ? {
        design,
        hex: normHex(hex),
        repeatMm: repeatMm.trim() ? Number(repeatMm.replace(',', '.')) : null,
        ...(swatchChoice !== undefined ? { swatchUploadId: swatchChoice } : color ? { colorId: color.id } : {}),
      }
    : undefined;

  return (
    <Dialog open onClose={onClose} labelledBy={titleId} className="dialog--wide">
      <form className="form" onSubmit={submit}>
        <h2 id={titleId}>{color ? t('color.editTitle', { name: color.name }) : t('color.newTitle')}</h2>
        <div className="admin-editor">
          <div className="admin-form">
            <TextField
              label={t('field.name')}
              name="color-name"
              value={name}
              onChange={(v) => {
                setName(v);
                if (!slugTouched) setSlug(slugify(v));
              }}
              required
            />
            <TextField
              label={t('field.slug')}
              name="color-slug"
              value={slug}
              onChange={(v) => {
                setSlugTouched(true);
                setSlug(v);
              }}
              disabled={!!color}
              hint={color ? t('field.slugFixed') : t('field.slugHint')}
              pattern="[a-z0-9][a-z0-9_-]{0,79}"
              required
            />
            <div className="admin-row">
              <div className="field">
                <label htmlFor={`${fileId}-hex`}>{t('field.hex')}</label>
                <span className="admin-hex">
                  <input
                    type="color"
                    value={validHex ? normHex(hex).toLowerCase() : '#000000'}
                    onChange={(e) => (setHexTouched(true), setHex(e.target.value.toUpperCase()))}
                    aria-label={t('field.hexPicker')}
                  />
                  <input
                    id={`${fileId}-hex`}
                    name="color-hex"
                    value={hex}
                    onChange={(e) => (setHexTouched(true), setHex(e.target.value))}
                    pattern="#?[0-9A-Fa-f]{6}"
                    required
                  />
                </span>
              </div>
              <TextField
                label={t('field.repeatMm')}
                type="number"
                step="0.5"
                min="1"
                max="500"
                value={repeatMm}
                onChange={setRepeatMm}
                hint={t('field.colorRepeatHint')}
              />
            </div>
            <label className="checkbox">
              <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
              {t('color.activeHint')}
            </label>

            <fieldset>
              <legend>{t('swatch.title')}</legend>
              <p className="hint">{t('swatch.hint', { max: tr.bytes(limits.uploadMaxBytes), megapixels: tr.number(limits.uploadMaxPixels / 1e6) })}</p>
              <div className="admin-row">
                <TextField label={t('swatch.widthMm')} type="number" min="5" max="1000" value={widthMm} onChange={setWidthMm} hint={t('swatch.widthHint')} />
                <div className="field">
                  <label htmlFor={fileId}>{t('swatch.file')}</label>
                  <input
                    id={fileId}
                    name="swatch-file"
                    type="file"
                    accept="image/jpeg,image/png,image/webp"
                    onChange={(e) => sendPhoto(e.target.files?.[0])}
                    disabled={upload.pending}
                  />
                </div>
              </div>
              {upload.pending && <p className="hint">{t('swatch.uploading')}</p>}
              <ErrorNotice error={upload.error} />
              {swatch && swatchChoice === swatch.id && (
                <div className="admin-swatch" data-testid="swatch-result" data-swatch={swatch.id}>
                  <img src={swatch.tile.url} alt={t('swatch.tileAlt')} width={96} height={96} />
                  <div>
                    <p>{t('swatch.measured', { hex: swatch.meanHex })}</p>
                    <p className="hint">
                      {t('swatch.tile', { width: tr.number(swatch.tile.width), height: tr.number(swatch.tile.height), mm: tr.mm(swatch.tile.widthMm) })}
                    </p>
                    {swatch.estimate && (
                      <p className="hint" data-testid="swatch-estimate">
                        {t(swatch.estimate.scaleSource === 'weave' ? 'swatch.estimate.weave' : 'swatch.estimate.framing', {
                          width: tr.mm(swatch.widthMm),
                          rotation: tr.number(Math.round(swatch.estimate.rotationDeg * 10) / 10),
                          tilt: tr.number(Math.round(swatch.estimate.tiltDeg)),
                          confidence: tr.number(Math.round(swatch.estimate.confidence * 100)),
                        })}
                        {Math.max(swatch.estimate.repeatMm.x, swatch.estimate.repeatMm.y) >= 2 &&
                          ` ${t('swatch.estimate.repeat', { repeat: tr.mm(Math.max(swatch.estimate.repeatMm.x, swatch.estimate.repeatMm.y)) })}`}
                      </p>
                    )}
                    {swatch.estimate && widthMm.trim() && Math.abs(Number(widthMm.replace(',', '.')) - swatch.widthMm) >= 0.5 && (
                      <button
                        type="button"
                        className="button button--small button--quiet"
                        onClick={() => void resendWithWidth()}
                        disabled={upload.pending}
                        data-testid="swatch-rewidth"
                      >
                        {t('swatch.estimate.apply', { width: tr.mm(Number(widthMm.replace(',', '.'))) })}
                      </button>
                    )}
                    {swatch.warnings.map((w) => (
                      <p key={w.code} className="hint admin-warning">
                        {t('swatch.warning')} {w.message}
                      </p>
                    ))}
                  </div>
                </div>
              )}
              {color?.swatch && swatchChoice === undefined && (
                <div className="admin-swatch">
                  <img src={color.swatch.url} alt={t('swatch.tileAlt')} width={96} height={96} />
                  <button type="button" className="button button--small button--quiet" onClick={() => setSwatchChoice(null)}>
                    {t('swatch.remove')}
                  </button>
                </div>
              )}
            </fieldset>
            <ErrorNotice error={save.error} />
          </div>
          <Preview spec={spec} label={t('preview.alt', { name: name || t('color.newTitle') })} />
        </div>
        <div className="dialog__actions">
          <button type="button" className="button button--quiet" onClick={onClose}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={save.pending || upload.pending}>
            {color ? t('action.save') : t('color.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
