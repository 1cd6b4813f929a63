import { memo, useId } from 'react';
import type { Colorway, Cut, FabricFamily } from '../api/types.ts';
import { familySummary, facetLabel } from '../catalog/labels.ts';
import { colorName, composition, cutName } from '../i18n/glossary.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { viewLabel } from '../render/describe.ts';
import { jobFraction, type JobProgress } from '../render/useRenderJobs.ts';
import { ClothPicker } from '../swatch/ClothPicker.tsx';
import type { Cloth } from '../swatch/useCloth.ts';
import { luminance } from '../catalog/colorFamily.ts';
import { showPlainColour } from '../ui/swatchFallback.ts';

export const FamilyDetails = memo(function FamilyDetails({ family }: { family: FabricFamily }) {
  const tr = useI18n();
  return (
    <div className="family-details">
      <h2 className="family-details__name" data-testid="family-name">
        {family.name}
      </h2>
      <p className="family-details__facts">
        {composition(family.composition, tr.locale)}
        {family.weightGsm != null && <> · {tr.gsm(family.weightGsm)}</>} · {facetLabel('season', family.season, tr)}
      </p>
      <p className="family-details__summary">{tr.locale === 'en' && family.description ? family.description : familySummary(family, tr)}</p>
    </div>
  );
});

/** In place of the family's details while a photographed cloth is on the suit: it is not that family's cloth. */
export const ClothDetails = memo(function ClothDetails({ thumbnailUrl }: { thumbnailUrl?: string }) {
  const { t } = useI18n();
  return (
    <div className="family-details" data-testid="cloth-details">
      <h2 className="family-details__name" data-testid="family-name">
        {thumbnailUrl && <img className="cloth-thumb" src={thumbnailUrl} alt={t('cloth.thumbAlt')} width={32} height={32} />}
        {t('cloth.photographed')}
      </h2>
      <p className="family-details__facts">{t('cloth.photographedFacts')}</p>
    </div>
  );
});

export const ColorPicker = memo(function ColorPicker({
  family,
  colorId,
  catalogActive,
  onColor,
}: {
  family: FabricFamily;
  colorId?: string;
  catalogActive: boolean;
  onColor(color: Colorway): void;
}) {
  const tr = useI18n();
  const { t } = tr;
  const labelId = useId();
  const color = family.colors.find((c) => c.id === colorId) ?? family.colors[0];
  return (
    <section className="panel-section" aria-labelledby={labelId}>
      <h3 id={labelId} className="panel-title">
        {t('fitting.colour')}
      </h3>
      <div className="color-row">
        <div className="color-chips" role="radiogroup" aria-labelledby={labelId}>
          {family.colors.map((c) => {
            const checked = catalogActive && c.id === color?.id;
            return (
              <button
                key={c.id}
                type="button"
                role="radio"
                aria-checked={checked}
                className={`color-chip${checked ? ' color-chip--on' : ''}`}
                onClick={() => onColor(c)}
                data-color={c.id}
                title={colorName(c.name, tr.locale)}
              >
                <span
                  className="color-chip__swatch"
                  style={{ backgroundImage: `url("${c.swatchUrl}")`, backgroundColor: c.hex, color: luminance(c.hex) > 0.35 ? '#23211e' : '#faf7f0' }}
                  aria-hidden="true"
                />
                <span className="color-chip__name">{colorName(c.name, tr.locale)}</span>
              </button>
            );
          })}
        </div>
        {color && catalogActive && (
          <figure className="closeup" data-testid="closeup">
            <img
              src={color.swatchUrl}
              alt={t('fitting.closeupAlt', { family: family.name, color: colorName(color.name, tr.locale) })}
              width={320}
              height={320}
              onError={(e) => showPlainColour(e.currentTarget, color.hex)}
            />
            <figcaption>
              <strong>{colorName(color.name, tr.locale)}</strong>
              <span>{color.hex}</span>
              {color.repeatMm ? <span>{t('family.repeat', { size: tr.mm(color.repeatMm) })}</span> : null}
            </figcaption>
          </figure>
        )}
      </div>
    </section>
  );
});

export const ClothSection = memo(function ClothSection(props: {
  cloth?: Cloth;
  active: boolean;
  onChoose(file: File): void;
  onActivate(): void;
  onRemove(): void;
}) {
  const { t } = useI18n();
  const labelId = useId();
  return (
    <section className="panel-section" aria-labelledby={labelId}>
      <h3 id={labelId} className="panel-title">
        {t('cloth.title')}
      </h3>
      <ClothPicker {...props} />
    </section>
  );
});

