import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../test/fixtures.ts';
import {
  activeFilterCount,
  applyFilters,
  EMPTY_FILTERS,
  facetCounts,
  featuredColor,
  matchesQuery,
  toggleValue,
  weightBandOf,
  type Filters,
} from './filters.ts';

const ids = (list: { id: string }[]) => list.map((f) => f.id);
const with_ = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });

describe('fabric filters', () => {
  it('shows everything with no filter', () => {
    expect(ids(applyFilters(FAMILIES, EMPTY_FILTERS))).toEqual(['twill', 'flannel', 'herringbone', 'mohair', 'pinstripe']);
  });

  it('ORs values within a facet and ANDs facets', () => {
    expect(ids(applyFilters(FAMILIES, with_({ season: ['autumn-winter', 'spring-summer'] })))).toEqual(['flannel', 'herringbone', 'mohair']);
    expect(ids(applyFilters(FAMILIES, with_({ season: ['autumn-winter'], colour: ['green'] })))).toEqual(['herringbone']);
    expect(ids(applyFilters(FAMILIES, with_({ weave: ['twill'], pattern: ['pinstripe'] })))).toEqual(['pinstripe']);
    expect(applyFilters(FAMILIES, with_({ season: ['spring-summer'], weight: ['heavy'] }))).toEqual([]);
  });

  it('bands weights: light ≤ 260, medium 261–320, heavy above', () => {
    expect([240, 260, 261, 320, 321, 390].map(weightBandOf)).toEqual(['light', 'light', 'medium', 'medium', 'heavy', 'heavy']);
    expect(weightBandOf(null)).toBeUndefined();
    expect(ids(applyFilters(FAMILIES, with_({ weight: ['light'] })))).toEqual(['twill', 'mohair']);
  });

  it('matches a family by any of its colourways’ colour family', () => {
    expect(ids(applyFilters(FAMILIES, with_({ colour: ['blue'] })))).toEqual(['twill', 'mohair', 'pinstripe']);
    expect(ids(applyFilters(FAMILIES, with_({ colour: ['neutral'] })))).toEqual(['mohair']);
    expect(ids(applyFilters(FAMILIES, with_({ colour: ['brown', 'black'] })))).toEqual(['twill', 'flannel']);
  });

  it('counts each value as the result it would give, given the other facets', () => {
    const filters = with_({ season: ['autumn-winter'] });
    // Within the chosen facet, counts ignore its own choice (so other seasons still show their size).
    expect(Object.fromEntries(facetCounts(FAMILIES, filters, 'season'))).toEqual({ 'all-season': 2, 'spring-summer': 1, 'autumn-winter': 2 });
    // Other facets count within the autumn–winter families only.
    expect(Object.fromEntries(facetCounts(FAMILIES, filters, 'weave'))).toEqual({ twill: 0, flannel: 1, herringbone: 1, plain: 0 });
    expect(Object.fromEntries(facetCounts(FAMILIES, filters, 'colour'))).toEqual({ blue: 0, grey: 2, black: 0, brown: 1, green: 1, neutral: 0 });
    expect(Object.fromEntries(facetCounts(FAMILIES, filters, 'weight'))).toEqual({ light: 0, medium: 1, heavy: 1 });
  });

  it('a count is exactly what choosing the value shows', () => {
    const base = with_({ weight: ['light', 'medium'], query: 'wool' });
    for (const facet of ['season', 'weave', 'pattern', 'colour'] as const) {
      for (const [value, count] of facetCounts(FAMILIES, base, facet)) {
        expect(applyFilters(FAMILIES, toggleValue(base, facet, value)).length, `${facet}=${value}`).toBe(count);
      }
    }
  });

  it('searches words anywhere, in any order, ignoring case and accents', () => {
    expect(matchesQuery('Winter Flannel 100% woollen-spun wool', 'flannel WOOL')).toBe(true);
    expect(matchesQuery('Franela de invierno', 'franela invierno')).toBe(true);
    expect(matchesQuery('algodón', 'algodon')).toBe(true);
    expect(matchesQuery('Herringbone', 'tweed')).toBe(false);
    expect(ids(applyFilters(FAMILIES, with_({ query: 'mohair' })))).toEqual(['mohair']);
    expect(ids(applyFilters(FAMILIES, with_({ query: 'olive' })))).toEqual(['herringbone']);
    // The search narrows the counts too.
    expect(facetCounts(FAMILIES, with_({ query: 'super' }), 'pattern').get('pinstripe')).toBe(1);
  });

  it('toggles values and counts active filters', () => {
    let f = toggleValue(EMPTY_FILTERS, 'season', 'autumn-winter');
    f = toggleValue(f, 'colour', 'blue');
    expect(activeFilterCount(f)).toBe(2);
    f = toggleValue(f, 'season', 'autumn-winter');
    expect(f.season).toEqual([]);
    expect(activeFilterCount(f)).toBe(1);
  });

  it('features the first colourway in a chosen colour family', () => {
    const herringbone = FAMILIES[2]!;
    expect(featuredColor(herringbone, { colour: [] })?.id).toBe('grey');
    expect(featuredColor(herringbone, { colour: ['green'] })?.id).toBe('olive');
  });
});
