import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import type { FabricColorRow, FabricFamilyRow } from '../db/schema.ts';
import type { FabricDesign } from '../engines/types.ts';
import { generateFabricTexture, TEXTURE_VERSION } from '../fabrics/index.ts';
import type { Runtime } from '../runtime.ts';
import { listActiveFamiliesWithColors } from './repository.ts';

/**
 * Swatch cards: the small picture of a catalogue colour that front ends show in their pickers.
 * A colour with a photographed tile shows that tile; a procedural colour gets a card drawn from its
 * weave and stored as a file, so that every catalogue image is a stored object (served under
 * /files/ with immutable caching, or straight from a public bucket) rather than a dynamic route.
 *
 * Card keys are content-addressed: the hash of everything that decides the card's pixels, so a
 * key's bytes never change and a changed colour gets a new key (and a new URL).
 */

/** Close-up scale of a swatch card: thread structure visible. */
export const SWATCH_CARD_PX_PER_MM = 8;
export const SWATCH_CARD_SIZE = 320;
/** Bump when the card's drawing changes without the texture generator's version changing. */
const CARD_VERSION = 'card1';

export interface CardSpec {
  design: FabricDesign;
  hex: string;
  repeatMm?: number;
}

export function cardSpec(family: FabricFamilyRow, color: FabricColorRow): CardSpec {
  return { design: family.design as FabricDesign, hex: color.hex, repeatMm: color.repeat_mm != null ? Number(color.repeat_mm) : undefined };
}

export function swatchCardKey(spec: CardSpec): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([CARD_VERSION, TEXTURE_VERSION, SWATCH_CARD_PX_PER_MM, SWATCH_CARD_SIZE, spec.design, spec.hex, spec.repeatMm ?? null]))
    .digest('hex');
  return `swatch-cards/${hash.slice(0, 2)}/${hash}.jpg`;
}

/** The stored object a catalogue colour is shown by: its photographed tile, or its drawn card. */
export function catalogSwatchKey(family: FabricFamilyRow, color: FabricColorRow): string {
  return color.swatch_key ?? swatchCardKey(cardSpec(family, color));
}

/** Draws a card's pixels (CPU-bound: ~0.1 s; run it on the card thread, not the event loop). */
export function drawSwatchCard(spec: CardSpec): { rgb: Uint8Array; width: number; height: number } {
  const texture = generateFabricTexture(spec, SWATCH_CARD_PX_PER_MM);
  const size = SWATCH_CARD_SIZE;
  // Tile the seamless texture to fill the card whatever its native size.
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const ty = y % texture.height;
    for (let x = 0; x < size; x++) {
      const s = (ty * texture.width + (x % texture.width)) * 3;
      const d = (y * size + x) * 3;
      rgb[d] = texture.rgb[s]!;
      rgb[d + 1] = texture.rgb[s + 1]!;
      rgb[d + 2] = texture.rgb[s + 2]!;
    }
  }
  return { rgb, width: size, height: size };
}

