/**
 * Style options: every choice a client makes about the make of a suit is a parameter of the drafting
 * (suits.ts), so options combine freely and each combination is its own template version (and so part
 * of the render cache key). The cuts we ship are presets of these options; the replaced API's "recto"
 * and "cruzado" are the single- and double-breasted presets.
 *
 * Plain data only: the API and the web app read these lists without pulling in the drafting.
 */

export const STYLE_OPTIONS = {
  lapel: ['notch', 'peak', 'shawl'],
  lapelWidth: ['slim', 'classic', 'wide'],
  fastening: ['sb1', 'sb2', 'sb3', 'db6x2', 'db4x1'],
  pockets: ['flap', 'jetted', 'patch'],
  ticketPocket: ['no', 'yes'],
  breastPocket: ['yes', 'no'],
  vents: ['none', 'single', 'double'],
  trouserFront: ['flat', 'pleated'],
  trouserHem: ['plain', 'turnups'],
  waistcoat: ['none', 'sb', 'db'],
  buttons: ['horn-dark', 'horn-light', 'matching'],
  shirt: ['white', 'light-blue'],
  tie: ['none', 'burgundy', 'navy', 'silver', 'forest'],
  shoes: ['black', 'brown'],
} as const;

export type StyleOptionId = keyof typeof STYLE_OPTIONS;
export type StyleOptions = { -readonly [K in StyleOptionId]: (typeof STYLE_OPTIONS)[K][number] };
export const STYLE_OPTION_IDS = Object.keys(STYLE_OPTIONS) as StyleOptionId[];

/**
 * The options whose other values are drafted ahead of a tap, most likely first, after `changed` (the
 * options just changed, in panel order) were: their other values (peak tapped: notch and shawl are
 * likely next), then the options below the first of them in the panel, as an associate works down
 * it, and last those above, already gone through. (A tap that moved a second option, a shawl collar
 * making the coat single-breasted, leaves the associate where they tapped.)
 */
export function draftAheadOrder(changed: readonly StyleOptionId[]): StyleOptionId[] {
  if (!changed.length) return [...STYLE_OPTION_IDS];
  const first = Math.min(...changed.map((id) => STYLE_OPTION_IDS.indexOf(id)));
  const rest = [...STYLE_OPTION_IDS.slice(first + 1), ...STYLE_OPTION_IDS.slice(0, first + 1)];
  return [...changed, ...rest.filter((id) => !changed.includes(id))];
}

/** A suit worn open (the three-piece shows its waistcoat) is drafted differently from a closed one. */
export interface CutPreset {
  name: string;
  /** The replaced API's name for this cut, when it had one. */
  legacyId?: string;
  open: boolean;
  defaults: StyleOptions;
  /** Values this cut does not offer (an open coat is never double-breasted). */
  excluded?: Partial<{ [K in StyleOptionId]: ReadonlyArray<StyleOptions[K]> }>;
}

const BASE: StyleOptions = {
  lapel: 'notch',
  lapelWidth: 'classic',
  fastening: 'sb2',
  pockets: 'flap',
  ticketPocket: 'no',
  breastPocket: 'yes',
  vents: 'double',
  trouserFront: 'flat',
  trouserHem: 'plain',
  waistcoat: 'none',
  buttons: 'horn-dark',
  shirt: 'white',
  tie: 'navy',
  shoes: 'black',
};

export const CUT_PRESETS: Record<string, CutPreset> = {
  'single-breasted': { name: 'Single-breasted two-button', legacyId: 'recto', open: false, defaults: { ...BASE } },
  'double-breasted': {
    name: 'Double-breasted six-on-two',
    legacyId: 'cruzado',
    open: false,
    defaults: { ...BASE, lapel: 'peak', fastening: 'db6x2', tie: 'burgundy', buttons: 'horn-dark' },
  },
  'three-piece': {
    name: 'Three-piece with waistcoat',
    open: true,
    defaults: { ...BASE, waistcoat: 'sb', tie: 'silver', shirt: 'light-blue', shoes: 'brown', buttons: 'horn-light', trouserHem: 'turnups' },
    excluded: { fastening: ['db6x2', 'db4x1'] },
  },
};

/** Pairs that a tailor would not make: the second option is limited when the first has this value. */
export const INCOMPATIBLE: Array<{ when: Partial<StyleOptions>; option: StyleOptionId; allowed: readonly string[]; why: string }> = [
  { when: { lapel: 'shawl' }, option: 'fastening', allowed: ['sb1', 'sb2', 'sb3'], why: 'a shawl collar is cut on a single-breasted coat' },
  { when: { pockets: 'patch' }, option: 'ticketPocket', allowed: ['no'], why: 'patch pockets take no ticket pocket' },
];

/**
 * One tap on the option panel: `option` set to `value` over `full` (every option's value), and an
 * option it rules out moved to a value still allowed: back to the cut's own (`defaults`) where that
 * fits, so the suit changes as little as it can (a shawl collar tapped on a double-breasted makes it
 * single-breasted). The app shows the move; the render service drafts ahead what such a tap gives.
 */
