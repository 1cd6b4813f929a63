import { interpolate, useI18n, type Translator, type Vars } from '../i18n/i18n.tsx';
import { ApiError, UnreachableError } from '../api/client.ts';
import { messages, type AdminKey, type AdminPluralKey } from './messages.ts';

export interface AdminText {
  /** The console's own strings. */
  t(key: AdminKey, vars?: Vars): string;
  /** Plural: `key_one` or `key_other` by the locale's rules; `{count}` is the formatted count. */
  tp(key: AdminPluralKey, count: number, vars?: Vars): string;
  /** The stylist app's translator: formatters, and its labels for weaves, patterns and seasons. */
  tr: Translator;
  locale: Translator['locale'];
}

export function useAdminText(): AdminText {
  const tr = useI18n();
  const table = messages[tr.locale];
  const plural = new Intl.PluralRules(tr.locale);
  return {
    t: (key, vars) => interpolate(table[key], vars),
    tp: (key, count, vars) =>
      interpolate(table[`${key}_${plural.select(count) === 'one' ? 'one' : 'other'}` as AdminKey], { count: tr.number(count), ...vars }),
    tr,
    locale: tr.locale,
  };
}

const CODES: Partial<Record<string, AdminKey>> = {
  unreachable: 'error.unreachable',
  invalid_credentials: 'error.invalidCredentials',
  account_locked: 'error.locked',
  account_disabled: 'error.disabled',
  rate_limited: 'error.rateLimited',
  cross_origin: 'error.crossOrigin',
  forbidden: 'error.forbidden',
  unauthenticated: 'error.signedOut',
  slug_taken: 'error.slugTaken',
  email_taken: 'error.emailTaken',
  too_large: 'error.tooLarge',
  too_many_pixels: 'error.tooManyPixels',
  unsupported_type: 'error.unsupportedType',
  unsupported_media_type: 'error.unsupportedType',
  corrupt_image: 'error.corrupt',
  too_small: 'error.tooSmall',
  mask_mismatch: 'error.maskMismatch',
  mask_empty: 'error.maskEmpty',
  mask_full: 'error.maskFull',
  builtin_view: 'error.builtinView',
  invalid_catalog: 'error.invalidCatalog',
  last_admin: 'error.lastAdmin',
  own_account: 'error.ownAccount',
  wrong_password: 'error.wrongPassword',
  not_retryable: 'error.notRetryable',
  not_cancelable: 'error.notCancelable',
  already_live: 'error.alreadyLive',
  validation_failed: 'error.validation',
  not_found: 'error.notFound',
};

/** What went wrong, in the person's language; the server's sentence (English, precise) as detail. */
export function problemOf(error: unknown, t: AdminText['t']): { message: string; detail?: string } {
  if (error instanceof UnreachableError) return { message: t('error.unreachable') };
  if (!(error instanceof ApiError)) return { message: t('error.generic') };
  const key = CODES[error.code];
  if (!key) return { message: t('error.generic'), detail: error.message };
  if (error.code === 'account_locked') {
    const until = (error.details as { lockedUntil?: string } | undefined)?.lockedUntil;
    const minutes = until ? Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 60_000)) : 1;
    return { message: t('error.locked', { minutes }) };
  }
  return { message: t(key), detail: key === 'error.unreachable' || key === 'error.invalidCredentials' ? undefined : error.message };
}
