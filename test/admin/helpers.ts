import { SYSTEM_ACTOR } from '../../src/admin/audit/repository.ts';
import type { Role } from '../../src/auth/roles.ts';
import { createUser } from '../../src/auth/service.ts';
import type { TestApp } from '../helpers/harness.ts';

export const PASSWORD = 'correct horse battery staple';

export async function createAccount(t: TestApp, email: string, role: Role, password = PASSWORD) {
  return createUser({ db: t.rt.db, config: t.config }, SYSTEM_ACTOR, { email, role, password });
}

/** Signs in through the API and returns the session cookie ("atelier_session=…"). */
export async function signIn(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${t.url}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.url },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

export interface Console {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

/** Requests as a signed-in person from the console's own origin. */
export function consoleClient(t: TestApp, cookie: string | undefined): Console {
  const call = (async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const isRaw = typeof body === 'string' || body instanceof FormData || body instanceof Uint8Array;
    return fetch(t.url + path, {
      method,
      headers: {
        origin: t.url,
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined && !isRaw ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isRaw ? (body as RequestInit["body"]) : JSON.stringify(body),
    });
  }) as Console;
  call.json = async (method, path, body) => {
    const res = await call(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 400)}`);
    return (text ? JSON.parse(text) : undefined) as never;
  };
  return call;
}
