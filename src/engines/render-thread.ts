import { parentPort, workerData } from 'node:worker_threads';
import { loadPhotoTemplate } from '../templates/index.ts';
import { createComposeEngine } from './compose/index.ts';
import type { RenderRequest } from './types.ts';

/**
 * One render thread: its own compose engine (templates and texture cache), fed by the pool in
 * render-pool.ts. Renders are CPU-bound; here they never stall the process's HTTP or heartbeats.
 */
const { textureCacheBytes, templateCacheDir } = workerData as { textureCacheBytes: number; templateCacheDir?: string };
const engine = createComposeEngine({ textureCacheBytes, templateCacheDir });
const running = new Map<number, AbortController>();
/** Photo templates this thread has loaded, by cut/view → version. */
const photoVersions = new Map<string, string>();

async function ensurePhotoTemplate(request: Omit<RenderRequest, 'onProgress' | 'signal'>): Promise<void> {
  const photo = request.photoTemplate;
  if (!photo) return;
  const key = `${request.cut}/${request.view}`;
  if (photoVersions.get(key) === photo.version) return;
  const template = await loadPhotoTemplate(Buffer.from(photo.base), Buffer.from(photo.mask), { cut: request.cut, view: request.view });
  engine.addTemplate(template);
  photoVersions.set(key, photo.version);
}

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
  ensurePhotoTemplate(message.request)
    .then(() => engine.render({
      ...message.request,
      photoTemplate: undefined,
      signal: controller.signal,
      onProgress: (progress) => port.postMessage({ type: 'progress', id: message.id, progress }),
    }))
    .then((result) => port.postMessage({ type: 'result', id: message.id, result }))
    .catch((error: Error) => port.postMessage({ type: 'error', id: message.id, error: { name: error.name, message: error.message } }))
    .finally(() => running.delete(message.id));
});
