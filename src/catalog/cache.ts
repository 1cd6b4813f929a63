import { createHash } from 'node:crypto';

/**
 * A response body computed once and served from memory until the catalogue changes: the public
 * catalogue is read on every tablet's start and changes a few times a day. Invalidation comes from
 * NOTIFY (any replica, any writer), so a change made on one replica shows on all at once.
 */
export interface CachedBody {
  body: Buffer;
  /** Strong validator: the body's hash, so equal bodies on different replicas share it. */
  etag: string;
}

export class CachedResponse {
  private value?: CachedBody;
  private pending?: Promise<CachedBody>;
  /** Bumped by each invalidation; a computation that started before one is not kept. */
  private generation = 0;

  constructor(private readonly compute: () => Promise<unknown>) {}

  async get(): Promise<CachedBody> {
    if (this.value) return this.value;
    // One computation at a time: a burst of cold requests costs one set of queries.
    if (!this.pending) {
      const generation = this.generation;
      this.pending = this.compute()
        .then((data) => {
          const body = Buffer.from(JSON.stringify(data));
          const value = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
          if (generation === this.generation) this.value = value;
          return value;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }

  invalidate(): void {
    this.generation++;
    this.value = undefined;
    this.pending = undefined;
  }
}

/** Whether an If-None-Match header names this ETag (a list, weak forms and '*' included). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** The catalogue's cached reads for one process, dropped together whenever the catalogue changes. */
export class CatalogCache {
  private readonly entries = new Set<{ invalidate(): void }>();
  private readonly memo = new Map<string, unknown>();

  constructor(subscribe: (listener: () => void) => () => void) {
    subscribe(() => this.invalidate());
  }

  /** A cached JSON response under `name`, computed by `compute` (the same name gives the same entry). */
  response(name: string, compute: () => Promise<unknown>): CachedResponse {
    let entry = this.memo.get(`response:${name}`) as CachedResponse | undefined;
    if (!entry) {
      entry = new CachedResponse(compute);
      this.memo.set(`response:${name}`, entry);
      this.entries.add(entry);
    }
    return entry;
  }

  /** A cached value (not a body): rows that several routes shape differently. */
  value<T>(name: string, compute: () => Promise<T>): () => Promise<T> {
    let entry = this.memo.get(`value:${name}`) as { get(): Promise<T>; invalidate(): void } | undefined;
    if (!entry) {
      let current: Promise<T> | undefined;
      let generation = 0;
      entry = {
        get() {
          if (!current) {
            const started = generation;
            const p = compute();
            current = p;
            // A failure (the database was down) must not be kept.
            p.catch(() => {
              if (current === p && started === generation) current = undefined;
            });
          }
          return current;
        },
        invalidate() {
          generation++;
          current = undefined;
        },
      };
      this.memo.set(`value:${name}`, entry);
      this.entries.add(entry);
    }
    return () => entry.get();
  }

  invalidate(): void {
    for (const entry of this.entries) entry.invalidate();
  }
}
