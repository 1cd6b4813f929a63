import { ByteCache } from '../cache.ts';
import type { Db } from '../db/database.ts';
import type { EncodedImage } from '../engines/types.ts';
import type { Runtime } from '../runtime.ts';
import type { RenderView } from './repository.ts';

/**
 * The live preview's memory, per process: an order's signature → its cache keys (resolving an order
 * takes four catalogue reads), and → the finished renders that answer it (so a colour tapped again
 * is answered without touching the database). Both are bounded by bytes (PREVIEW_MEMORY_MB) and
 * forgotten:
 * - whenever the catalogue changes (the catalogue triggers' NOTIFY; the console's own changes at once);
 * - whenever finished renders are removed (migration 0013's trigger; a purge on this replica at once);
 * - while notifications cannot arrive (the memory is not used), and when they resume (emptied).
 * Finished renders never change otherwise: their cache key is the hash of what their pixels are.
 */
export class PreviewMemo {
  private readonly plans: ByteCache<string[]>;
  private readonly answers: ByteCache<RenderView[]>;
  /** Catalogue rows an order is resolved with (a family and colour, a cut and its views). */
  private readonly lookups: ByteCache<{ value: unknown }>;
  /**
   * The images of previews this replica drew, by render id: another tablet tapping the same colour
   * gets them inside the answer, as the tablet that drew them did, instead of a second request.
   */
  private readonly images: ByteCache<EncodedImage[]>;
  /** Bumped by every invalidation: an answer read before one must not be kept. */
  private generation = 0;

  constructor(
    maxBytes: number,
    private readonly listening: () => boolean,
    private readonly imageBytes = 0,
  ) {
    this.images = new ByteCache<EncodedImage[]>({ maxBytes: imageBytes, sizeOf: (list) => 128 + list.reduce((n, i) => n + i.data.length, 0) });
    // Plans are small and cheap to keep; answers (rows with their images' keys) take the most.
    this.plans = new ByteCache<string[]>({ maxBytes: maxBytes / 4, sizeOf: (keys) => 64 + keys.length * 80 });
    this.answers = new ByteCache<RenderView[]>({ maxBytes: maxBytes / 2, sizeOf: (views) => 256 + views.reduce((n, v) => n + JSON.stringify(v).length, 0) });
    this.lookups = new ByteCache<{ value: unknown }>({ maxBytes: maxBytes / 4, sizeOf: () => 4096 });
  }

  plan(signature: string): string[] | undefined {
    return this.listening() ? this.plans.get(signature) : undefined;
  }

  answer(signature: string): RenderView[] | undefined {
    return this.listening() ? this.answers.get(signature) : undefined;
  }

  /** The images of a render this replica drew, while they are remembered. */
  imagesOf(renderId: string): EncodedImage[] | undefined {
    return this.listening() ? this.images.get(renderId) : undefined;
  }

  /** Keeps the images of a finished render this replica drew (renders never change; removal forgets them). */
  rememberImages(renderId: string, images: EncodedImage[]): void {
    if (this.imagesOn && this.listening()) this.images.set(renderId, images);
  }

  private get imagesOn(): boolean {
    return this.imageBytes > 0;
  }

  /** Call before reading from the database; pass the ticket to `remember`. */
  ticket(): number {
    return this.generation;
  }

  rememberPlan(ticket: number, signature: string, cacheKeys: string[]): void {
    if (ticket === this.generation && this.listening()) this.plans.set(signature, cacheKeys);
  }

  /** Keeps the answer of a signature when every render in it is finished. */
  rememberAnswer(ticket: number, signature: string, views: RenderView[]): void {
    if (ticket !== this.generation || !this.listening()) return;
    if (views.length && views.every((v) => v.status === 'succeeded')) this.answers.set(signature, views);
  }

  /**
   * Catalogue rows read once and kept until the catalogue changes: a fresh colour on a cut already
   * shown needs neither the cut nor its views read again. A failed or empty read is not kept.
   */
  async lookup<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (!this.listening()) return read();
    const hit = this.lookups.get(key);
    if (hit) return hit.value as T;
    const ticket = this.generation;
    const value = await read();
    if (value !== undefined && ticket === this.generation && this.listening()) this.lookups.set(key, { value });
    return value;
  }

  /** The catalogue changed: plans, answers and catalogue rows may all be wrong. */
  clear(): void {
    this.generation++;
    this.plans.clear();
    this.answers.clear();
    this.lookups.clear();
  }

  /** Renders were removed: the plans (cache keys) are still right, the answers may not be. */
  forgetAnswers(): void {
    this.generation++;
    this.answers.clear();
    this.images.clear();
  }

  stats() {
    return { plans: this.plans.stats(), answers: this.answers.stats() };
  }
}

const memos = new WeakMap<Db, PreviewMemo>();

/** The preview memory of this runtime's process, made (and subscribed to its notifications) on first use. */
export function previewMemo(rt: Pick<Runtime, 'db' | 'events' | 'config'>): PreviewMemo {
  let memo = memos.get(rt.db);
  if (!memo) {
    const made = new PreviewMemo(rt.config.rendering.previewMemoryBytes, () => rt.events.listening, rt.config.rendering.previewImageMemoryBytes);
    rt.events.onCatalogChange(() => made.clear());
    rt.events.onRendersRemoved(() => made.forgetAnswers());
    memos.set(rt.db, made);
    memo = made;
  }
  return memo;
}

/**
 * Renders were removed through `db` (a purge): this process forgets its finished previews now, before
 * the NOTIFY that tells every process comes back.
 */
export function forgetFinishedPreviews(db: Db): void {
  memos.get(db)?.forgetAnswers();
}

/** The catalogue changed through this process (the console): forget plans and answers now. */
export function forgetPreviewPlans(db: Db): void {
  memos.get(db)?.clear();
}
