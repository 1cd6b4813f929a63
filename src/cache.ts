/**
 * The project's one in-memory cache: least-recently-used and bounded by bytes (lru-cache), for
 * textures, swatch tiles, templates and watermark stamps alike. Async values are made once however
 * many callers ask at the same time; a value larger than the whole budget is returned but not kept.
 */
import { LRUCache } from 'lru-cache';

export interface ByteCacheOptions<V> {
  /** Upper bound of the sum of `sizeOf` over the entries kept. */
  maxBytes: number;
  /** Bytes a value holds (its pixel buffers, mostly). */
  sizeOf: (value: V) => number;
}

export interface ByteCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

export class ByteCache<V extends {}> {
  private readonly lru: LRUCache<string, V>;
  private readonly making = new Map<string, Promise<V>>();
  private readonly maxBytes: number;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(private readonly options: ByteCacheOptions<V>) {
    if (!(options.maxBytes >= 0)) throw new Error('maxBytes must be ≥ 0');
    this.maxBytes = Math.max(1, Math.floor(options.maxBytes));
    this.lru = new LRUCache<string, V>({
      maxSize: this.maxBytes,
      sizeCalculation: (v) => Math.max(1, Math.ceil(options.sizeOf(v))),
      dispose: (_v, _k, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  get(key: string): V | undefined {
    const v = this.lru.get(key);
    if (v === undefined) this.misses++;
    else this.hits++;
    return v;
  }

  has(key: string): boolean {
    return this.lru.has(key);
  }

  set(key: string, value: V): V {
    if (this.options.maxBytes > 0 && this.options.sizeOf(value) <= this.maxBytes) this.lru.set(key, value);
    return value;
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  /** The value for `key`, made (synchronously) and kept on a miss. */
  getOrMake(key: string, make: () => V): V {
    const hit = this.get(key);
    return hit !== undefined ? hit : this.set(key, make());
  }

  /** The value for `key`, made once on a miss even when many ask at once; a failure is not kept. */
  getOrMakeAsync(key: string, make: () => Promise<V>): Promise<V> {
    const hit = this.lru.get(key);
    if (hit !== undefined) {
      this.hits++;
      return Promise.resolve(hit);
    }
    const inFlight = this.making.get(key);
    if (inFlight) return inFlight;
    this.misses++;
    const p = make()
      .then((v) => this.set(key, v))
      .finally(() => this.making.delete(key));
    this.making.set(key, p);
    return p;
  }

  stats(): ByteCacheStats {
    return {
      entries: this.lru.size,
      bytes: this.lru.calculatedSize,
      maxBytes: this.options.maxBytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }
}
