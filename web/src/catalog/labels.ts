import type { FabricFamily } from '../api/types.ts';
import { colorName, composition } from '../i18n/glossary.ts';
import type { Translator } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { COLOR_FAMILIES } from './colorFamily.ts';
import { WEIGHT_BANDS, type Facet } from './filters.ts';

const KNOWN: Record<Facet, readonly string[]> = {
  season: ['all-season', 'spring-summer', 'autumn-winter'],
  weight: WEIGHT_BANDS.map((b) => b.id),
  weave: ['plain', 'twill', 'herringbone', 'hopsack', 'sharkskin', 'birdseye', 'flannel', 'satin'],
  pattern: ['solid', 'pinstripe', 'chalkstripe', 'glencheck', 'houndstooth', 'windowpane'],
  colour: COLOR_FAMILIES,
};

const humanize = (slug: string) => slug.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The words a person reads for a facet value: "Sarga", "Otoño–invierno", "Azules". */
export function facetLabel(facet: Facet, value: string, tr: Translator): string {
  if (!KNOWN[facet].includes(value)) return humanize(value);
  return tr.t(`${facet}.${value}` as MessageKey);
}

/** "≤ 260 g/m²", "261–320 g/m²", "> 320 g/m²" in the locale's digits. */
export function weightRange(band: string, tr: Translator): string {
  const b = WEIGHT_BANDS.find((w) => w.id === band);
  if (!b) return '';
  if (b.min === 0) return `≤ ${tr.gsm(b.max)}`;
  if (b.max === Infinity) return `> ${tr.gsm(b.min - 1)}`;
  return `${tr.number(b.min)}–${tr.gsm(b.max)}`;
}

/** Everything a search should find a family by, in the catalogue's words and in the UI's language. */
export function searchTextOf(family: FabricFamily, tr: Translator): string {
  return [
    family.name,
    family.composition,
    composition(family.composition, tr.locale),
    family.description,
    facetLabel('weave', family.design.weave, tr),
    facetLabel('pattern', family.design.pattern, tr),
    facetLabel('season', family.season, tr),
    family.design.weave,
    family.design.pattern,
    ...family.colors.flatMap((c) => [c.name, colorName(c.name, tr.locale)]),
  ].join(' ');
}

/** A short description built from the family's facts: catalogue descriptions are English only. */
export function familySummary(family: FabricFamily, tr: Translator): string {
  const parts = [facetLabel('weave', family.design.weave, tr)];
  if (family.design.pattern !== 'solid') parts.push(facetLabel('pattern', family.design.pattern, tr).toLowerCase());
  const repeat = family.design.repeatMm;
  if (repeat) parts.push(tr.t('family.repeat', { size: tr.mm(repeat) }));
  return parts.join(' · ');
}
