import type { BrowserContext } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/admin/audit/repository.ts';
import type { Role } from '../../src/auth/roles.ts';
import { createUser } from '../../src/auth/service.ts';
import { SESSION_COOKIE } from '../../src/auth/sessions.ts';
import type { TestApp } from './harness.ts';

/** Strong enough for every password rule; the same for every test account. */
export const TEST_PASSWORD = 'tablet in the fitting room 2026';

let counter = 0;

/** Makes an account (an associate of the given store, unless told otherwise) straight in the database. */
export async function createStaff(t: TestApp, options: { email?: string; role?: Role; store?: string | null; password?: string } = {}) {
  const email = options.email ?? `associate-${process.pid}-${++counter}@example.com`;
  const password = options.password ?? TEST_PASSWORD;
  const user = await createUser({ db: t.rt.db, config: t.config }, SYSTEM_ACTOR, {
    email,
    role: options.role ?? 'associate',
    password,
    store: options.store === undefined ? 'Test store' : options.store,
  });
  return { id: user.id, email, password, role: user.role, store: user.store };
}

export interface Session {
  cookie: string;
  /** `fetch` against the app as this person, from the app's own origin (as the web app does). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** POST (or another method) with a JSON body. */
  send(method: string, path: string, body?: unknown): Promise<Response>;
}

/** Signs in through the API, as the stylist app's sign-in screen does. */
export function signInAs(t: TestApp, email: string, password = TEST_PASSWORD): Promise<Session> {
  return signInAt(t.url, email, password);
}

/**
 * Signs in to a server at `url` (one started as a process, whose accounts come from ADMIN_EMAIL /
 * ADMIN_PASSWORD — see adminEnv).
 */
export async function signInAt(url: string, email: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await fetch(`${url}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(url + path, { ...init, headers: { origin: url, cookie, ...(init.headers as Record<string, string> | undefined) } });
  return {
    cookie,
    fetch: call,
    send: (method, path, body) =>
      call(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) }),
  };
}

/** Env for a server started as a process: the administrator it creates at start, to sign in as. */
export const ADMIN_ENV = { ADMIN_EMAIL: 'admin@atelier.test', ADMIN_PASSWORD: TEST_PASSWORD } as const;

/** Signs in to a process-started server as the administrator of ADMIN_ENV. */
export function adminSessionAt(url: string): Promise<Session> {
  return signInAt(url, ADMIN_ENV.ADMIN_EMAIL, ADMIN_ENV.ADMIN_PASSWORD);
}

/** A new associate, signed in: what most stylist tests need first. */
export async function associateSession(t: TestApp, options: { store?: string | null } = {}): Promise<Session & { email: string; id: string }> {
  const staff = await createStaff(t, options);
  return { ...(await signInAs(t, staff.email, staff.password)), email: staff.email, id: staff.id };
}

/**
 * Puts a signed-in associate's session into a browser context, as if the tablet had been signed in
 * on the sign-in screen earlier (the sign-in screen itself is tested in test/e2e).
 */
export async function signInBrowser(context: BrowserContext, t: TestApp, options: { store?: string | null } = {}) {
  const session = await associateSession(t, options);
  await putSessionInBrowser(context, t.url, session);
  return session;
}

/** A session signed in through the API, put into a browser context as the sign-in screen leaves it. */
export async function putSessionInBrowser(context: BrowserContext, url: string, session: Pick<Session, 'cookie'>): Promise<void> {
  const value = session.cookie.slice(SESSION_COOKIE.length + 1);
  await context.addCookies([{ name: SESSION_COOKIE, value, url, httpOnly: true, sameSite: 'Strict' }]);
}

const stylists = new WeakMap<TestApp, Promise<Session & { email: string; id: string }>>();
/** One signed-in associate per test app, for tests that order renders or upload cloth but test something else. */
export function stylistFor(t: TestApp): Promise<Session & { email: string; id: string }> {
  let session = stylists.get(t);
  if (!session) {
    session = associateSession(t);
    stylists.set(t, session);
  }
  return session;
}
