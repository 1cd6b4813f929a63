import { InvalidStorageKeyError } from './types.ts';

/** S3's own limit on key length (bytes of UTF-8). */
const MAX_KEY_BYTES = 1024;

/**
 * One rule for every driver, so a key that works locally also works on S3 and the other way round.
 * Segments starting with '.' are refused as well: the local driver keeps its temp files and
 * content-type sidecars under such names, so they can never collide with a real key.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new InvalidStorageKeyError(String(key), problem);
}

/** Why no stored object can have this key (in words), or undefined when it is a valid key. */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'the key is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.includes('..')) return "'..' is not allowed";
  if (key.startsWith('/')) return 'absolute paths are not allowed; keys are relative';
  if (key.includes('\\')) return "backslashes are not allowed; use '/' between segments";
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'control characters are not allowed';
  for (const segment of key.split('/')) {
    if (segment === '') return "empty segment ('//' or a leading or trailing '/')";
    if (segment.startsWith('.')) return `segment ${JSON.stringify(segment)} starts with '.'`;
  }
  return undefined;
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
  return keyProblem(key) === undefined;
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
