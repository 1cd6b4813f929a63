import type { FabricFamily, Season } from '../api/types.ts';
import { COLOR_FAMILIES, colorFamilyOf, type ColorFamily } from './colorFamily.ts';

/**
 * Faceted browsing of the fabric families. Within a facet the chosen values are alternatives (OR);
 * facets and the search combine (AND). A value's count is how many families would show if it were
 * chosen too, given everything else that is chosen — so a count never promises an empty result.
 */
export const FACETS = ['season', 'weight', 'weave', 'pattern', 'colour'] as const;
export type Facet = (typeof FACETS)[number];

export interface Filters {
  query: string;
  season: string[];
  weight: string[];
  weave: string[];
  pattern: string[];
  colour: string[];
}

export const EMPTY_FILTERS: Filters = { query: '', season: [], weight: [], weave: [], pattern: [], colour: [] };

export const SEASONS: Season[] = ['all-season', 'spring-summer', 'autumn-winter'];

/** Cloth weights as a tailor groups them (g/m²): summer-light, year-round, winter-heavy. */
export const WEIGHT_BANDS = [
  { id: 'light', min: 0, max: 260 },
  { id: 'medium', min: 261, max: 320 },
  { id: 'heavy', min: 321, max: Infinity },
] as const;
export type WeightBand = (typeof WEIGHT_BANDS)[number]['id'];

export function weightBandOf(gsm: number | null): WeightBand | undefined {
  if (gsm == null) return undefined;
  return WEIGHT_BANDS.find((b) => gsm >= b.min && gsm <= b.max)?.id;
}

/** The values a family has in a facet (a family of several colourways can be in several colour families). */
export function facetValues(family: FabricFamily, facet: Facet): string[] {
  switch (facet) {
    case 'season':
      return [family.season];
    case 'weight': {
      const band = weightBandOf(family.weightGsm);
      return band ? [band] : [];
    }
    case 'weave':
      return [family.design.weave];
    case 'pattern':
      return [family.design.pattern];
    case 'colour':
      return [...new Set(family.colors.map((c) => colorFamilyOf(c.hex)))];
  }
}

/** Lower case, accents removed: "Franela" finds "franela", "algodon" finds "algodón". */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** Every word of the query must appear in the family's text (its names, and their translations). */
export function matchesQuery(searchText: string, query: string): boolean {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = normalize(searchText);
  return words.every((w) => haystack.includes(w));
}

/** Default search text: names and facts of the family; the UI adds their translations. */
export function defaultSearchText(family: FabricFamily): string {
  return [
    family.name,
    family.composition,
    family.description,
    family.design.weave,
    family.design.pattern,
    family.season,
    ...family.colors.map((c) => c.name),
  ].join(' ');
}

export type SearchText = (family: FabricFamily) => string;

function matches(family: FabricFamily, filters: Filters, searchText: SearchText, except?: Facet): boolean {
  if (!matchesQuery(searchText(family), filters.query)) return false;
  for (const facet of FACETS) {
    if (facet === except) continue;
    const chosen = filters[facet];
    if (chosen.length === 0) continue;
    const values = facetValues(family, facet);
    if (!chosen.some((v) => values.includes(v))) return false;
  }
  return true;
}

export function applyFilters(families: FabricFamily[], filters: Filters, searchText: SearchText = defaultSearchText): FabricFamily[] {
  return families.filter((f) => matches(f, filters, searchText));
}

/** For one facet: every value present in the catalogue, with how many families it would show. */
export function facetCounts(families: FabricFamily[], filters: Filters, facet: Facet, searchText: SearchText = defaultSearchText): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of allValues(families, facet)) counts.set(value, 0);
  for (const family of families) {
    if (!matches(family, filters, searchText, facet)) continue;
    for (const value of facetValues(family, facet)) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

/** The values a facet offers, in a stable, sensible order. */
export function allValues(families: FabricFamily[], facet: Facet): string[] {
  const present = new Set(families.flatMap((f) => facetValues(f, facet)));
  const order: readonly string[] = facet === 'season' ? SEASONS : facet === 'weight' ? WEIGHT_BANDS.map((b) => b.id) : facet === 'colour' ? COLOR_FAMILIES : [];
  const known = order.filter((v) => present.has(v));
  const rest = [...present].filter((v) => !order.includes(v)).sort();
  return [...known, ...rest];
}

export function toggleValue(filters: Filters, facet: Facet, value: string): Filters {
  const chosen = filters[facet];
  return { ...filters, [facet]: chosen.includes(value) ? chosen.filter((v) => v !== value) : [...chosen, value] };
}

export function activeFilterCount(filters: Filters): number {
  return FACETS.reduce((n, f) => n + filters[f].length, 0);
}

/** The colourway to show first for a family: the first in a chosen colour family, else its first. */
export function featuredColor(family: FabricFamily, filters: Pick<Filters, 'colour'>) {
  if (filters.colour.length) {
    const match = family.colors.find((c) => filters.colour.includes(colorFamilyOf(c.hex) as ColorFamily));
    if (match) return match;
  }
  return family.colors[0];
}
