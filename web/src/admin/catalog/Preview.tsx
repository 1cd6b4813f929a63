import { useEffect, useId, useState } from 'react';
import { cutName } from '../../i18n/glossary.ts';
import { call, image, type Cut } from '../api.ts';
import { ErrorNotice, useObjectUrl } from '../parts.tsx';
import { useAdminText } from '../text.ts';

/** What the preview endpoint takes; undefined fields are left out. */
export interface PreviewSpec {
  familyId?: string;
  design?: unknown;
  colorId?: string;
  hex?: string;
  repeatMm?: number | null;
  swatchUploadId?: string | null;
}

let cutsOnce: Promise<Cut[]> | undefined;
function cuts(): Promise<Cut[]> {
  cutsOnce ??= call<{ items: Cut[] }>('GET', '/api/admin/cuts').then((r) => r.items.filter((c) => c.active && c.views.some((v) => v.active)));
  cutsOnce.catch(() => (cutsOnce = undefined));
  return cutsOnce;
}

/**
 * A suit in the cloth being edited, rendered by the server before anything is saved. Re-rendered a
 * moment after the last change, so typing a thread width does not send a request per key.
 */
export function Preview({ spec, label }: { spec: PreviewSpec | undefined; label: string }) {
  const { t, locale } = useAdminText();
  const selectId = useId();
  const [cutList, setCutList] = useState<Cut[]>([]);
  const [cut, setCut] = useState('');
  const [shown, setShown] = useState<{ blob: Blob; key: string }>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const url = useObjectUrl(shown?.blob);
  const key = JSON.stringify([spec, cut]);

  useEffect(() => {
    cuts().then((list) => {
      setCutList(list);
      setCut((c) => c || list[0]?.slug || '');
    }, setError);
  }, []);

  useEffect(() => {
    if (!spec || !cut) return;
    let current = true;
    const timer = setTimeout(() => {
      setPending(true);
      image('/api/admin/previews', { ...spec, cut } as Record<string, unknown>)
        .then(
          (blob) => current && (setShown({ blob, key }), setError(undefined)),
          (e) => current && setError(e),
        )
        .finally(() => current && setPending(false));
    }, 350);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return (
    <figure className="admin-preview" aria-busy={pending}>
      <div className="admin-preview__frame">
        {url ? (
          <img src={url} alt={label} data-testid="preview-image" data-key={shown?.key} className={pending ? 'is-stale' : undefined} />
        ) : (
          <span className="hint">{spec ? t('preview.rendering') : t('preview.none')}</span>
        )}
      </div>
      <figcaption>
        <label className="hint" htmlFor={selectId}>
          {t('preview.cut')}
        </label>{' '}
        <select id={selectId} value={cut} onChange={(e) => setCut(e.target.value)}>
          {cutList.map((c) => (
            <option key={c.id} value={c.slug}>
              {cutName(c.name, locale)}
            </option>
          ))}
        </select>
      </figcaption>
      <ErrorNotice error={error} />
    </figure>
  );
}
