import { api, isAbort } from './client.ts';
import { isTerminal, type Render } from './types.ts';

export interface RenderUpdate {
  id: string;
  status: Render['status'];
  progress: number;
  error?: string | null;
  /** The full render, when the update carried it (SSE `status` events and polls do). */
  render?: Render;
}

export interface WatchOptions {
  signal?: AbortSignal;
  onUpdate?: (update: RenderUpdate) => void;
  /** Skip the event stream (tests, or a browser without EventSource). */
  polling?: boolean;
  /** Called once when the stream broke and polling took over. */
  onFallback?: () => void;
  pollIntervalMs?: number;
}

/**
 * Follows a render until it ends: the server-sent events of `/api/renders/:id/events`, and, when the
 * stream breaks before the end, polling `GET /api/renders/:id` instead. Resolves with the final render.
 */
export function watchRender(id: string, options: WatchOptions = {}): Promise<Render> {
  const { signal, onUpdate } = options;
  return new Promise<Render>((resolve, reject) => {
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;

    const cleanup = () => {
      settled = true;
      source?.close();
      source = undefined;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const finish = (render: Render) => {
      if (settled) return;
      cleanup();
      resolve(render);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      cleanup();
      reject(error);
    };
    function onAbort() {
      fail(new DOMException('Stopped watching the render', 'AbortError'));
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);

    const poll = (delay: number, failures = 0) => {
      timer = setTimeout(async () => {
        if (settled) return;
        try {
          const render = await api.render(id, signal);
          if (settled) return;
          onUpdate?.({ id, status: render.status, progress: render.progress, error: render.error, render });
          if (isTerminal(render.status)) return finish(render);
          poll(Math.min(delay * 1.5, 1500));
        } catch (error) {
          if (isAbort(error)) return;
          // The API may be briefly unreachable: keep trying, the banner tells the person.
          if (failures > 40) return fail(error);
          poll(Math.min(delay * 2, 3000), failures + 1);
        }
      }, delay);
    };

    if (options.polling || typeof EventSource === 'undefined') {
      poll(0);
      return;
    }

    source = new EventSource(`/api/renders/${encodeURIComponent(id)}/events`);
    source.addEventListener('progress', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as RenderUpdate;
      onUpdate?.({ id, status: data.status, progress: data.progress, error: data.error });
    });
    source.addEventListener('status', (event) => {
      const render = JSON.parse((event as MessageEvent<string>).data) as Render;
      onUpdate?.({ id, status: render.status, progress: render.progress, error: render.error, render });
      if (isTerminal(render.status)) finish(render);
    });
    source.onerror = () => {
      if (settled) return;
      // The stream broke before the render ended: poll instead (EventSource would retry forever).
      source?.close();
      source = undefined;
      options.onFallback?.();
      poll(0);
    };
  });
}
