import { ApiError, UnreachableError } from '../api/client.ts';
import type { Translator } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

export interface StudioProblem {
  message: string;
  /** The server's own sentence (limits, sizes), when it adds detail. */
  detail?: string;
}

/** Why a client photo (or a step on it) did not work, said plainly in the person's language. */
export function studioProblem(error: unknown, tr: Translator, fallback: MessageKey = 'studio.error.failed'): StudioProblem {
  if (error instanceof UnreachableError) return { message: tr.t('studio.error.unreachable') };
  if (!(error instanceof ApiError)) return { message: tr.t(fallback) };
  let key: MessageKey;
  if (error.status === 415 || error.code === 'unsupported_type' || error.code === 'unsupported_media_type')
    key = /HEI[CF]/i.test(error.message) ? 'studio.error.heic' : 'studio.error.notImage';
  else if (error.status === 413 || error.code === 'too_large') key = 'studio.error.tooBig';
  else if (error.code === 'too_many_pixels') key = 'studio.error.tooManyPixels';
  else if (error.code === 'too_small') key = 'studio.error.tooSmall';
  else if (error.code === 'corrupt_image') key = 'studio.error.corrupt';
  else if (error.status === 404) key = 'studio.error.gone';
  else return { message: tr.t(fallback), detail: error.message };
  return { message: tr.t(key), detail: error.message };
}
