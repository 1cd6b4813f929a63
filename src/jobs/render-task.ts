import type { JobHelpers, Task } from 'graphile-worker';
import type { Logger } from 'pino';
import { renderFinished } from '../ops/metrics.ts';
import { publishRenderEvent } from '../renders/events.ts';
import { markAttemptFailed, markRunning, markSucceeded, setProgress } from '../renders/repository.ts';
import { renderJobFor, renderKeyPrefix } from '../rendering/jobs.ts';
import type { Runtime } from '../runtime.ts';
import { StorageFullError } from '../storage/types.ts';
import { progressWriter } from './progress-writer.ts';
import { ComfyError } from '../engines/comfyui/client.ts';

export interface RenderJobPayload {
  renderId: string;
  requestId: string;
}

/** Messages shown to people: never a stack trace, never an internal path. */
export function describeFailure(error: unknown): string {
  if (error instanceof ComfyError) {
    // The server's address is ours to know (logs, admin health), not the stylist's.
    const what = error.message.replace(/ at https?:\/\/\S+/g, '');
    return `Photoreal rendering failed: ${what}${error.retryElsewhere ? '; it will be retried' : ''}`;
  }
  if (error instanceof StorageFullError) return 'The render could not be saved: the server has run out of storage space; it will be retried';
  if (error instanceof Error && error.name === 'AbortError') return 'The render was interrupted; it will be retried';
  if (error instanceof Error && /Input buffer|unsupported image|corrupt/i.test(error.message)) {
    return 'The fabric photo could not be read as an image';
  }
  return 'The render failed because of an internal error; it will be retried or you can try again';
}

/**
 * The queue's render task: claims the render for one attempt, renders through the render service,
 * stores under that attempt's own keys and finishes the render only if the attempt is still its
 * current one. A worker paused past WORKER_DEAD_AFTER_MS (its job re-run elsewhere meanwhile) can
 * therefore neither overwrite nor delete the other attempt's files, nor finish the render.
 */
export function createRenderTask(rt: Runtime, currentWorkerId: () => string): Task {
  return async (rawPayload: unknown, helpers: JobHelpers) => {
    const payload = rawPayload as RenderJobPayload;
    const log: Logger = rt.logger.child({ renderId: payload.renderId, requestId: payload.requestId, jobId: helpers.job.id, attempt: helpers.job.attempts });
    const started = performance.now();
    const render = await markRunning(rt.db, payload.renderId, currentWorkerId());
    if (!render) {
      log.info('render no longer wanted (canceled or finished); skipping');
      return;
    }
    const attempt = render.attempts;
    log.info({ cut: render.cut_id, view: render.view, engine: render.engine, renderAttempt: attempt }, 'render started');
    await publishRenderEvent(rt.pool, { id: render.id, status: 'running', progress: 0 });

    let keys: string[] = [];
    // Canceled by an admin while it runs: stop the work (a GPU server interrupts and drops the prompt).
    const canceled = new AbortController();
    const unsubscribe = rt.events.subscribe(render.id, (event) => {
      if (event.status === 'canceled') canceled.abort();
    });
    const signal = helpers.abortSignal ? AbortSignal.any([helpers.abortSignal, canceled.signal]) : canceled.signal;
    const progress = progressWriter(async (value) => {
      await setProgress(rt.db, render.id, attempt, value);
      await publishRenderEvent(rt.pool, { id: render.id, status: 'running', progress: value });
    }, 100);
    try {
      const job = await renderJobFor(rt, render);
      if (rt.config.worker.testRenderDelayMs) await new Promise((r) => setTimeout(r, rt.config.worker.testRenderDelayMs));
      const result = await rt.rendering.render({ ...job, signal, onProgress: progress.report });
      await progress.stop();
      const images = await rt.rendering.store(result.images, renderKeyPrefix(render, attempt));
      keys = images.map((i) => i.key);
      const durationMs = Math.round(performance.now() - started);
      const done = await markSucceeded(rt.db, render.id, attempt, images, durationMs, result.details);
      if (!done) {
        // Canceled, or finished by a newer attempt meanwhile: these keys are this attempt's alone.
        await Promise.all(keys.map((k) => rt.storage.delete(k).catch(() => undefined)));
        log.warn({ renderAttempt: attempt }, "render canceled or taken over by another attempt while running; this attempt's output discarded");
        return;
      }
      renderFinished(
        render.engine,
        images.map((i) => i.size),
        durationMs,
        'succeeded',
      );
      await publishRenderEvent(rt.pool, { id: render.id, status: 'succeeded', progress: 1 });
      log.info({ durationMs, timings: result.timings }, 'render succeeded');
    } catch (error) {
      // A workflow the GPU server refused or failed fails the same way every time: no retry.
      const final = helpers.job.attempts >= helpers.job.max_attempts || (error instanceof ComfyError && !error.retryElsewhere);
      await progress.stop();
      const message = describeFailure(error);
      log.error({ err: error, final }, 'render attempt failed');
      renderFinished(render.engine, (render.params as { sizes?: string[] }).sizes, performance.now() - started, 'failed');
      await Promise.all(keys.map((k) => rt.storage.delete(k).catch(() => undefined)));
      const current = await markAttemptFailed(rt.db, render.id, attempt, final ? message.replace(/; it will be retried.*$/, '') : message, final);
      if (!current) {
        log.warn({ renderAttempt: attempt }, "render taken over by another attempt; this attempt's failure is not recorded");
        return;
      }
      await publishRenderEvent(rt.pool, { id: render.id, status: final ? 'failed' : 'queued', progress: 0, error: message });
      // Let graphile-worker schedule the retry; after the last attempt the render row says 'failed'.
      if (!final) throw error;
    } finally {
      unsubscribe();
    }
  };
}
