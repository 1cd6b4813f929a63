import { InvalidStorageKeyError } from './types.ts';

/** S3's own limit on key length (bytes of UTF-8). */
const MAX_KEY_BYTES = 1024;

/**
 * One rule for every driver, so a key that works locally also works on S3 and the other way round.
 * Segments starting with '.' are refused as well: the local driver keeps its temp files and
 * content-type sidecars under such names, so they can never collide with a real key.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidStorageKeyError(String(key), 'the key is empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new InvalidStorageKeyError(key, `longer than ${MAX_KEY_BYTES} bytes`);
  if (key.includes('..')) throw new InvalidStorageKeyError(key, "'..' is not allowed");
  if (key.startsWith('/')) throw new InvalidStorageKeyError(key, 'absolute paths are not allowed; keys are relative');
  if (key.includes('\\')) throw new InvalidStorageKeyError(key, "backslashes are not allowed; use '/' between segments");
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidStorageKeyError(key, 'control characters are not allowed');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidStorageKeyError(key, "empty segment ('//' or a leading or trailing '/')");
    if (segment.startsWith('.')) throw new InvalidStorageKeyError(key, `segment ${JSON.stringify(segment)} starts with '.'`);
  }
}

/** Percent-encodes each segment so any valid key is a valid URL path; ordinary keys come out unchanged. */
export function encodeKeyForUrl(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Whether a key passes assertValidKey, without throwing. */
export function isValidKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * The key behind a URL that starts with one of our URL prefixes ('https://cdn.example/', '/files/').
 * Query and fragment are ignored; anything that does not decode to a valid key is not ours.
 */
export function keyFromPrefixedUrl(url: string, prefixes: string[]): string | undefined {
  if (typeof url !== 'string') return undefined;
  const bare = url.replace(/[?#].*$/s, '');
  for (const prefix of prefixes) {
    if (!bare.startsWith(prefix)) continue;
    let key: string;
    try {
      key = bare.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      return undefined;
    }
    return isValidKey(key) ? key : undefined;
  }
  return undefined;
}
