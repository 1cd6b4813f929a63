import { ApiError } from '../api/client.ts';

/**
 * The console's calls to /api/admin. Same origin, so the session cookie goes along and the browser
 * sends Origin on every state-changing call (the server's CSRF check). Failures are the stylist
 * client's ApiError. A 401 anywhere means the session ended: the app hears it and shows the sign-in
 * form again.
 */

export type Role = 'admin' | 'merchandiser' | 'associate';
export type Season = 'all-season' | 'spring-summer' | 'autumn-winter';
export const WEAVES = ['plain', 'twill', 'herringbone', 'hopsack', 'sharkskin', 'birdseye', 'flannel', 'satin'] as const;
export const PATTERNS = ['solid', 'pinstripe', 'chalkstripe', 'glencheck', 'houndstooth', 'windowpane'] as const;
export const SEASONS: Season[] = ['all-season', 'spring-summer', 'autumn-winter'];
export const RENDER_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];

export interface User {
  id: string;
  email: string;
  role: Role;
}

/** What the server accepts, as GET /api/admin/me states it. */
export interface Limits {
  uploadMaxBytes: number;
  uploadMaxPixels: number;
  passwordMinLength: number;
}

export interface Design {
  weave: (typeof WEAVES)[number];
  pattern: (typeof PATTERNS)[number];
  threadMm: number;
  repeatMm?: number;
  heather?: number;
  nap?: number;
  sheen?: number;
  accentHex?: string;
}

export interface Family {
  id: string;
  slug: string;
  name: string;
  composition: string;
  weightGsm: number | null;
  season: Season;
  description: string;
  design: Design;
  active: boolean;
  archivedAt: string | null;
  sort: number;
  updatedAt: string;
}

export interface FamilyRow extends Family {
  colorCount: number;
  renderCount: number;
}

export interface Color {
  id: string;
  familyId: string;
  slug: string;
  name: string;
  hex: string;
  repeatMm: number | null;
  swatch: { url: string; widthMm: number | null } | null;
  active: boolean;
  archivedAt: string | null;
  sort: number;
}

export interface FamilyDetail extends Family {
  colors: Color[];
}

export interface Swatch {
  id: string;
  url: string;
  filename: string;
  width: number;
  height: number;
  widthMm: number;
  meanHex: string;
  lab: number[];
  tile: { width: number; height: number; widthMm: number; url: string };
  warnings: Array<{ code: string; message: string }>;
  /** How the cloth was found and measured when no width was given (see src/contract/swatches.ts). */
  estimate?: { box: { left: number; top: number; width: number; height: number }; rotationDeg: number; tiltDeg: number; mmPerPx: number; widthMm: number; repeatMm: { x: number; y: number }; scaleSource: 'weave' | 'framing'; confidence: number };
}

export interface CutView {
  id: string;
  view: string;
  kind: 'builtin' | 'photo';
  active: boolean;
  version: string;
  baseUrl: string | null;
  maskUrl: string | null;
}

export interface Cut {
  id: string;
  slug: string;
  name: string;
  legacyId: string | null;
  active: boolean;
  sort: number;
  views: CutView[];
}

export interface AdminRender {
  id: string;
  status: RenderStatus;
  progress: number;
  engine: string;
  family: string;
  color: string | null;
  cut: string;
  view: string;
  attempts: number;
  error: string | null;
  images: Array<{ size: string; url: string; width: number; height: number }>;
  createdAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  workerId: string | null;
}

export interface RenderFigures {
  queued: number;
  running: number;
  failedLast24h: number;
  byStatus: Record<RenderStatus, number>;
  medianDurationMsByEngine: Record<string, number>;
  succeededLast24hByEngine: Record<string, number>;
  jobs: { waiting: number; locked: number; oldestWaitingSince: string | null };
  workers: Array<{ id: string; hostname: string; pid: number; engines: string[]; startedAt: string; lastHeartbeatAt: string }>;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface AccountRow extends User {
  disabled: boolean;
  createdAt: string;
}

export interface ImportResult {
  dryRun: boolean;
  format: 'atelier' | 'fabrics' | 'csv';
  mode: 'merge' | 'sync';
  summary: Record<'families' | 'colors' | 'cuts', { created: number; changed: number; archived: number; unchanged: number }>;
  changes: Array<{ entity: 'family' | 'color' | 'cut'; op: 'create' | 'update' | 'archive'; slug: string; family?: string; restore?: boolean; changes?: Record<string, { before: unknown; after: unknown }> }>;
  more: number;
}

export const SIGNED_OUT_EVENT = 'atelier:console-signed-out';

type Body = FormData | string | Record<string, unknown> | unknown[] | undefined;

async function send(method: string, path: string, body?: Body, contentType?: string): Promise<Response> {
  const isForm = body instanceof FormData;
  const isText = typeof body === 'string';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined && !isForm ? { 'content-type': contentType ?? (isText ? 'text/plain' : 'application/json') } : {}),
      },
      body: body === undefined ? undefined : isForm || isText ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'The server cannot be reached');
  }
  if (res.ok) return res;
  let error: ApiError = new ApiError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`);
  try {
    const parsed = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (parsed.error?.message) error = new ApiError(res.status, parsed.error.code ?? 'error', parsed.error.message, parsed.error.details);
  } catch {
    // not JSON
  }
  if (res.status === 401 && path !== '/api/admin/login') window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
  throw error;
}

export async function call<T>(method: string, path: string, body?: Body, contentType?: string): Promise<T> {
  const res = await send(method, path, body, contentType);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** An image answer (previews): a Blob for an object URL. */
export async function image(path: string, body: Body): Promise<Blob> {
  return (await send('POST', path, body)).blob();
}

export const query = (params: Record<string, string | number | undefined | null>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};
