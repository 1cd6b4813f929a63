/**
 * A client for one ComfyUI server, over its own API: inputs uploaded with POST /upload/image, the
 * workflow queued with POST /prompt under our client id, progress followed on WebSocket /ws?clientId=,
 * the outputs read from GET /history/{id} and GET /view. Every stage has its own timeout; requests that
 * fail to connect are retried with backoff; a socket that drops is reopened and the prompt looked up
 * again, so a restarted server (its queue and history gone) is noticed, never waited on forever.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ZodType } from 'zod';
import {
  historyAnswer,
  parseBinaryFrame,
  promptAnswer,
  promptRefusal,
  queueAnswer,
  systemStats,
  uploadAnswer,
  wsMessage,
  type HistoryEntry,
  type ImageRef,
  type SystemStats,
  type UploadedImage,
} from './protocol.ts';

export interface ComfyTimeouts {
  /** One HTTP request or WebSocket handshake (uploads and downloads included). */
  requestMs: number;
  /** Waiting in the server's queue before execution starts. */
  queueMs: number;
  /** Silence (no message at all) while the prompt executes. */
  idleMs: number;
  /** The whole execution, from queued to done. */
  runMs: number;
}

export interface ComfyClientOptions {
  timeouts: ComfyTimeouts;
  /** Retries of a request (or socket) that could not connect. */
  retries: number;
  /** First retry delay; doubles each time. */
  backoffMs: number;
}

export type ComfyErrorKind = 'connection' | 'refused' | 'execution' | 'timeout' | 'lost' | 'interrupted' | 'protocol';

/**
 * What went wrong, said for a person. `retryElsewhere`: another server (or this one later) may well
 * succeed (it was unreachable, restarted, timed out); otherwise the workflow itself failed.
 */
export class ComfyError extends Error {
  constructor(
    readonly kind: ComfyErrorKind,
    message: string,
    readonly retryElsewhere: boolean,
  ) {
    super(message);
    this.name = 'ComfyError';
  }
}

function abortError(): Error {
  const e = new Error('Render aborted');
  e.name = 'AbortError';
  return e;
}

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  return (
    error.name === 'TypeError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'].includes(
      code ?? '',
    )
  );
}

export interface RunProgress {
  /** 0..1 of the sampler's steps. */
  fraction: number;
  value: number;
  max: number;
}

export interface RunOptions {
  onProgress?: (p: RunProgress) => void;
  /** Each binary preview frame (JPEG/PNG bytes). */
  onPreview?: (image: Buffer, imageType: number) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  promptId: string;
  images: ImageRef[];
  /** Milliseconds: waiting in the queue, executing. */
  timings: { queuedMs: number; executionMs: number };
  previews: number;
}

export class ComfyClient {
  readonly url: string;
  private readonly wsUrl: string;

  constructor(
    url: string,
    private readonly options: ComfyClientOptions,
  ) {
    this.url = url.replace(/\/+$/, '');
    this.wsUrl = this.url.replace(/^http/, 'ws');
  }

  /** A request with its timeout and retries on connection errors (never on an answer). */
  private async request(path: string, init: RequestInit & { signal?: AbortSignal } = {}, timeoutMs = this.options.timeouts.requestMs): Promise<Response> {
    let delay = this.options.backoffMs;
    for (let attempt = 0; ; attempt++) {
      if (init.signal?.aborted) throw abortError();
      const signals = [AbortSignal.timeout(timeoutMs), ...(init.signal ? [init.signal] : [])];
      try {
        return await fetch(`${this.url}${path}`, { ...init, signal: AbortSignal.any(signals) });
      } catch (error) {
        if (init.signal?.aborted) throw abortError();
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        if (!timedOut && !isConnectionError(error)) throw error;
        if (attempt >= this.options.retries) {
          throw new ComfyError(
            timedOut ? 'timeout' : 'connection',
            timedOut
              ? `the ComfyUI server at ${this.url} did not answer ${path} within ${timeoutMs} ms`
              : `the ComfyUI server at ${this.url} could not be reached (${describe(error)})`,
            true,
          );
        }
        await sleep(delay, init.signal);
        delay *= 2;
      }
    }
  }

