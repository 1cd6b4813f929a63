import type { Cut } from '../api/types.ts';
import type { Translator } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { CUT_PRESETS, draftAheadOrder, INCOMPATIBLE, STYLE_OPTION_IDS, type StyleOptionId, tapOption } from '../../../src/templates/options.ts';

/** A client's choices over a cut's preset: only what differs from it. */
export type StyleChoices = Record<string, string>;

/** How the option panel groups a cut's options, in a tailor's order. */
export const STYLE_GROUPS: Array<{ id: 'jacket' | 'trousers' | 'waistcoat' | 'trims'; options: string[] }> = [
  { id: 'jacket', options: ['lapel', 'lapelWidth', 'fastening', 'pockets', 'ticketPocket', 'breastPocket', 'vents'] },
  { id: 'trousers', options: ['trouserFront', 'trouserHem'] },
  { id: 'waistcoat', options: ['waistcoat'] },
  { id: 'trims', options: ['buttons', 'shirt', 'tie', 'shoes'] },
];

const defaultsOf = (cut: Pick<Cut, 'options'>): StyleChoices => Object.fromEntries(cut.options.map((o) => [o.id, o.default]));

/** The full set a render would be drawn with: the cut's preset with the choices over it. */
export function resolvedStyle(cut: Pick<Cut, 'options'>, choices: StyleChoices): StyleChoices {
  return { ...defaultsOf(cut), ...choices };
}

/** Values an option may not take while the rest of the suit is as it is (a shawl collar is never double-breasted). */
export function blockedValues(cut: Pick<Cut, 'options'>, choices: StyleChoices, option: string): Set<string> {
  const full = resolvedStyle(cut, choices);
  const blocked = new Set<string>();
  for (const rule of INCOMPATIBLE) {
    if (rule.option !== option) continue;
    if (!Object.entries(rule.when).every(([k, v]) => full[k] === v)) continue;
    for (const value of cut.options.find((o) => o.id === option)?.values ?? []) if (!rule.allowed.includes(value.id)) blocked.add(value.id);
  }
  return blocked;
}

export interface StyleChange {
  choices: StyleChoices;
  /** Another option moved to keep the suit one a tailor would make, and why. */
  adjusted?: { option: string; value: string; why: string };
}

/** Chooses a value; an option it rules out moves to a value still allowed, and the change says so. */
export function chooseStyle(cut: Pick<Cut, 'options'>, choices: StyleChoices, option: string, value: string): StyleChange {
  const defaults = defaultsOf(cut);
  const { full, adjusted } = tapOption({ ...defaults, ...choices }, defaults, option, value);
  const next: StyleChoices = {};
  for (const [k, v] of Object.entries(full)) if (defaults[k] !== v) next[k] = v;
  return { choices: next, ...(adjusted ? { adjusted } : {}) };
}

/** How many styles one option away the app prepares while the associate looks (beside the colourways). */
export const STYLES_PREPARED = 6;

/** The options a change of style moved (the one tapped, and any it moved with it), in panel order. */
export function changedOptions(cut: Pick<Cut, 'options'>, before: StyleChoices, after: StyleChoices): string[] {
  const a = resolvedStyle(cut, before);
  const b = resolvedStyle(cut, after);
  return cut.options.map((o) => o.id).filter((id) => a[id] !== b[id]);
}

/**
 * The styles one option away the associate is likely to tap next, most likely first, as the panel
 * would make them: the other values of the options just changed, then the options below them, in the
 * order the server drafts them ahead (draftAheadOrder), so that what the app prepares is what the
 * server has drafted first. Values the rest of the suit rules out are left out.
 */
export function likelyNextStyles(cut: Pick<Cut, 'options'>, choices: StyleChoices, changed: readonly string[], max = STYLES_PREPARED): StyleChoices[] {
  const full = resolvedStyle(cut, choices);
  const out: StyleChoices[] = [];
  const seen = new Set<string>();
  for (const id of draftAheadOrder(changed.filter((c): c is StyleOptionId => (STYLE_OPTION_IDS as string[]).includes(c)))) {
    const option = cut.options.find((o) => o.id === id);
    if (!option) continue;
    const blocked = blockedValues(cut, choices, id);
    for (const { id: value } of option.values) {
      if (value === full[id] || blocked.has(value)) continue;
      const next = chooseStyle(cut, choices, id, value).choices;
      const key = JSON.stringify(resolvedStyle(cut, next));
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(next);
      if (out.length >= max) return out;
    }
  }
  return out;
}

export const optionLabel = (option: string, tr: Translator) => tr.t(`option.${option}` as MessageKey);
export const valueLabel = (option: string, value: string, tr: Translator) => tr.t(`option.${option}.${value}` as MessageKey);

/** Options whose values need the option's name beside them to be understood ("Peak" → "Lapel: peak"). */
const NAMED = new Set(['lapel', 'lapelWidth', 'pockets', 'buttons']);

/**
 * The style of a render in words, for captions: what differs from its cut's preset ("Peak · Turn-ups").
 * Reads the presets themselves, so a share page without the catalogue says the same as the tablet.
 */
export function styleSummary(cutSlug: string, options: StyleChoices | null | undefined, tr: Translator): string {
  const preset = CUT_PRESETS[cutSlug];
  if (!preset || !options) return '';
  const defaults = preset.defaults as unknown as StyleChoices;
  return STYLE_OPTION_IDS.filter((id) => options[id] !== undefined && options[id] !== defaults[id])
    .map((id) => (NAMED.has(id) ? `${optionLabel(id, tr)}: ${valueLabel(id, options[id]!, tr).toLowerCase()}` : valueLabel(id, options[id]!, tr)))
    .join(' · ');
}

/** A stable text of choices, for keys. */
export const choicesKey = (choices: StyleChoices | undefined) =>
  choices
    ? Object.keys(choices)
        .sort()
        .map((k) => `${k}=${choices[k]}`)
        .join(',')
    : '';
