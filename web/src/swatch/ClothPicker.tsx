import { useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Icon } from '../ui/icons.tsx';
import { PhotoButtons } from '../ui/PhotoButtons.tsx';
import { isValidWidthMm } from './cropMath.ts';
import type { Cloth } from './useCloth.ts';

/**
 * "Take photo" opens the tablet's rear camera; "Choose photo" the photo library. The cloth, once
 * chosen, is a chip like a catalogue colour, with its measured colour, and goes with one tap.
 */
export function ClothPicker({
  cloth,
  active,
  onChoose,
  onActivate,
  onRemove,
}: {
  cloth?: Cloth;
  active: boolean;
  onChoose(file: File): void;
  onActivate(): void;
  onRemove(): void;
}) {
  const tr = useI18n();
  const { t } = tr;
  const library = useRef<HTMLInputElement>(null);
  return (
    <div className="cloth">
      <div className="cloth__buttons">
        <PhotoButtons
          onChoose={onChoose}
          labels={{ take: t('cloth.take'), choose: t('cloth.choose') }}
          testIds={{ take: 'take-photo', choose: 'choose-photo' }}
          libraryRef={library}
        />
      </div>
      {cloth && (
        <div className={`cloth-chip cloth-chip--${cloth.status}${active ? ' cloth-chip--active' : ''}`} data-testid="cloth-chip" data-status={cloth.status}>
          <button type="button" className="cloth-chip__main" aria-pressed={active} onClick={onActivate} disabled={cloth.status === 'failed'}>
            {cloth.status === 'ready' ? (
              <img className="cloth-chip__swatch" src={cloth.upload.url} alt={t('cloth.thumbAlt')} />
            ) : (
              <span className="cloth-chip__swatch cloth-chip__swatch--empty" aria-hidden="true" />
            )}
            <span className="cloth-chip__text">
              <strong>{t('cloth.yours')}</strong>
              {cloth.status === 'uploading' && <span>{t('cloth.uploading', { percent: tr.percent(cloth.progress) })}</span>}
              {cloth.status === 'ready' && (
                <span className="cloth-chip__measured" data-testid="measured-color">
                  {/* An upload older than its measurement has no mean colour: only its scale is shown. */}
                  {cloth.upload.meanHex && <span className="dot" style={{ background: cloth.upload.meanHex }} aria-hidden="true" />}
                  {cloth.upload.meanHex ? `${t('cloth.measured', { hex: cloth.upload.meanHex })} · ` : ''}
                  {tr.mm(cloth.upload.widthMm)}
                </span>
              )}
              {cloth.status === 'failed' && <span>{t('cloth.notUsable')}</span>}
            </span>
          </button>
          {cloth.status === 'ready' && cloth.upload.estimate && <ClothEstimateNote cloth={cloth} />}
          <button type="button" className="icon-button" onClick={onRemove} aria-label={t('cloth.remove')} title={t('cloth.remove')} data-testid="remove-cloth">
            <Icon name="close" />
          </button>
          {cloth.status === 'uploading' && (
            <div
              className="progress progress--thin"
              role="progressbar"
              aria-label={t('cloth.uploadProgress')}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(cloth.progress * 100)}
            >
              <span style={{ width: `${cloth.progress * 100}%` }} />
            </div>
          )}
        </div>
      )}
      {cloth?.status === 'failed' && (
        <div className="notice notice--error" role="alert" data-testid="cloth-error">
          <p>{cloth.problem.message}</p>
          {cloth.problem.detail && tr.locale === 'en' && cloth.problem.detail !== cloth.problem.message && (
            <p className="notice__detail">{cloth.problem.detail}</p>
          )}
          <button type="button" className="button button--small" onClick={() => library.current?.click()}>
            {t('cloth.another')}
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * What the server read from the photo (the cloth's width, the repeat, how sure it is) and a way to
 * say otherwise: the same straightened cloth at the width typed is a new swatch.
 */
function ClothEstimateNote({ cloth }: { cloth: Extract<Cloth, { status: 'ready' }> }) {
  const tr = useI18n();
  const { t } = tr;
  const e = cloth.upload.estimate!;
  const [width, setWidth] = useState(String(Math.round(cloth.upload.widthMm)));
  const id = useId();
  const parsed = Number(width.replace(',', '.'));
  const repeat = Math.max(e.repeatMm.x, e.repeatMm.y);
  return (
    <form
      className="cloth-estimate"
      data-testid="cloth-estimate"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (isValidWidthMm(parsed) && Math.abs(parsed - cloth.upload.widthMm) >= 0.5) cloth.resize(parsed);
      }}
    >
      <p className="hint">
        {t(e.scaleSource === 'weave' ? 'cloth.estimate.weave' : 'cloth.estimate.framing', {
          width: tr.mm(cloth.upload.widthMm),
          confidence: tr.percent(e.confidence),
        })}
        {repeat >= 2 && <> · {t('cloth.estimate.repeat', { repeat: tr.mm(repeat) })}</>}
      </p>
      <div className="field field--inline">
        <label htmlFor={id}>{t('cloth.estimate.width')}</label>
        <input id={id} inputMode="decimal" value={width} onChange={(ev) => setWidth(ev.target.value)} size={5} data-testid="cloth-width" />
        <span aria-hidden="true">mm</span>
        <button type="submit" className="button button--quiet" disabled={!isValidWidthMm(parsed)} data-testid="cloth-width-apply">
          {t('cloth.estimate.apply')}
        </button>
      </div>
    </form>
  );
}
