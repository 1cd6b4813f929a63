import { LRUCache } from 'lru-cache';
import type { Db } from '../db/database.ts';
import type { Account } from './roles.ts';

/**
 * Signed-in sessions remembered for a few moments, so that a tablet's colour taps do not each verify
 * a JWT and read the session row. Revocation stays prompt:
 * - on this replica, at once: sign-out, disabling, a role/store/password change forget the entries
 *   before their request answers (and a lookup that overlapped them is not kept: see `generation`);
 * - on other replicas, as soon as the NOTIFY of migration 0013's triggers arrives (milliseconds);
 * - while notifications cannot arrive (the listener is reconnecting) the memory is not used at all,
 *   and after it reconnects it is emptied;
 * - whatever happens, an entry is trusted at most SESSION_CACHE_MS (and never past the token's expiry).
 */
export interface SessionCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Whether invalidations from other processes are reaching this one now. */
  listening: () => boolean;
}

interface Entry {
  account: Account;
  /** Epoch ms after which the entry is not trusted. */
  until: number;
}

export class SessionCache {
  private readonly entries: LRUCache<string, Entry> | undefined;
  /** Bumped by every invalidation: a lookup begun before one must not store what it read. */
  private generation = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly options: SessionCacheOptions) {
    this.entries = options.ttlMs > 0 && options.maxEntries > 0 ? new LRUCache<string, Entry>({ max: options.maxEntries }) : undefined;
  }

  get enabled(): boolean {
    return !!this.entries && this.options.listening();
  }

  /** The account behind `token`, when remembered and still trusted. */
  get(token: string): Account | undefined {
    if (!this.entries || !this.options.listening()) return undefined;
    const entry = this.entries.get(token);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    if (Date.now() >= entry.until) {
      this.entries.delete(token);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.account;
  }

  /** Call before reading the session from the database; pass the ticket to `set`. */
  ticket(): number {
    return this.generation;
  }

  set(ticket: number, token: string, account: Account, tokenExpiresAt: number): void {
    if (!this.entries || ticket !== this.generation || !this.options.listening()) return;
    this.entries.set(token, { account, until: Math.min(Date.now() + this.options.ttlMs, tokenExpiresAt) });
  }

  forgetSession(sessionId: string): void {
    this.forget((a) => a.sessionId === sessionId);
  }

  forgetUser(userId: string): void {
    this.forget((a) => a.id === userId);
  }

  clear(): void {
    this.generation++;
    this.entries?.clear();
  }

  /** A notification from migration 0013's triggers: `session:<id>`, `user:<id>` or `all`. */
  onNotification(what: string): void {
    const [kind, id] = what.split(':');
    if (kind === 'session' && id) this.forgetSession(id);
    else if (kind === 'user' && id) this.forgetUser(id);
    else this.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  private forget(match: (a: Account) => boolean): void {
    this.generation++;
    if (!this.entries) return;
    for (const [token, entry] of this.entries.entries()) if (match(entry.account)) this.entries.delete(token);
  }
}

/**
 * The session memory of the process that owns `db` (the API server installs one at start; other
 * processes — the CLI, a worker — have none and always read the database). Keyed by the database
 * handle so that the account services, which only know `db`, can forget what they change.
 */
const caches = new WeakMap<Db, SessionCache>();

export function installSessionCache(db: Db, cache: SessionCache): SessionCache {
  caches.set(db, cache);
  return cache;
}

export function sessionCacheOf(db: Db): SessionCache | undefined {
  return caches.get(db);
}
