import type { Locale } from './messages.ts';

/*
 * Numbers the stylist's first screen shows (counts, weights, whole percentages in a cloth's
 * composition), written as Intl writes them in both of our locales, without asking it: the page's
 * first Intl.NumberFormat, of any style, costs Chromium 70–100 ms of ICU set-up on the bench machine
 * (the next ones ~0.1 ms), and that was on the first load's critical path. Anything else goes to
 * Intl; i18n.test.ts holds these to Intl's own output.
 */

/** A whole number under 1000 (no grouping, ASCII digits in both locales); undefined otherwise. */
export function plainInteger(value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value < 1000 ? String(value) : undefined;
}

/** A whole percentage 0–100: "42 %" with a no-break space in Spanish, "42%" in English; undefined otherwise. */
export function plainPercent(percent: number, locale: Locale): string | undefined {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) return undefined;
  return locale === 'es' ? `${percent}\u00a0%` : `${percent}%`;
}
