import { parentPort, workerData } from 'node:worker_threads';
import { createComposeEngine } from './compose/index.ts';
import type { RenderRequest } from './types.ts';

/**
 * One render thread: its own compose engine (templates and texture cache), fed by the pool in
 * render-pool.ts. Renders are CPU-bound; here they never stall the process's HTTP or heartbeats.
 */
const { textureCacheBytes, templateCacheDir } = workerData as { textureCacheBytes: number; templateCacheDir?: string };
const engine = createComposeEngine({ textureCacheBytes, templateCacheDir });
const running = new Map<number, AbortController>();

type Message =
  | { type: 'render'; id: number; request: Omit<RenderRequest, 'onProgress' | 'signal'> }
  | { type: 'abort'; id: number }
  | { type: 'warm' };

const port = parentPort!;
port.postMessage({ type: 'ready' });

port.on('message', (message: Message) => {
  if (message.type === 'warm') {
    engine
      .warm()
      .then(() => port.postMessage({ type: 'warmed' }))
      .catch((error: Error) => port.postMessage({ type: 'warmed', warning: error.message }));
    return;
  }
  if (message.type === 'abort') {
    running.get(message.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  engine
    .render({
      ...message.request,
      signal: controller.signal,
      onProgress: (progress) => port.postMessage({ type: 'progress', id: message.id, progress }),
    })
    .then((result) => port.postMessage({ type: 'result', id: message.id, result }))
    .catch((error: Error) => port.postMessage({ type: 'error', id: message.id, error: { name: error.name, message: error.message } }))
    .finally(() => running.delete(message.id));
});
