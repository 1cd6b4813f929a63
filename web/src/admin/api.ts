import { send as sendRequest } from '../api/client.ts';

/**
 * The console's calls to /api/admin, through the web app's one client (web/src/api/client.ts): its
 * ApiError and UnreachableError, and its `sessionEvents` when a 401 says the session ended, which the
 * console hears to show its sign-in form again.
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

type Body = FormData | string | Record<string, unknown> | unknown[] | undefined;

/** The console's calls, through the web app's one API client. */
function send(method: string, path: string, body?: Body, contentType?: string): Promise<Response> {
  const isForm = body instanceof FormData;
  const isText = typeof body === 'string';
  return sendRequest(
    path,
    {
      method,
      headers: body !== undefined && !isForm ? { 'content-type': contentType ?? (isText ? 'text/plain' : 'application/json') } : {},
      body: body === undefined ? undefined : isForm || isText ? body : JSON.stringify(body),
    },
    { gatewayMessages: true },
  );
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