export function tapOption<T extends Record<string, string>>(
  full: T,
  defaults: Record<string, string>,
  option: string,
  value: string,
): { full: T; adjusted?: { option: StyleOptionId; value: string; why: string } } {
  const out: Record<string, string> = { ...full, [option]: value };
  let adjusted: { option: StyleOptionId; value: string; why: string } | undefined;
  for (const rule of INCOMPATIBLE) {
    if (rule.option === option) continue;
    if (!Object.entries(rule.when).every(([k, v]) => out[k] === v)) continue;
    if (!rule.allowed.includes(out[rule.option]!)) {
      const fallback = rule.allowed.includes(defaults[rule.option]!) ? defaults[rule.option]! : rule.allowed[0]!;
      out[rule.option] = fallback;
      adjusted = { option: rule.option, value: fallback, why: rule.why };
    }
  }
  return { full: out as T, ...(adjusted ? { adjusted } : {}) };
}

/** i18n key of an option and of one of its values (web/src/i18n has them in Spanish and English). */
export const optionLabelKey = (id: StyleOptionId) => `option.${id}`;
export const valueLabelKey = (id: StyleOptionId, value: string) => `option.${id}.${value}`;

export interface OptionDescription {
  id: StyleOptionId;
  labelKey: string;
  values: Array<{ id: string; labelKey: string }>;
  default: string;
}

/** A cut's options as the API lists them: what it offers and its preset's value. */
export function describeOptions(cut: string): OptionDescription[] {
  const preset = CUT_PRESETS[cut];
  if (!preset) return [];
  return STYLE_OPTION_IDS.map((id) => {
    const excluded = (preset.excluded?.[id] ?? []) as readonly string[];
    return {
      id,
      labelKey: optionLabelKey(id),
      values: (STYLE_OPTIONS[id] as readonly string[]).filter((v) => !excluded.includes(v)).map((v) => ({ id: v, labelKey: valueLabelKey(id, v) })),
      default: preset.defaults[id],
    };
  });
}

export class StyleOptionError extends Error {
  constructor(
    message: string,
    readonly option: string,
    readonly allowed: string[],
  ) {
    super(message);
    this.name = 'StyleOptionError';
  }
}

/**
 * The full option set for a cut: its preset with the client's choices over it. Unknown options,
 * values the cut does not offer and incompatible pairs throw StyleOptionError naming the option and
 * what it allows.
 */
export function resolveOptions(cut: string, chosen: Record<string, string> = {}): StyleOptions {
  const preset = CUT_PRESETS[cut];
  if (!preset) throw new StyleOptionError(`The cut "${cut}" has no style options`, 'cut', Object.keys(CUT_PRESETS));
  const out: StyleOptions = { ...preset.defaults };
  for (const [id, value] of Object.entries(chosen)) {
    if (!(id in STYLE_OPTIONS)) {
      throw new StyleOptionError(`Unknown option "${id}"; the options are ${STYLE_OPTION_IDS.join(', ')}`, id, [...STYLE_OPTION_IDS]);
    }
    const key = id as StyleOptionId;
    const excluded = (preset.excluded?.[key] ?? []) as readonly string[];
    const allowed = (STYLE_OPTIONS[key] as readonly string[]).filter((v) => !excluded.includes(v));
    if (!allowed.includes(value)) {
      throw new StyleOptionError(`The ${cut} cut has no ${id} "${value}"; choose one of ${allowed.join(', ')}`, id, allowed);
    }
    (out as Record<string, string>)[key] = value;
  }
  for (const rule of INCOMPATIBLE) {
    const applies = Object.entries(rule.when).every(([k, v]) => out[k as StyleOptionId] === v);
    if (applies && !rule.allowed.includes(out[rule.option])) {
      const [k, v] = Object.entries(rule.when)[0]!;
      // Name the option the client chose when only one side was theirs.
      const blame = rule.option in chosen || !(k in chosen) ? rule.option : k;
      const allowed = blame === rule.option ? [...rule.allowed] : (STYLE_OPTIONS[k as StyleOptionId] as readonly string[]).filter((x) => x !== v);
      throw new StyleOptionError(
        `${k} "${v}" does not go with ${rule.option} "${out[rule.option]}" (${rule.why}); ${blame} may be ${allowed.join(', ')}`,
        blame,
        allowed,
      );
    }
  }
  return out;
}

/** Only what differs from the cut's preset, in a stable order: what a render row keeps and shows. */
export function optionChanges(cut: string, options: StyleOptions): Partial<StyleOptions> {
  const preset = CUT_PRESETS[cut];
  const out: Record<string, string> = {};
  for (const id of STYLE_OPTION_IDS) if (!preset || preset.defaults[id] !== options[id]) out[id] = options[id];
  return out as Partial<StyleOptions>;
}

/** Stable text of a full option set (cache keys, file names). */
export function optionsKey(options: StyleOptions): string {
  return STYLE_OPTION_IDS.map((id) => options[id]).join('.');
}