export const CutAndView = memo(function CutAndView({
  cuts,
  cutId,
  viewId,
  onCut,
  onView,
}: {
  cuts: Cut[];
  cutId: string;
  viewId: string;
  onCut(id: string): void;
  onView(id: string): void;
}) {
  const tr = useI18n();
  const { t } = tr;
  const cutLabel = useId();
  const viewLabelId = useId();
  const cut = cuts.find((c) => c.id === cutId);
  return (
    <div className="cut-view">
      <section className="panel-section" aria-labelledby={cutLabel}>
        <h3 id={cutLabel} className="panel-title">
          {t('fitting.cut')}
        </h3>
        <div className="segmented segmented--stack" role="radiogroup" aria-labelledby={cutLabel}>
          {cuts.map((c) => (
            <button
              key={c.id}
              type="button"
              role="radio"
              aria-checked={c.id === cutId}
              className="segmented__option"
              onClick={() => onCut(c.id)}
              data-cut={c.id}
            >
              {cutName(c.name, tr.locale)}
            </button>
          ))}
        </div>
      </section>
      {cut && cut.views.length > 0 && (
        <section className="panel-section" aria-labelledby={viewLabelId}>
          <h3 id={viewLabelId} className="panel-title">
            {t('fitting.view')}
          </h3>
          <div className="segmented" role="radiogroup" aria-labelledby={viewLabelId}>
            {cut.views.map((v) => (
              <button
                key={v.id}
                type="button"
                role="radio"
                aria-checked={v.id === viewId}
                className="segmented__option"
                onClick={() => onView(v.id)}
                data-view={v.id}
              >
                {viewLabel(v.id, tr)}
              </button>
            ))}
          </div>
        </section>
      )}
    </div>
  );
});

export const GeneratePanel = memo(function GeneratePanel({
  disabledReason,
  allCuts,
  onAllCuts,
  onGenerate,
  job,
  count,
  photoreal,
  onPhotoreal,
}: {
  disabledReason?: string;
  allCuts: boolean;
  onAllCuts(v: boolean): void;
  /** Offered only when a GPU engine answers (/readyz): undefined hides the choice. */
  photoreal?: boolean;
  onPhotoreal?(v: boolean): void;
  onGenerate(): void;
  job?: JobProgress;
  count: number;
}) {
  const tr = useI18n();
  const { t } = tr;
  const reasonId = useId();
  const titleId = useId();
  const running = !!job && !job.done;
  const fraction = job ? jobFraction(job) : 0;
  const finished = job ? job.ids.filter((id) => job.status[id] === 'succeeded').length : 0;
  const failed = job ? job.ids.filter((id) => job.status[id] === 'failed' || job.status[id] === 'canceled').length : 0;
  return (
    <section className="panel-section generate" aria-labelledby={titleId}>
      <h3 id={titleId} className="panel-title">
        {t('generate.title')}
      </h3>
      <label className="checkbox">
        <input type="checkbox" checked={allCuts} onChange={(e) => onAllCuts(e.target.checked)} />
        <span>{t('generate.allCuts')}</span>
      </label>
      {photoreal !== undefined && onPhotoreal && (
        <label className="checkbox">
          <input type="checkbox" checked={photoreal} onChange={(e) => onPhotoreal(e.target.checked)} data-testid="photoreal" />
          <span>{t('generate.photoreal')}</span>
        </label>
      )}
      <button
        type="button"
        className="button button--primary button--wide"
        onClick={onGenerate}
        disabled={!!disabledReason || running}
        aria-describedby={disabledReason ? reasonId : undefined}
        data-testid="generate"
      >
        {running ? t('generate.running') : tr.tp('generate.button', count)}
      </button>
      {disabledReason && (
        <p id={reasonId} className="hint" data-testid="generate-reason">
          {disabledReason}
        </p>
      )}
      {job && (job.ids.length > 0 || job.error !== undefined || !job.done) && (
        <div className="job" data-testid="job" data-done={job.done}>
          <div
            className="progress"
            role="progressbar"
            aria-label={t('generate.progressLabel')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(fraction * 100)}
            aria-valuetext={tr.percent(fraction)}
            data-testid="job-progress"
          >
            <span style={{ width: `${fraction * 100}%` }} />
          </div>
          <p className="job__text" aria-live="polite">
            {job.error !== undefined
              ? t('generate.orderFailed')
              : job.done
                ? failed
                  ? t('generate.doneWithFailures', { done: tr.number(finished), failed: tr.number(failed) })
                  : tr.tp('generate.done', finished)
                : t('generate.progress', { done: tr.number(finished), total: tr.number(job.ids.length), percent: tr.percent(fraction) })}
            {job.polling && !job.done && <span className="job__note"> {t('generate.polling')}</span>}
          </p>
        </div>
      )}
    </section>
  );
});
