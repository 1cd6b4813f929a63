import { memo, useId, useMemo, useState } from 'react';
import type { FabricFamily } from '../api/types.ts';
import { colorName, composition } from '../i18n/glossary.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Icon } from '../ui/icons.tsx';
import { showPlainColour } from '../ui/swatchFallback.ts';
import { COLOR_FAMILY_DOT, type ColorFamily } from './colorFamily.ts';
import {
  activeFilterCount,
  allValues,
  applyFilters,
  EMPTY_FILTERS,
  facetCounts,
  FACETS,
  featuredColor,
  toggleValue,
  type Facet,
  type Filters,
} from './filters.ts';
import { facetLabel, searchTextOf, weightRange } from './labels.ts';

/**
 * Search, faceted filters with counts, and the grid of fabric families as swatch cards. Memoised: a
 * colour tap or a preview's arrival re-renders the stylist around it, and the grid's facet counts
 * and search texts are the costliest part of that page to render again for nothing.
 */
export const Browse = memo(function Browse({
  families,
  filters,
  onFilters,
  selectedFamily,
  onSelect,
}: {
  families: FabricFamily[];
  filters: Filters;
  onFilters(next: Filters): void;
  selectedFamily?: string;
  onSelect(family: FabricFamily, colorId?: string): void;
}) {
  const tr = useI18n();
  const { t, tp } = tr;
  // Open on a large desktop; on a tablet the cards come first and the filters are a tap away.
  const [open, setOpen] = useState(() => typeof window !== 'undefined' && window.innerWidth >= 1600);
  // Each facet's counts match every family against the query: its search text is made once per language.
  const searchText = useMemo(() => {
    const texts = new WeakMap<FabricFamily, string>();
    return (f: FabricFamily) => {
      let text = texts.get(f);
      if (text === undefined) texts.set(f, (text = searchTextOf(f, tr)));
      return text;
    };
  }, [tr]);
  const shown = useMemo(() => applyFilters(families, filters, searchText), [families, filters, searchText]);
  const active = activeFilterCount(filters);
  const searchId = useId();
  const panelId = useId();

  return (
    <section className="browse" aria-labelledby="browse-title">
      <div className="browse__head">
        <h2 id="browse-title" className="section-title">
          {t('browse.title')}
        </h2>
        <p className="browse__count" aria-live="polite" data-testid="result-count">
          {t('browse.count', { shown: tr.number(shown.length), total: tr.number(families.length) })}
        </p>
      </div>
      <div className="browse__tools">
        <label htmlFor={searchId} className="visually-hidden">
          {t('browse.search')}
        </label>
        <div className="search">
          <Icon name="search" />
          <input
            id={searchId}
            type="search"
            value={filters.query}
            placeholder={t('browse.searchPlaceholder')}
            onChange={(e) => onFilters({ ...filters, query: e.target.value })}
            autoComplete="off"
            enterKeyHint="search"
          />
        </div>
        <button
          type="button"
          className={`button${open ? ' button--pressed' : ''}`}
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
          data-testid="filters-toggle"
        >
          <Icon name="filter" /> {active ? t('browse.filtersActive', { count: tr.number(active) }) : t('browse.filters')}
        </button>
        {(active > 0 || filters.query) && (
          <button type="button" className="button button--quiet" onClick={() => onFilters(EMPTY_FILTERS)}>
            {t('browse.clear')}
          </button>
        )}
      </div>
      {!open && active > 0 && (
        <div className="active-filters" data-testid="active-filters">
          {FACETS.flatMap((facet) =>
            filters[facet].map((value) => (
              <button
                key={`${facet}:${value}`}
                type="button"
                className="chip chip--on"
                onClick={() => onFilters(toggleValue(filters, facet, value))}
                aria-label={t('browse.removeFilter', { filter: facetLabel(facet, value, tr) })}
              >
                <span>{facetLabel(facet, value, tr)}</span>
                <span aria-hidden="true">×</span>
              </button>
            )),
          )}
        </div>
      )}
      <div id={panelId} className="filters" hidden={!open}>
        {FACETS.map((facet) => (
          <FacetGroup key={facet} facet={facet} families={families} filters={filters} onFilters={onFilters} searchText={searchText} />
        ))}
      </div>
      {shown.length === 0 ? (
        <div className="empty">
          <p>{t('browse.empty')}</p>
          <button type="button" className="button" onClick={() => onFilters(EMPTY_FILTERS)}>
            {t('browse.clear')}
          </button>
        </div>
      ) : (
        <ul className="family-grid" data-testid="family-grid">
          {shown.map((family) => {
            const featured = featuredColor(family, filters);
            const selected = family.id === selectedFamily;
            return (
              <li key={family.id}>
                <button
                  type="button"
                  className={`family-card${selected ? ' family-card--selected' : ''}`}
                  aria-pressed={selected}
                  onClick={() => onSelect(family, featured?.id)}
                  data-family={family.id}
                >
                  {featured && (
                    <img
                      key={featured.swatchUrl}
                      className="family-card__swatch"
                      src={featured.swatchUrl}
                      onError={(e) => showPlainColour(e.currentTarget, featured.hex)}
                      alt={t('family.swatchAlt', { family: family.name, color: colorName(featured.name, tr.locale) })}
                      loading="lazy"
                      decoding="async"
                      width={320}
                      height={320}
                    />
                  )}
                  <span className="family-card__body">
                    <span className="family-card__name">{family.name}</span>
                    <span className="family-card__composition">{composition(family.composition, tr.locale)}</span>
                    <span className="family-card__facts">
                      {family.weightGsm != null && <span>{tr.gsm(family.weightGsm)}</span>}
                      <span>{facetLabel('season', family.season, tr)}</span>
                    </span>
                    <span className="family-card__colors" aria-hidden="true">
                      {family.colors.map((c) => (
                        <span key={c.id} className="dot" style={{ background: c.hex }} title={colorName(c.name, tr.locale)} />
                      ))}
                    </span>
                    <span className="visually-hidden">{tp('family.colors', family.colors.length)}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
});

function FacetGroup({
  facet,
  families,
  filters,
  onFilters,
  searchText,
}: {
  facet: Facet;
  families: FabricFamily[];
  filters: Filters;
  onFilters(next: Filters): void;
  searchText(f: FabricFamily): string;
}) {
  const tr = useI18n();
  const counts = facetCounts(families, filters, facet, searchText);
  const values = allValues(families, facet);
  if (values.length < 2) return null;
  return (
    <fieldset className="facet" data-facet={facet}>
      <legend>{tr.t(`facet.${facet}`)}</legend>
      <div className="facet__options">
        {values.map((value) => {
          const chosen = filters[facet].includes(value);
          const count = counts.get(value) ?? 0;
          const label = facetLabel(facet, value, tr);
          return (
            <button
              key={value}
              type="button"
              className={`chip${chosen ? ' chip--on' : ''}`}
              aria-pressed={chosen}
              disabled={!chosen && count === 0}
              onClick={() => onFilters(toggleValue(filters, facet, value))}
              data-value={value}
              title={facet === 'weight' ? weightRange(value, tr) : undefined}
            >
              {facet === 'colour' && <span className="dot" style={{ background: COLOR_FAMILY_DOT[value as ColorFamily] ?? '#888' }} aria-hidden="true" />}
              <span>{label}</span>
              {facet === 'weight' && <span className="chip__sub">{weightRange(value, tr)}</span>}
              <span className="chip__count" aria-hidden="true">
                {tr.number(count)}
              </span>
              <span className="visually-hidden">{tr.tp('facet.count', count)}</span>
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}
