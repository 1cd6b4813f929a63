import { ApiError, UnreachableError } from '../api/client.ts';
import type { Translator } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

export interface ClothProblem {
  /** What went wrong, in the person's language. */
  message: string;
  /** The server's own sentence, when it adds detail (sizes, limits); English. */
  detail?: string;
}

/** The reason a photo cannot be used, said plainly; never a silent fallback to a catalogue colour. */
export function clothProblem(error: unknown, tr: Translator): ClothProblem {
  if (error instanceof UnreachableError) return { message: tr.t('cloth.error.unreachable') };
  if (!(error instanceof ApiError)) return { message: tr.t('cloth.error.failed') };
  const code = error.code;
  let key: MessageKey;
  if (code === 'unsupported_type' || code === 'unsupported_media_type' || error.status === 415)
    key = /HEIC/i.test(error.message) ? 'cloth.error.heic' : 'cloth.error.notImage';
  else if (code === 'too_large' || error.status === 413) key = 'cloth.error.tooBig';
  else if (code === 'too_many_pixels') key = 'cloth.error.tooManyPixels';
  else if (code === 'too_small') key = 'cloth.error.tooSmall';
  else if (/blur/i.test(code)) key = 'cloth.error.blurred';
  else if (code === 'corrupt_image') key = 'cloth.error.corrupt';
  else if (/uniform|flat|featureless|not_cloth/i.test(code)) key = 'cloth.error.notCloth';
  else return { message: tr.t('cloth.error.failed'), detail: error.message };
  return { message: tr.t(key), detail: error.message };
}

/** Checks the browser can make before sending anything: the declared type and the file's name. */
export function precheckFile(file: File, tr: Translator): ClothProblem | undefined {
  if (/\.(heic|heif)$/i.test(file.name) || /hei[cf]/i.test(file.type)) return { message: tr.t('cloth.error.heic') };
  if (file.size === 0) return { message: tr.t('cloth.error.notImage') };
  if (file.type && !file.type.startsWith('image/')) return { message: tr.t('cloth.error.notImage') };
  return undefined;
}
