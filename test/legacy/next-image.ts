/**
 * The image allow-list of the replaced Next.js front end (`images.remotePatterns` in its
 * next.config.ts): its <Image> optimizer refuses any other URL, and the picture stays broken.
 */
export interface RemotePattern {
  protocol?: 'http' | 'https';
  hostname: string;
  port?: string;
  pathname?: string;
}

export const REPLACED_FRONT_END_IMAGE_PATTERNS: RemotePattern[] = [
  { protocol: 'http', hostname: 'localhost', port: '8000', pathname: '/files/**' },
  { protocol: 'http', hostname: '127.0.0.1', port: '8000', pathname: '/files/**' },
  { protocol: 'https', hostname: '*.r2.dev' },
  { protocol: 'https', hostname: '*.railway.app' },
  { protocol: 'https', hostname: '*.proxy.runpod.net' },
];

/** Next's glob rules: '*' is one hostname label or path segment, '**' any number of them. */
function globToRegExp(glob: string, separator: '.' | '/'): RegExp {
  const sep = separator === '.' ? '\\.' : '/';
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (ch === '*') {
      out += `[^${sep}]+`;
    } else {
      out += ch.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/** Mirrors next/dist/shared/lib/match-remote-pattern: protocol, hostname, port (when given), pathname. */
export function matchesRemotePattern(pattern: RemotePattern, url: string): boolean {
  const u = new URL(url);
  if (pattern.protocol !== undefined && `${pattern.protocol}:` !== u.protocol) return false;
  if (pattern.port !== undefined && pattern.port !== u.port) return false;
  if (!globToRegExp(pattern.hostname, '.').test(u.hostname)) return false;
  return globToRegExp(pattern.pathname ?? '**', '/').test(u.pathname);
}

export function allowedByReplacedFrontEnd(url: string): boolean {
  return REPLACED_FRONT_END_IMAGE_PATTERNS.some((p) => matchesRemotePattern(p, url));
}