  private async json<T>(res: Response, schema: ZodType<T>, what: string): Promise<T> {
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ComfyError('protocol', `the ComfyUI server at ${this.url} answered ${what} with ${res.status} and no JSON: ${text.slice(0, 200)}`, true);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new ComfyError('protocol', `the ComfyUI server at ${this.url} answered ${what} in an unexpected shape: ${parsed.error.issues[0]?.message}`, true);
    return parsed.data;
  }

  async systemStats(signal?: AbortSignal): Promise<SystemStats> {
    const res = await this.request('/system_stats', { signal });
    if (!res.ok) throw new ComfyError('connection', `the ComfyUI server at ${this.url} answered /system_stats with ${res.status}`, true);
    return this.json(res, systemStats, '/system_stats');
  }

  /** Node classes the server has (custom nodes included). */
  async nodeClasses(signal?: AbortSignal): Promise<Set<string>> {
    const res = await this.request('/object_info', { signal });
    if (!res.ok) throw new ComfyError('connection', `the ComfyUI server at ${this.url} answered /object_info with ${res.status}`, true);
    return new Set(Object.keys((await res.json()) as Record<string, unknown>));
  }

  async upload(data: Uint8Array, filename: string, signal?: AbortSignal): Promise<UploadedImage> {
    const form = new FormData();
    form.set('image', new Blob([data as Uint8Array<ArrayBuffer>], { type: filename.endsWith('.png') ? 'image/png' : 'image/jpeg' }), filename);
    form.set('type', 'input');
    form.set('overwrite', 'true');
    const res = await this.request('/upload/image', { method: 'POST', body: form, signal });
    if (!res.ok) throw new ComfyError('refused', `the ComfyUI server at ${this.url} refused the upload of ${filename} (${res.status})`, true);
    return this.json(res, uploadAnswer, '/upload/image');
  }

  async history(promptId: string, signal?: AbortSignal): Promise<HistoryEntry | undefined> {
    const res = await this.request(`/history/${encodeURIComponent(promptId)}`, { signal });
    if (!res.ok) throw new ComfyError('connection', `the ComfyUI server at ${this.url} answered /history with ${res.status}`, true);
    return (await this.json(res, historyAnswer, '/history'))[promptId];
  }

  /** Whether the prompt is waiting or running on the server. */
  async inQueue(promptId: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.request('/queue', { signal });
    if (!res.ok) throw new ComfyError('connection', `the ComfyUI server at ${this.url} answered /queue with ${res.status}`, true);
    const q = await this.json(res, queueAnswer, '/queue');
    return [...q.queue_running, ...q.queue_pending].some((row) => row[1] === promptId);
  }

