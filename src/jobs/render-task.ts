import type { JobHelpers, Task } from 'graphile-worker';
import sharp from 'sharp';
import type { Logger } from 'pino';
import type { StoredImage } from '../db/schema.ts';
import type { Engine, FabricSpec, SwatchTile } from '../engines/types.ts';
import { makeSwatchTile } from '../fabrics/index.ts';
import { renderFinished } from '../ops/metrics.ts';
import type { FabricDescriptor } from '../renders/service.ts';
import { publishRenderEvent } from '../renders/events.ts';
import { markAttemptFailed, markRunning, markSucceeded, setProgress } from '../renders/repository.ts';
import type { Runtime } from '../runtime.ts';
import { StorageFullError } from '../storage/types.ts';

export interface RenderJobPayload {
  renderId: string;
  requestId: string;
}

const CONTENT_TYPES = { jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif' } as const;
const EXTENSIONS = { jpeg: 'jpg', webp: 'webp', avif: 'avif' } as const;

/** Swatch tiles are expensive to make and small to keep: remember the last few by content hash. */
class SwatchTileCache {
  private readonly tiles = new Map<string, Promise<SwatchTile>>();
  constructor(private readonly max = 32) {}
  get(sha256: string, make: () => Promise<SwatchTile>): Promise<SwatchTile> {
    let tile = this.tiles.get(sha256);
    if (tile) {
      this.tiles.delete(sha256);
      this.tiles.set(sha256, tile);
      return tile;
    }
    tile = make();
    tile.catch(() => this.tiles.delete(sha256));
    this.tiles.set(sha256, tile);
    if (this.tiles.size > this.max) this.tiles.delete(this.tiles.keys().next().value!);
    return tile;
  }
}

/** A stored tile is already seamless: decode it as it is, without tiling it again. */
async function decodeTile(rt: Runtime, key: string, widthMm: number): Promise<SwatchTile> {
  const { data, info } = await sharp(await rt.storage.get(key)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, widthMm };
}

/** Messages shown to people: never a stack trace, never an internal path. */
function describeFailure(error: unknown): string {
  if (error instanceof StorageFullError) return 'The render could not be saved: the server has run out of storage space; it will be retried';
  if (error instanceof Error && error.name === 'AbortError') return 'The render was interrupted; it will be retried';
  if (error instanceof Error && /Input buffer|unsupported image|corrupt/i.test(error.message)) {
    return 'The fabric photo could not be read as an image';
  }
  return 'The render failed because of an internal error; it will be retried or you can try again';
}

export function createRenderTask(rt: Runtime, engines: Map<string, Engine>, currentWorkerId: () => string): Task {
  const tiles = new SwatchTileCache();

  return async (rawPayload: unknown, helpers: JobHelpers) => {
    const payload = rawPayload as RenderJobPayload;
    const log: Logger = rt.logger.child({ renderId: payload.renderId, requestId: payload.requestId, jobId: helpers.job.id, attempt: helpers.job.attempts });
    const started = performance.now();
    const render = await markRunning(rt.db, payload.renderId, currentWorkerId());
    if (!render) {
      log.info('render no longer wanted (canceled or finished); skipping');
      return;
    }
    log.info({ cut: render.cut_id, view: render.view, engine: render.engine }, 'render started');
    await publishRenderEvent(rt.pool, { id: render.id, status: 'running', progress: 0 });

    try {
      const engine = engines.get(render.engine);
      if (!engine) throw new Error(`engine ${render.engine} is not available on this worker`);
      const cut = await rt.db.selectFrom('cuts').select('slug').where('id', '=', render.cut_id).executeTakeFirstOrThrow();
      const { fabric: descriptor, formats, sizes } = render.params as {
        fabric: FabricDescriptor;
        formats?: Array<'webp' | 'avif'>;
        sizes?: Array<'full' | 'preview' | 'thumb'>;
      };
      const fabric: FabricSpec = { design: descriptor.design, hex: descriptor.hex, repeatMm: descriptor.repeatMm };
      if (descriptor.swatch) {
        const { key, sha256, widthMm } = descriptor.swatch;
        fabric.swatch = await tiles.get(`${sha256}:${widthMm}`, async () => (await makeSwatchTile(await rt.storage.get(key), { widthMm })).tile);
      } else if (descriptor.tile) {
        const { key, widthMm } = descriptor.tile;
        fabric.swatch = await tiles.get(key, () => decodeTile(rt, key, widthMm));
      }
      const view = await rt.db
        .selectFrom('cut_views')
        .select(['kind', 'base_key', 'mask_key', 'version'])
        .where('cut_id', '=', render.cut_id)
        .where('view', '=', render.view)
        .executeTakeFirst();
      const photoTemplate =
        view?.kind === 'photo'
          ? { base: await rt.storage.get(view.base_key!), mask: await rt.storage.get(view.mask_key!), version: view.version }
          : undefined;

      if (rt.config.worker.testRenderDelayMs) await new Promise((r) => setTimeout(r, rt.config.worker.testRenderDelayMs));
      let lastProgressAt = 0;
      const result = await engine.render({
        cut: cut.slug,
        view: render.view,
        fabric,
        watermark: rt.config.watermark,
        formats,
        sizes,
        photoTemplate,
        signal: helpers.abortSignal,
        onProgress: (progress) => {
          const now = performance.now();
          if (now - lastProgressAt < 100 || progress >= 1) return;
          lastProgressAt = now;
          void setProgress(rt.db, render.id, progress)
            .then(() => publishRenderEvent(rt.pool, { id: render.id, status: 'running', progress }))
            .catch(() => undefined);
        },
      });

      const images: StoredImage[] = [];
      for (const image of result.images) {
        const key = `renders/${render.id.slice(0, 2)}/${render.id}/${image.size}.${EXTENSIONS[image.format]}`;
        await rt.storage.put(key, image.data, CONTENT_TYPES[image.format]);
        images.push({ size: image.size, format: image.format, key, width: image.width, height: image.height, bytes: image.data.length });
      }
      const durationMs = Math.round(performance.now() - started);
      const done = await markSucceeded(rt.db, render.id, images, durationMs);
      if (!done) {
        // Canceled (or finished by another attempt) meanwhile: nothing references these files.
        await Promise.all(images.map((i) => rt.storage.delete(i.key).catch(() => undefined)));
        log.info('render canceled while running; output discarded');
        return;
      }
      renderFinished(render.engine, images.map((i) => i.size), durationMs, 'succeeded');
      await publishRenderEvent(rt.pool, { id: render.id, status: 'succeeded', progress: 1 });
      log.info({ durationMs, timings: result.timings }, 'render succeeded');
    } catch (error) {
      const final = helpers.job.attempts >= helpers.job.max_attempts;
      const message = describeFailure(error);
      log.error({ err: error, final }, 'render attempt failed');
      renderFinished(render.engine, (render.params as { sizes?: string[] }).sizes, performance.now() - started, 'failed');
      await markAttemptFailed(rt.db, render.id, final ? message.replace(/; it will be retried.*$/, '') : message, final);
      await publishRenderEvent(rt.pool, { id: render.id, status: final ? 'failed' : 'queued', progress: 0, error: message });
      // Let graphile-worker schedule the retry; after the last attempt the render row says 'failed'.
      if (!final) throw error;
    }
  };
}
