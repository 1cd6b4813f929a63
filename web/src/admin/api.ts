import { ApiError } from '../api/client.ts';

/**
 * The console's calls to /api/admin. Same origin, so the session cookie goes along and the browser
 * sends Origin on every state-changing call (the server's CSRF check). Failures are the stylist
 * client's ApiError. A 401 anywhere means the session ended: the app hears it and shows the sign-in
 * form again.
 */

/** The console's API types are the contract's (src/contract/admin): the same Zod schemas the server validates with. */
export type { Role, Season, RenderStatus } from '../../../src/contract/enums.ts';
export { WEAVES, PATTERNS, SEASONS, RENDER_STATUSES } from '../../../src/contract/enums.ts';
export type { FabricDesign as Design } from '../../../src/contract/catalog.ts';
export type {
  AdminFamily as Family,
  AdminFamilyRow as FamilyRow,
  AdminColor as Color,
  AdminFamilyDetail as FamilyDetail,
  AdminSwatch as Swatch,
  AdminCutView as CutView,
  AdminCut as Cut,
} from '../../../src/contract/admin/catalog.ts';
export type { SessionUser as User, ConsoleLimits as Limits, Account as AccountRow } from '../../../src/contract/admin/auth.ts';
export type { AdminRender, RenderFigures } from '../../../src/contract/admin/renders.ts';
export type { AuditEntry } from '../../../src/contract/admin/audit.ts';
export type { ImportResult } from '../../../src/contract/admin/transfer.ts';

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
