import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { messages, type Locale, type MessageKey, type PluralKey } from './messages.ts';
import { plainInteger, plainPercent } from './plainNumbers.ts';

export const LOCALES: Locale[] = ['es', 'en'];
export const LOCALE_NAMES: Record<Locale, string> = { es: 'Español', en: 'English' };
const STORAGE_KEY = 'atelier.locale';

/** The saved choice first, then the browser's preferred languages; English when neither says. */
export function detectLocale(saved: string | null | undefined, languages: readonly string[]): Locale {
  if (saved === 'es' || saved === 'en') return saved;
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'en';
}

export type Vars = Record<string, string | number>;

/** Replaces `{name}` with vars.name; a missing variable stays visible rather than vanishing. */
export function interpolate(template: string, vars: Vars = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export interface Translator {
  locale: Locale;
  t(key: MessageKey, vars?: Vars): string;
  /** Plural: picks `key_one` or `key_other` by the locale's rules; `{count}` is the formatted count. */
  tp(key: PluralKey, count: number, vars?: Vars): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  percent(fraction: number): string;
  mm(value: number): string;
  gsm(value: number): string;
  bytes(value: number): string;
  date(value: string | Date): string;
  dateTime(value: string | Date): string;
}

const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(key: string, make: () => T): T {
  let f = formatters.get(key) as T | undefined;
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

export function createTranslator(locale: Locale): Translator {
  const table = messages[locale];
  const number = (value: number, options: Intl.NumberFormatOptions = {}) =>
    (Object.keys(options).every((k) => k === 'maximumFractionDigits') ? plainInteger(value) : undefined) ??
    cached(`n:${locale}:${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options)).format(value);
  const plural = cached(`p:${locale}`, () => new Intl.PluralRules(locale));
  return {
    locale,
    t: (key, vars) => interpolate(table[key], vars),
    tp: (key, count, vars) => {
      const form = (plural as Intl.PluralRules).select(count) === 'one' ? 'one' : 'other';
      return interpolate(table[`${key}_${form}` as MessageKey], { count: number(count), ...vars });
    },
    number,
    percent: (fraction) => plainPercent(fraction * 100, locale) ?? number(fraction, { style: 'percent', maximumFractionDigits: 0 }),
    mm: (value) => number(value, { style: 'unit', unit: 'millimeter', maximumFractionDigits: value < 10 ? 1 : 0 }),
    // Intl has no unit for grams per square metre; the number follows the locale, the unit is universal.
    gsm: (value) => `${number(value, { maximumFractionDigits: 0 })} g/m²`,
    bytes: (value) =>
      value >= 1e6
        ? number(value / 1e6, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 })
        : number(value / 1e3, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }),
    date: (value) => cached(`d:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'long' })).format(new Date(value)),
    dateTime: (value) => cached(`dt:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })).format(new Date(value)),
  };
}

interface I18nContextValue extends Translator {
  setLocale(locale: Locale): void;
}

const I18nContext = createContext<I18nContextValue | null>(null);

function readSaved(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(
    () =>
      initial ?? detectLocale(readSaved(), typeof navigator !== 'undefined' ? (navigator.languages?.length ? navigator.languages : [navigator.language]) : []),
  );
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this visit
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo(() => ({ ...createTranslator(locale), setLocale }), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nContextValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
