import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { createStaff, signInAs, type Session } from '../helpers/session.ts';

/**
 * API replicas remember a verified session for a few moments (SESSION_CACHE_MS), so that a tablet's
 * taps do not each read it (issue 11). Security must not regress: whatever ends a session or changes
 * its person takes effect on the very next request on the replica that made the change, and within
 * moments on the others (NOTIFY) — here the memory is trusted for a whole minute, so only the
 * notification can explain a prompt refusal.
 */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let a: TestApp;
let b: TestApp;
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const env = { JWT_SECRET: SECRET, SESSION_CACHE_MS: '60000' };

/** The same signed-in person on another replica (same JWT_SECRET, same cookie). */
function on(t: TestApp, session: Session): Session {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(t.url + path, { ...init, headers: { origin: t.url, cookie: session.cookie, ...(init.headers as Record<string, string> | undefined) } });
  return {
    cookie: session.cookie,
    fetch: call,
    send: (method, path, body) =>
      call(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) }),
  };
}

/** Polls until `path` answers `status` on that replica; returns how long it took (ms). */
async function until(session: Session, path: string, status: number, timeoutMs = 3000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await session.fetch(path);
    await res.arrayBuffer();
    if (res.status === status) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${path} still answers ${res.status} after ${timeoutMs} ms`);
    await new Promise((r) => setImmediate(r));
  }
}

async function associate(store = 'Serrano') {
  const staff = await createStaff(a, { store });
  const here = await signInAs(a, staff.email, staff.password);
  return { staff, here, there: on(b, here) };
}

beforeAll(async () => {
  pg = await startTestDatabase();
  a = await startTestApp({ databaseUrl: pg.url, worker: false, env });
  b = await startTestApp({ databaseUrl: pg.url, worker: false, seedDemo: false, env });
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await pg?.stop();
});

describe('remembered sessions', () => {
  it('answers a remembered session without reading the sessions table', async () => {
    const { here } = await associate();
    expect((await here.fetch('/api/admin/me')).status).toBe(200);
    const locker = await a.rt.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE user_sessions, users IN ACCESS EXCLUSIVE MODE');
      const res = await here.fetch('/api/admin/me', { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
  });

  it('ends a signed-out session on the very next request here, and within moments on another replica', async () => {
    const { here, there } = await associate();
    expect((await here.fetch('/api/renders')).status).toBe(200);
    expect((await there.fetch('/api/renders')).status).toBe(200);
    expect((await here.send('POST', '/api/admin/logout')).status).toBe(204);
    expect((await here.fetch('/api/renders')).status).toBe(401);
    expect(await until(there, '/api/renders', 401)).toBeLessThan(3000);
  });

  it('applies a disabled account and a new store at once here, and within moments there', async () => {
    const admin = await signInAs(a, (await createStaff(a, { role: 'admin', store: null })).email);
    const { staff, here, there } = await associate('Serrano');
    expect((await json(await there.fetch('/api/admin/me'))).user.store).toBe('Serrano');
    expect((await admin.send('PATCH', `/api/admin/users/${staff.id}`, { store: 'Diagonal' })).status).toBe(200);
    expect((await json(await here.fetch('/api/admin/me'))).user.store).toBe('Diagonal');
    const started = Date.now();
    for (;;) {
      if ((await json(await there.fetch('/api/admin/me'))).user.store === 'Diagonal') break;
      if (Date.now() - started > 3000) throw new Error('the other replica still has the old store');
      await new Promise((r) => setImmediate(r));
    }
    expect((await admin.send('PATCH', `/api/admin/users/${staff.id}`, { disabled: true })).status).toBe(200);
    expect((await here.fetch('/api/admin/me')).status).toBe(401);
    expect(await until(there, '/api/admin/me', 401)).toBeLessThan(3000);
  });

  it('ends a session revoked by another process (a hand-written UPDATE) within moments', async () => {
    const { here, there } = await associate();
    expect((await here.fetch('/api/admin/me')).status).toBe(200);
    expect((await there.fetch('/api/admin/me')).status).toBe(200);
    const me = (await json(await here.fetch('/api/admin/me'))).user;
    await a.rt.pool.query(`UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1`, [me.id]);
    expect(await until(here, '/api/admin/me', 401)).toBeLessThan(3000);
    expect(await until(there, '/api/admin/me', 401)).toBeLessThan(3000);
  });

  it('reads the database on every request while notifications cannot arrive', async () => {
    const { here, there } = await associate();
    expect((await there.fetch('/api/admin/me')).status).toBe(200);
    // Replica b's listener is gone (as when its connection drops): it cannot hear of revocations.
    await b.rt.events.stop();
    expect(b.rt.events.listening).toBe(false);
    const me = (await json(await here.fetch('/api/admin/me'))).user;
    await a.rt.pool.query(`UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1`, [me.id]);
    expect((await there.fetch('/api/admin/me')).status).toBe(401);
  });
});
