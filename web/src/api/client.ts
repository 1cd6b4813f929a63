import { apiStatus } from './status.ts';
import type { FabricFamily, Cut, Look, Render, RenderBatch, RenderOrder, SavedLook, StaffAccount, SwatchUpload } from './types.ts';

/** An answer from the API that is an error: `message` is written for a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server could not be reached at all (offline, refused, gateway down). */
export class UnreachableError extends Error {
  constructor() {
    super('The Atelier server cannot be reached');
    this.name = 'UnreachableError';
  }
}

export const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

const GATEWAY = new Set([502, 503, 504]);

/**
 * Told when the server answers 401: the tablet's session has ended (signed out elsewhere, disabled,
 * expired), so the app goes back to its sign-in screen.
 */
export const sessionEvents = new EventTarget();

async function errorFrom(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.message) return new ApiError(res.status, body.error.code ?? 'error', body.error.message, body.error.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`);
}

export interface SendOptions {
  /**
   * The console shows the server's own sentence for 502–504 answers that carry one (a busy preview
   * pool, a database outage); the stylist app treats every gateway answer as "server unreachable".
   */
  gatewayMessages?: boolean;
}

/**
 * The web app's one way to call the API (stylist app and console alike): same origin, so the session
 * cookie goes along and the browser sends Origin on every state-changing call (the server's CSRF check).
 * Resolves with an ok Response; otherwise throws UnreachableError or ApiError, and tells `sessionEvents`
 * when a 401 says the session has ended.
 */
export async function send(path: string, init: RequestInit = {}, options: SendOptions = {}): Promise<Response> {
  let res: Response;
  const jsonBody = typeof init.body === 'string' && !new Headers(init.headers).has('content-type');
  try {
    res = await fetch(path, {
      credentials: 'same-origin',
      ...init,
      headers: { accept: 'application/json', ...(jsonBody ? { 'content-type': 'application/json' } : {}), ...init.headers },
    });
  } catch (error) {
    if (isAbort(error) || init.signal?.aborted) throw error;
    apiStatus.markDown();
    throw new UnreachableError();
  }
  if (GATEWAY.has(res.status)) {
    const error = options.gatewayMessages ? await errorFrom(res) : undefined;
    if (!error || error.code.startsWith('http_')) {
      apiStatus.markDown();
      throw new UnreachableError();
    }
    throw error;
  }
  apiStatus.markUp();
  if (res.status === 401 && !path.startsWith('/api/admin/login')) sessionEvents.dispatchEvent(new Event('ended'));
  if (!res.ok) throw await errorFrom(res);
  return res;
}

export async function request<T>(path: string, init: RequestInit = {}, options?: SendOptions): Promise<T> {
  const res = await send(path, init, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  catalog: (signal?: AbortSignal) => request<{ families: FabricFamily[] }>('/api/catalog', { signal }),
  cuts: (signal?: AbortSignal) => request<{ cuts: Cut[] }>('/api/cuts', { signal }),
  orderRenders: (order: RenderOrder, signal?: AbortSignal) => request<RenderBatch>('/api/renders', { method: 'POST', body: JSON.stringify(order), signal }),
  render: (id: string, signal?: AbortSignal) => request<Render>(`/api/renders/${encodeURIComponent(id)}`, { signal }),
  history: (options: { limit?: number; cursor?: string | null } = {}, signal?: AbortSignal) => {
    const q = new URLSearchParams({ limit: String(options.limit ?? 24) });
    if (options.cursor) q.set('cursor', options.cursor);
    return request<{ items: Render[]; nextCursor: string | null }>(`/api/renders?${q}`, { signal });
  },
  saveLook: (look: { title: string; clientName?: string; clientId?: string; renderIds: string[] }) =>
    request<SavedLook>('/api/looks', { method: 'POST', body: JSON.stringify(look) }),
  looks: (signal?: AbortSignal) => request<{ items: Array<SavedLook & { renderIds: string[] }> }>('/api/looks?limit=100', { signal }),
  me: (signal?: AbortSignal) => request<{ user: StaffAccount }>('/api/admin/me', { signal }),
  signIn: (email: string, password: string) =>
    request<{ user: StaffAccount; expiresAt: string }>('/api/admin/login', { method: 'POST', body: JSON.stringify({ email, password }) }),
  signOut: () => request<void>('/api/admin/logout', { method: 'POST' }),
  look: (token: string, signal?: AbortSignal) => request<Look>(`/api/looks/${encodeURIComponent(token)}`, { signal }),
  /** Whether a photoreal (GPU) engine answers, from /readyz; false when it cannot be asked. */
  gpuAvailable: async (signal?: AbortSignal) => {
    try {
      const res = await fetch('/readyz', { signal, credentials: 'same-origin' });
      return ((await res.json()) as { gpu?: boolean }).gpu === true;
    } catch {
      return false;
    }
  },
};

export interface UploadHandle<T = SwatchUpload> {
  promise: Promise<T>;
  abort(): void;
}

/**
 * POSTs a form with upload progress (fetch cannot report it; XMLHttpRequest can), answering like
 * `request`: the parsed body, an ApiError with the server's message, or UnreachableError.
 */
export function uploadWithProgress<T>(url: string, form: FormData, onProgress: (fraction: number) => void): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', url);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.min(1, e.loaded / e.total));
    };
    xhr.onload = () => {
      if (GATEWAY.has(xhr.status)) {
        apiStatus.markDown();
        reject(new UnreachableError());
        return;
      }
      apiStatus.markUp();
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        onProgress(1);
        resolve(body as T);
      } else {
        const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
        reject(new ApiError(xhr.status, err?.code ?? `http_${xhr.status}`, err?.message ?? `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => {
      apiStatus.markDown();
      reject(new UnreachableError());
    };
    xhr.onabort = () => reject(new DOMException('Upload canceled', 'AbortError'));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** Sends a photographed cloth; the crop and the scale go first, the file last, so the server reads them before the bytes. */
export function uploadSwatch(
  file: Blob,
  fields: { widthMm?: number; crop?: { left: number; top: number; width: number; height: number } },
  onProgress: (fraction: number) => void,
): UploadHandle {
  const form = new FormData();
  // No width: the server reads the cloth's size from its weave (and says how, in `estimate`).
  if (fields.widthMm !== undefined) form.append('widthMm', String(Math.round(fields.widthMm * 10) / 10));
  if (fields.crop) form.append('crop', JSON.stringify(fields.crop));
  form.append('file', file, (file as File).name || 'swatch.jpg');
  return uploadWithProgress<SwatchUpload>('/api/swatch-uploads', form, onProgress);
}
