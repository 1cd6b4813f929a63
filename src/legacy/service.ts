import { findActiveColorByLegacyId, listActiveFamiliesWithColors, type FamilyAndColor } from '../catalog/repository.ts';
import { catalogSwatchKey } from '../catalog/swatch-cards.ts';
import type { SwatchUploadRow } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { findSwatchUploadByKey } from '../swatches/repository.ts';

/**
 * Rules of the replaced system's API: which colour an id names, and which of our own stored
 * objects a swatch URL sent back by its front end points at.
 */

/** The colour a /generate names, as our family and colour slugs. */
export interface NamedColor {
  family: string;
  color: string;
}

/**
 * Its front end names a colour by a catalogue-wide color_id and sends the family it found it in
 * (or none, after a search by id). A known color_id wins whatever the family says; otherwise the
 * pair is read as our own family and colour slugs, as earlier clients of this API sent them.
 */
export async function resolveNamedColor(rt: Runtime, familyId: string | undefined, colorId: string): Promise<NamedColor> {
  const found = await findActiveColorByLegacyId(rt.db, colorId);
  if (found) return { family: found.family.slug, color: found.color.slug };
  if (familyId) return { family: familyId, color: colorId };
  throw new AppError(422, 'unknown_color', `Unknown colour "${colorId}": no colour in the catalogue has this color_id`, { field: 'color_id' });
}

export type ResolvedSwatch = { kind: 'upload'; upload: SwatchUploadRow } | ({ kind: 'color' } & FamilyAndColor);

/**
 * The stored object a swatch URL names, when it is one this server handed out: an /upload-swatch
 * answer, or a /catalog colour's swatch_url. Nothing is ever fetched: the replaced system's worker
 * downloaded whatever URL it was sent (an SSRF hole), we only look our own keys up.
 *
 * A URL is ours when it starts with the storage's public base (an S3/R2 bucket), with our
 * PUBLIC_BASE_URL or the host the request came to, followed by /files/<key>; or is /files/<key>.
 */
export async function resolveSwatchUrl(
  rt: Runtime,
  url: string,
  request: { host: string },
  prefer: { colorId?: string } = {},
): Promise<ResolvedSwatch | undefined> {
  const key = ourStorageKey(rt, url, request.host);
  if (!key) return undefined;
  const upload = await findSwatchUploadByKey(rt.db, key);
  if (upload) return { kind: 'upload', upload };
  // Catalogue swatches: a drawn card or a photographed tile, which several colours may share.
  const matches: FamilyAndColor[] = [];
  for (const { family, colors } of await listActiveFamiliesWithColors(rt.db)) {
    for (const color of colors) if (catalogSwatchKey(family, color) === key) matches.push({ family, color });
  }
  const chosen = matches.find((m) => m.color.legacy_id === prefer.colorId) ?? matches[0];
  return chosen ? { kind: 'color', ...chosen } : undefined;
}

function ourStorageKey(rt: Runtime, url: string, requestHost: string): string | undefined {
  if (typeof url !== 'string' || url.length > 2000) return undefined;
  const direct = rt.storage.keyFromUrl?.(url);
  if (direct) return direct;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username || parsed.password) return undefined;
  const ourHosts = new Set([requestHost.toLowerCase()]);
  if (rt.config.publicBaseUrl) ourHosts.add(new URL(rt.config.publicBaseUrl).host.toLowerCase());
  if (!ourHosts.has(parsed.host.toLowerCase())) return undefined;
  return parsed.pathname.startsWith('/files/') ? rt.storage.keyFromUrl?.(parsed.pathname) : undefined;
}

/**
 * The replaced system's admin page calls /admin/fabrics and friends, which it served without any
 * authentication. We do not reopen that hole: such calls get a JSON 401 that tells the person what
 * to use instead (a browser navigating to /admin/... still gets Atelier's console).
 */
export function replacedAdminApiRefusal(): AppError {
  return new AppError(
    401,
    'unauthenticated',
    "This is Atelier: the replaced system's admin API is not served here. Manage fabrics, colours and renders in Atelier's console at /admin (sign in there).",
    { console: '/admin' },
  );
}

/** A call to /admin/* that is not a browser asking for a page. */
export function isApiStyleRequest(method: string, accept: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD' ? true : !(accept ?? '').toLowerCase().includes('text/html');
}
