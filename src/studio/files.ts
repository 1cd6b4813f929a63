/**
 * Where a studio photo's files live and how they are reached. Every file of a photo is under
 * `studio/<photo id>/`, and served only by GET /api/studio/files/<photo id>/<url token>/<rest>:
 * the token is 256 random bits kept in the photo's row, so a link cannot be guessed and dies with
 * the photo. The public /files route refuses every `studio/` key, and a public bucket URL is never
 * handed out for them.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const STUDIO_PREFIX = 'studio/';

export function newUrlToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensMatch(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const studioKeys = {
  photo: (photoId: string, ext: string) => `${STUDIO_PREFIX}${photoId}/photo.${ext}`,
  suggestedMask: (photoId: string) => `${STUDIO_PREFIX}${photoId}/suggested-mask.png`,
  mask: (photoId: string, sha256: string) => `${STUDIO_PREFIX}${photoId}/masks/${sha256}.png`,
  renderPrefix: (photoId: string, renderId: string, attempt: number) => `${STUDIO_PREFIX}${photoId}/renders/${renderId}/${attempt}`,
};

/** The private URL of one of a photo's files. */
export function studioFileUrl(photo: { id: string; url_token: string }, key: string): string {
  const own = `${STUDIO_PREFIX}${photo.id}/`;
  if (!key.startsWith(own)) throw new Error(`${key} is not a file of studio photo ${photo.id}`);
  return `/api/studio/files/${photo.id}/${photo.url_token}/${key.slice(own.length)}`;
}

export function isStudioKey(key: string): boolean {
  return key.startsWith(STUDIO_PREFIX);
}