export interface SwatchCards {
  /** Makes sure each colour's card is stored; resolves once all are (failures are logged, not thrown). */
  ensure(items: Array<{ family: FabricFamilyRow; color: FabricColorRow }>): Promise<void>;
  /** Draws and stores the card behind a key if a catalogue colour has it and it is missing. */
  ensureKey(key: string): Promise<void>;
  /** Makes sure every active catalogue colour's card is stored (a server just started, the catalogue seeded). */
  ensureAll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Whether stored files reach clients only through our /files route. Then a card can be drawn when
 * first asked for; with a public bucket clients fetch from the bucket, so it must exist beforehand.
 */
export function filesServedByUs(rt: Runtime): boolean {
  return !(rt.config.storage.driver === 's3' && rt.config.storage.publicBaseUrl);
}

const byRuntime = new WeakMap<Runtime, SwatchCards>();

/** One card maker per runtime, shared by the catalogue routes of both APIs. */
export function swatchCards(rt: Runtime): SwatchCards {
  let cards = byRuntime.get(rt);
  if (!cards) {
    cards = createSwatchCards(rt);
    byRuntime.set(rt, cards);
  }
  return cards;
}

/** How long the card thread lives without work: cards are drawn in bursts (a catalogue's first load). */
const THREAD_IDLE_MS = 10_000;

interface QueuedCard {
  key: string;
  spec: CardSpec;
  resolve: (rgb: Uint8Array) => void;
  reject: (error: Error) => void;
}

function createSwatchCards(rt: Runtime): SwatchCards {
  /** Keys known to be stored: a card never changes, so once seen it need not be checked again. */
  const stored = new Set<string>();
  const inFlight = new Map<string, Promise<void>>();
  /**
   * Cards wait here, not in the thread's message queue, so that one a client is waiting for
   * (ensureKey) is drawn before the rest of a catalogue being drawn in the background.
   */
  const queue: QueuedCard[] = [];
  /** Keys a client is waiting for. */
  const urgent = new Set<string>();
  let thread: { worker: Worker; current?: QueuedCard } | undefined;
  let idleTimer: NodeJS.Timeout | undefined;

  function startThread() {
    const worker = new Worker(new URL('./swatch-card-thread.mjs', import.meta.url));
    const t: { worker: Worker; current?: QueuedCard } = { worker };
    worker.on('message', (m: { rgb?: Uint8Array; error?: string }) => {
      const job = t.current;
      t.current = undefined;
      if (m.rgb) job?.resolve(m.rgb);
      else job?.reject(new Error(m.error ?? 'The swatch card could not be drawn'));
      pump();
    });
    worker.on('error', (error) => {
      t.current?.reject(error);
      t.current = undefined;
      if (thread === t) thread = undefined;
      pump();
    });
    // The thread must never keep a process alive by itself (a CLI, a test's last tick).
    worker.unref();
    return t;
  }

  function pump() {
    if (thread?.current) return;
    const next = queue.shift();
    if (!next) {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => void stopThread(), THREAD_IDLE_MS);
      idleTimer.unref();
      return;
    }
    if (idleTimer) clearTimeout(idleTimer);
    thread ??= startThread();
    thread.current = next;
    thread.worker.postMessage({ spec: next.spec });
  }

  function stopThread() {
    const t = thread;
    thread = undefined;
    if (!t) return Promise.resolve();
    t.current?.reject(new Error('The swatch card thread stopped'));
    return t.worker.terminate().then(() => undefined);
  }

  function draw(key: string, spec: CardSpec): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const card = { key, spec, resolve, reject };
      if (urgent.has(key)) queue.unshift(card);
      else queue.push(card);
      pump();
    });
  }

  async function make(key: string, spec: CardSpec): Promise<void> {
    if (!(await rt.storage.exists(key))) {
      const rgb = await draw(key, spec);
      const jpeg = await sharp(rgb, { raw: { width: SWATCH_CARD_SIZE, height: SWATCH_CARD_SIZE, channels: 3 } })
        .jpeg({ quality: 88 })
        .toBuffer();
      await rt.storage.put(key, jpeg, 'image/jpeg');
    }
    stored.add(key);
  }

  const cards: SwatchCards = {
    async ensureKey(key) {
      if (stored.has(key)) return;
      urgent.add(key);
      try {
        const running = inFlight.get(key);
        if (running) {
          // Someone is waiting for this one: draw it next.
          const i = queue.findIndex((q) => q.key === key);
          if (i > 0) queue.unshift(...queue.splice(i, 1));
          return await running;
        }
        const items = (await listActiveFamiliesWithColors(rt.db)).flatMap(({ family, colors }) =>
          colors.filter((color) => !color.swatch_key && swatchCardKey(cardSpec(family, color)) === key).map((color) => ({ family, color })),
        );
        await cards.ensure(items.slice(0, 1));
      } finally {
        urgent.delete(key);
      }
    },
    async ensure(items) {
      const jobs: Promise<void>[] = [];
      for (const { family, color } of items) {
        if (color.swatch_key) continue;
        const spec = cardSpec(family, color);
        const key = swatchCardKey(spec);
        if (stored.has(key)) continue;
        let job = inFlight.get(key);
        if (!job) {
          job = make(key, spec)
            .catch((error: Error) => rt.logger.error({ err: error, family: family.slug, color: color.slug }, 'swatch card could not be made'))
            .finally(() => inFlight.delete(key));
          inFlight.set(key, job);
        }
        jobs.push(job);
      }
      await Promise.all(jobs);
    },
    async ensureAll() {
      const families = await listActiveFamiliesWithColors(rt.db);
      await cards.ensure(families.flatMap(({ family, colors }) => colors.map((color) => ({ family, color }))));
    },
    async close() {
      if (idleTimer) clearTimeout(idleTimer);
      for (const q of queue.splice(0)) q.reject(new Error('The swatch card maker closed'));
      await stopThread();
    },
  };
  return cards;
}
