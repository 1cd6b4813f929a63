import type { SavedLook } from '../api/types.ts';

/**
 * Looks this device saved. The API deliberately has no list of looks (a share token is the only key
 * to a look), so the associate's tablet remembers its own.
 */
export interface RememberedLook extends SavedLook {
  renderCount: number;
  thumbUrl?: string;
}

const KEY = 'atelier.looks';

export function loadLooks(): RememberedLook[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as RememberedLook[]).filter((l) => typeof l?.token === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberLook(look: RememberedLook): RememberedLook[] {
  const next = [look, ...loadLooks().filter((l) => l.token !== look.token)].slice(0, 100);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage full or private mode: the look is saved on the server all the same
  }
  return next;
}

export function forgetLook(token: string): RememberedLook[] {
  const next = loadLooks().filter((l) => l.token !== token);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // ignore
  }
  return next;
}

export const shareUrl = (path: string) => new URL(path, window.location.origin).toString();
