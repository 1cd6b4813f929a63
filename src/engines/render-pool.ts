import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Engine, EncodedImage, RenderRequest, RenderResult } from './types.ts';

interface Pending {
  request: RenderRequest;
  resolve: (result: RenderResult) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  busy: number;
  ready: Promise<void>;
  warmed?: () => void;
}

/**
 * Runs an engine's renders on worker threads. Same Engine interface; the metadata (views, version)
 * comes from an in-process instance, the pixels from the threads.
 */
export function createRenderPool(
  local: Engine,
  options: { threads: number; textureCacheBytes: number; templateCacheDir?: string; logger?: Logger },
): Engine & { warm(): Promise<void>; close(): Promise<void> } {
  const pending = new Map<number, Pending>();
  const owner = new Map<number, Thread>();
  let nextId = 1;
  let closing = false;

  function spawn(): Thread {
    const worker = new Worker(new URL('./render-thread.mjs', import.meta.url), {
      workerData: { textureCacheBytes: options.textureCacheBytes, templateCacheDir: options.templateCacheDir },
    });
    let markReady!: () => void;
    let failStart!: (error: Error) => void;
    let started = false;
    const thread: Thread = {
      worker,
      busy: 0,
      ready: new Promise<void>((resolve, reject) => {
        markReady = () => {
          started = true;
          resolve();
        };
        failStart = reject;
      }),
    };
    worker.on('message', (message: any) => {
      if (message.type === 'ready') {
        markReady();
        return;
      }
      if (message.type === 'warmed') {
        if (message.warning) options.logger?.warn({ warning: message.warning }, 'render thread could not pre-load every template');
        thread.warmed?.();
        return;
      }
      const job = pending.get(message.id);
      if (!job) return;
      if (message.type === 'progress') {
        job.request.onProgress?.(message.progress);
        return;
      }
      pending.delete(message.id);
      owner.delete(message.id);
      thread.busy--;
      if (message.type === 'result') {
        const result = message.result as RenderResult;
        // Buffers arrive as plain Uint8Arrays after crossing the thread boundary.
        const images: EncodedImage[] = result.images.map((i) => ({ ...i, data: Buffer.from(i.data.buffer, i.data.byteOffset, i.data.byteLength) }));
        job.resolve({ ...result, images });
      } else {
        const error = new Error(message.error.message);
        error.name = message.error.name;
        job.reject(error);
      }
    });
    worker.on('error', (error) => {
      options.logger?.error({ err: error }, 'render thread crashed');
      if (!started) failStart(error);
    });
    worker.on('exit', (code) => {
      // Fail what the thread held and replace it, so one crash never stalls the queue.
      for (const [id, t] of owner) {
        if (t !== thread) continue;
        pending.get(id)?.reject(new Error(`render thread exited with code ${code}`));
        pending.delete(id);
        owner.delete(id);
      }
      const index = threads.indexOf(thread);
      if (index >= 0) threads.splice(index, 1);
      // Replace a thread that died while working; one that never started would only die again.
      if (!closing && started) threads.push(spawn());
      else if (!started) failStart(new Error(`render thread exited with code ${code} before it was ready`));
    });
    return thread;
  }

  const threads: Thread[] = Array.from({ length: Math.max(1, options.threads) }, spawn);

  return {
    name: local.name,
    version: local.version,
    views: () => local.views(),
    /**
     * Loads every template in every thread. One thread first: it builds what the disk cache lacks,
     * and the others then read it instead of building the same views at the same time.
     */
    async warm() {
      await Promise.all(threads.map((t) => t.ready));
      const warmOne = (t: Thread) =>
        new Promise<void>((resolve) => {
          t.warmed = resolve;
          t.worker.postMessage({ type: 'warm' });
        });
      const [first, ...rest] = threads;
      if (first) await warmOne(first);
      await Promise.all(rest.map(warmOne));
    },
    render(request: RenderRequest): Promise<RenderResult> {
      if (closing) return Promise.reject(new Error('the render pool is closed'));
      const thread = threads.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      thread.busy++;
      owner.set(id, thread);
      const { onProgress: _p, signal, ...plain } = request;
      // The signal may be shared by many renders (a worker's shutdown signal): detach when done.
      const onAbort = () => thread.worker.postMessage({ type: 'abort', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      return new Promise<RenderResult>((resolve, reject) => {
        pending.set(id, { request, resolve, reject });
        thread.worker.postMessage({ type: 'render', id, request: plain });
      }).finally(() => signal?.removeEventListener('abort', onAbort));
    },
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