  async view(ref: ImageRef, signal?: AbortSignal): Promise<Buffer> {
    const qs = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
    const res = await this.request(`/view?${qs}`, { signal });
    if (!res.ok) throw new ComfyError('lost', `the ComfyUI server at ${this.url} has no output ${ref.filename} (${res.status})`, true);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Stops the prompt if it runs and takes it out of the queue if it waits; best effort. */
  async cancel(promptId: string): Promise<void> {
    const post = (path: string, body: unknown) =>
      fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeouts.requestMs),
      })
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
    await Promise.all([post('/interrupt', { prompt_id: promptId }), post('/queue', { delete: [promptId] })]);
  }

  private openSocket(clientId: string, signal?: AbortSignal): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.wsUrl}/ws?clientId=${encodeURIComponent(clientId)}`, { handshakeTimeout: this.options.timeouts.requestMs });
      const fail = (error: unknown) => {
        cleanup();
        ws.terminate();
        reject(signal?.aborted ? abortError() : error);
      };
      const onAbort = () => fail(abortError());
      const cleanup = () => {
        ws.off('open', onOpen);
        ws.off('error', fail);
        signal?.removeEventListener('abort', onAbort);
      };
      const onOpen = () => {
        cleanup();
        resolve(ws);
      };
      ws.on('open', onOpen);
      ws.on('error', fail);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async openSocketRetrying(clientId: string, signal?: AbortSignal): Promise<WebSocket> {
    let delay = this.options.backoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.openSocket(clientId, signal);
      } catch (error) {
        if (signal?.aborted) throw abortError();
        if (attempt >= this.options.retries) {
          throw new ComfyError(
            'connection',
            `the ComfyUI server at ${this.url} closed its progress socket and could not be reached again (${describe(error)})`,
            true,
          );
        }
        await sleep(delay, signal);
        delay *= 2;
      }
    }
  }

  /**
   * Queues a workflow (API format) and follows it to the end. Resolves with its output images;
   * rejects with a ComfyError that says what happened, or an AbortError after cancelling it on the server.
   */
  async run(prompt: Record<string, unknown>, options: RunOptions = {}): Promise<RunResult> {
    const { signal } = options;
    const clientId = randomUUID().replace(/-/g, '');
    // The socket first, so that no message of ours can arrive before we listen.
    let ws = await this.openSocketRetrying(clientId, signal);
    const queuedAt = performance.now();
    let promptId: string;
    try {
      const res = await this.request('/prompt', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt, client_id: clientId }),
        signal,
      });
      if (res.status === 400)
        throw new ComfyError(
          'refused',
          `the ComfyUI server at ${this.url} refused the workflow: ${describeRefusal(await res.json().catch(() => ({})))}`,
          false,
        );
      if (!res.ok) throw new ComfyError('refused', `the ComfyUI server at ${this.url} answered /prompt with ${res.status}`, true);
      promptId = (await this.json(res, promptAnswer, '/prompt')).prompt_id;
    } catch (error) {
      ws.terminate();
      throw error;
    }

    return new Promise<RunResult>((resolve, reject) => {
      let startedAt = 0;
      let previews = 0;
      let settled = false;
      let checking = false;
      const timers: { queue?: NodeJS.Timeout; idle?: NodeJS.Timeout; run?: NodeJS.Timeout } = {};

      const finish = (error: unknown, result?: RunResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timers.queue);
        clearTimeout(timers.idle);
        clearTimeout(timers.run);
        signal?.removeEventListener('abort', onAbort);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.close();
        if (error) reject(error);
        else resolve(result!);
      };
      /** Gives up on the prompt: cancelled on the server so that it does not keep the GPU busy. */
      const abandon = (error: unknown) => {
        if (settled) return;
        void this.cancel(promptId);
        finish(error);
      };
      const onAbort = () => abandon(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });

      const armIdle = () => {
        clearTimeout(timers.idle);
        timers.idle = setTimeout(() => {
          // A missed "done" (a socket hiccup) is not silence: look the prompt up before giving up.
          void lookUp().then((state) => {
            if (state === 'present' && !settled)
              abandon(new ComfyError('timeout', `the ComfyUI server at ${this.url} stopped reporting progress for ${this.options.timeouts.idleMs} ms`, true));
            else if (state === 'busy') armIdle();
          });
        }, this.options.timeouts.idleMs);
      };
      timers.queue = setTimeout(
        () =>
          abandon(
            new ComfyError(
              'timeout',
              `the workflow waited more than ${this.options.timeouts.queueMs} ms in the queue of the ComfyUI server at ${this.url}`,
              true,
            ),
          ),
        this.options.timeouts.queueMs,
      );
      timers.run = setTimeout(
        () => abandon(new ComfyError('timeout', `the ComfyUI server at ${this.url} took more than ${this.options.timeouts.runMs} ms`, true)),
        this.options.timeouts.runMs,
      );

      const done = async () => {
        try {
          const entry = await this.history(promptId, signal);
          if (!entry) throw new ComfyError('lost', `the ComfyUI server at ${this.url} finished the workflow but has no record of it`, true);
          settleFromHistory(entry);
        } catch (error) {
          finish(error);
        }
      };
      const settleFromHistory = (entry: HistoryEntry) => {
        const error = entry.status?.messages.find(([type]) => type === 'execution_error');
        if (entry.status?.status_str === 'error' || error) {
          const data = (error?.[1] ?? {}) as { node_id?: string; node_type?: string; exception_message?: string };
          return finish(
            error ? executionError(this.url, data) : new ComfyError('interrupted', `the workflow was interrupted on the ComfyUI server at ${this.url}`, true),
          );
        }
        const images = Object.values(entry.outputs)
          .flatMap((o) => o.images ?? [])
          .filter((i) => i.type === 'output');
        if (!images.length) return finish(new ComfyError('execution', `the workflow ran on the ComfyUI server at ${this.url} but saved no image`, false));
        const end = performance.now();
        finish(undefined, {
          promptId,
          images,
          timings: { queuedMs: Math.round((startedAt || end) - queuedAt), executionMs: startedAt ? Math.round(end - startedAt) : 0 },
          previews,
        });
      };
      /** After a gap (socket dropped, silence, queue changed): finished, still there, or gone. */
      let again = false;
      /** 'settled' (finished, failed or gone: the run is over), 'present' (still waiting or running), 'busy'. */
      const lookUp = async (): Promise<'settled' | 'present' | 'busy'> => {
        if (settled) return 'settled';
        if (checking) {
          again = true;
          return 'busy';
        }
        checking = true;
        try {
          const entry = await this.history(promptId, signal);
          if (entry) {
            settleFromHistory(entry);
            return 'settled';
          }
          if (await this.inQueue(promptId, signal)) return 'present';
          // Neither finished nor waiting nor running: a restart emptied the queue, or someone deleted it.
          finish(new ComfyError('lost', `the ComfyUI server at ${this.url} lost the workflow (restarted, or its queue was cleared)`, true));
          return 'settled';
        } catch (error) {
          finish(error);
          return 'settled';
        } finally {
          checking = false;
          if (again && !settled) {
            again = false;
            void lookUp();
          }
        }
      };

      const listen = (socket: WebSocket) => {
        socket.on('message', (raw: Buffer, isBinary: boolean) => {
          if (settled) return;
          if (isBinary) {
            const frame = parseBinaryFrame(raw);
            if (frame?.event === 1) {
              previews++;
              options.onPreview?.(frame.image, frame.imageType);
            }
            if (startedAt) armIdle();
            return;
          }
          let body: unknown;
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            return;
          }
          const parsed = wsMessage.safeParse(body);
          if (!parsed.success) return;
          const m = parsed.data;
          if (m.type === 'status') {
            // The queue changed: if ours is not running yet, make sure it is still in it.
            if (!startedAt) void lookUp();
            return;
          }
          if (m.data.prompt_id !== promptId) return;
          if (startedAt) armIdle();
          switch (m.type) {
            case 'execution_start':
              startedAt = performance.now();
              clearTimeout(timers.queue);
              armIdle();
              break;
            case 'progress':
              if (!startedAt) {
                startedAt = performance.now();
                clearTimeout(timers.queue);
                armIdle();
              }
              if (m.data.max > 0) options.onProgress?.({ fraction: Math.min(1, m.data.value / m.data.max), value: m.data.value, max: m.data.max });
              break;
            case 'executing':
              if (m.data.node === null) void done();
              else if (!startedAt) {
                startedAt = performance.now();
                clearTimeout(timers.queue);
                armIdle();
              }
              break;
            case 'execution_error':
              void this.cancel(promptId);
              finish(executionError(this.url, m.data));
              break;
            case 'execution_interrupted':
              finish(
                new ComfyError(
                  'interrupted',
                  `the workflow was interrupted on the ComfyUI server at ${this.url}${m.data.node_type ? ` at ${m.data.node_type}` : ''}`,
                  true,
                ),
              );
              break;
            default:
              break;
          }
        });
        socket.on('error', () => undefined);
        socket.on('close', () => {
          if (settled || socket !== ws) return;
          // Reconnect under the same client id (the server sends to it again), then check what we missed.
          void this.openSocketRetrying(clientId, signal).then(
            (next) => {
              if (settled) return next.close();
              ws = next;
              listen(next);
              void lookUp();
            },
            (error) => finish(signal?.aborted ? abortError() : error),
          );
        });
      };
      listen(ws);
      // The prompt may have finished before we listened (cached): ask once.
      void lookUp();
    });
  }
}

function executionError(url: string, data: { node_id?: string; node_type?: string; exception_message?: string }): ComfyError {
  const where = data.node_type ? ` in ${data.node_type}${data.node_id ? ` (node ${data.node_id})` : ''}` : '';
  return new ComfyError('execution', `the ComfyUI server at ${url} failed${where}: ${(data.exception_message ?? 'unknown error').trim()}`, false);
}

function describeRefusal(body: unknown): string {
  const parsed = promptRefusal.safeParse(body);
  if (!parsed.success) return 'invalid workflow';
  const { error, node_errors } = parsed.data;
  const head = typeof error === 'string' ? error : (error.message ?? error.type ?? 'invalid workflow');
  const nodes = Object.entries(node_errors).map(
    ([id, n]) => `node ${id}${n.class_type ? ` (${n.class_type})` : ''}: ${n.errors.map((e) => [e.message, e.details].filter(Boolean).join(': ')).join('; ')}`,
  );
  return [head, ...nodes].join('; ');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? (error as { code?: string }).code ?? error.message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
