import type { Locale } from './messages.ts';
import { plainPercent } from './plainNumbers.ts';

/**
 * Catalogue text arrives in English (the API has no localized names yet). The stylist shows common
 * tailoring terms in Spanish; anything not in the glossary is shown as the catalogue spells it.
 */
const key = (text: string) => text.trim().toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ');

const COLORS_ES: Record<string, string> = {
  navy: 'Azul marino',
  'midnight blue': 'Azul noche',
  midnight: 'Azul noche',
  'mid blue': 'Azul medio',
  'french blue': 'Azul francés',
  blue: 'Azul',
  'blue grey': 'Gris azulado',
  charcoal: 'Gris marengo',
  'mid grey': 'Gris medio',
  'light grey': 'Gris claro',
  'silver grey': 'Gris plata',
  silver: 'Plata',
  grey: 'Gris',
  gray: 'Gris',
  black: 'Negro',
  'black and white': 'Blanco y negro',
  'black white': 'Blanco y negro',
  white: 'Blanco',
  brown: 'Marrón',
  chocolate: 'Chocolate',
  tan: 'Tostado',
  olive: 'Verde oliva',
  green: 'Verde',
  stone: 'Piedra',
  sand: 'Arena',
  cream: 'Crudo',
  beige: 'Beis',
  camel: 'Camel',
  burgundy: 'Burdeos',
  red: 'Rojo',
};

const CUTS_ES: Record<string, string> = {
  'single breasted two button': 'Recto de dos botones',
  'single breasted': 'Recto',
  'double breasted six on two': 'Cruzado seis a dos',
  'double breasted': 'Cruzado',
  'three piece with waistcoat': 'Tres piezas con chaleco',
  'three piece': 'Tres piezas',
};

const MATERIALS_ES: Record<string, string> = {
  wool: 'lana',
  'woollen spun wool': 'lana cardada',
  'worsted wool': 'lana peinada',
  lambswool: 'lana de cordero',
  'high twist wool': 'lana de alta torsión',
  cashmere: 'cachemir',
  'kid mohair': 'mohair kid',
  mohair: 'mohair',
  silk: 'seda',
  linen: 'lino',
  cotton: 'algodón',
  polyester: 'poliéster',
  elastane: 'elastano',
};

export function colorName(name: string, locale: Locale): string {
  return locale === 'es' ? (COLORS_ES[key(name)] ?? name) : name;
}

export function cutName(name: string, locale: Locale): string {
  return locale === 'es' ? (CUTS_ES[key(name)] ?? name) : name;
}

// Making an Intl formatter costs far more than using one: the catalogue's search text formats every
// family's composition (and whole percentages, the usual case, need none: see plainNumbers.ts).
const percentFormats = new Map<Locale, Intl.NumberFormat>();
function percentFormat(locale: Locale): Intl.NumberFormat {
  let format = percentFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    percentFormats.set(locale, format);
  }
  return format;
}

/** "90% wool, 10% cashmere" → "90 % lana, 10 % cachemir": percentages as Intl writes them, fibres by glossary. */
export function composition(text: string, locale: Locale): string {
  return text
    .split(/,\s*/)
    .map((part) => {
      const m = /^(\d+(?:\.\d+)?)\s*%\s+(.+)$/.exec(part.trim());
      if (!m) return part;
      const fibre = locale === 'es' ? (MATERIALS_ES[key(m[2]!)] ?? m[2]!) : m[2]!;
      return `${plainPercent(Number(m[1]), locale) ?? percentFormat(locale).format(Number(m[1]) / 100)} ${fibre}`;
    })
    .join(', ');
}
