import { spawn } from 'node:child_process';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { consoleClient, createAccount, PASSWORD, signIn } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'test-secret-that-is-long-enough-0123456789';
const ADMIN_PASSWORD = 'replaced-system-password';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({
    databaseUrl: pg.url,
    worker: false,
    env: { JWT_SECRET: SECRET, ADMIN_PASSWORD, LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '10', LOGIN_RATE_LIMIT_MAX: '1000' },
  });
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

const login = (email: string, password: string, headers: Record<string, string> = { origin: '' }) =>
  fetch(`${t.url}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...(headers.origin === '' ? { origin: t.url } : {}) },
    body: JSON.stringify({ email, password }),
  });

describe('signing in', () => {
  it('sets an httpOnly, SameSite=Strict session cookie with an expiry, and /me knows the person', async () => {
    await createAccount(t, 'Merch@Example.com', 'merchandiser');
    const res = await login('merch@example.com', PASSWORD);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.user).toMatchObject({ email: 'merch@example.com', role: 'merchandiser' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^atelier_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Expires=/i);
    // Secure only in production: this test server speaks plain HTTP.
    expect(cookie).not.toMatch(/Secure/i);
    const me = await consoleClient(t, cookie.split(';')[0])('GET', '/api/admin/me');
    expect(await json(me)).toEqual({
      user: expect.objectContaining({ email: 'merch@example.com', role: 'merchandiser' }),
      limits: { uploadMaxBytes: 10 * 1024 * 1024, uploadMaxPixels: 40_000_000, passwordMinLength: 10 },
    });
    expect(me.headers.get('cache-control')).toBe('no-store');
  });

  it('stores passwords as argon2id hashes only', async () => {
    const user = await t.rt.db.selectFrom('users').selectAll().where('email', '=', 'merch@example.com').executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.password_hash).not.toContain(PASSWORD);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await login('merch@example.com', 'not the password');
    const unknown = await login('nobody@example.com', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await json(wrong)).error).toEqual((await json(unknown)).error);
  });

  it('logs out: the cookie is cleared and the same token no longer works', async () => {
    const cookie = await signIn(t, 'merch@example.com');
    const client = consoleClient(t, cookie);
    expect((await client('GET', '/api/admin/me')).status).toBe(200);
    const out = await client('POST', '/api/admin/logout');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/atelier_session=;.*Expires=Thu, 01 Jan 1970/i);
    expect((await client('GET', '/api/admin/me')).status).toBe(401);
  });

  it('refuses an expired token even with a valid signature and a live session row', async () => {
    const user = await t.rt.db.selectFrom('users').select('id').where('email', '=', 'merch@example.com').executeTakeFirstOrThrow();
    const session = await t.rt.db
      .insertInto('user_sessions')
      .values({ user_id: user.id, expires_at: new Date(Date.now() + 3_600_000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sign = (exp: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setJti(session.id)
        .setIssuer('atelier')
        .setAudience('atelier-console')
        .setIssuedAt(exp - 3600)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(SECRET));
    const now = Math.floor(Date.now() / 1000);
    expect((await consoleClient(t, `atelier_session=${await sign(now + 600)}`)('GET', '/api/admin/me')).status).toBe(200);
    expect((await consoleClient(t, `atelier_session=${await sign(now - 1)}`)('GET', '/api/admin/me')).status).toBe(401);
    // …and a session row past its expiry is dead whatever the token says. Written straight into the
    // database, the change reaches the replica's session memory through NOTIFY (SESSION_CACHE_MS is
    // longer than this wait: only the notification can end it in time).
    await t.rt.db
      .updateTable('user_sessions')
      .set({ expires_at: new Date(Date.now() - 1000), created_at: new Date(Date.now() - 5000) } as never)
      .where('id', '=', session.id)
      .execute();
    const token = await sign(now + 600);
    await waitFor(async () => (await consoleClient(t, `atelier_session=${token}`)('GET', '/api/admin/me')).status === 401, 3000, 10);
  });

  it('refuses a token signed with another key', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('00000000-0000-4000-8000-000000000000')
      .setJti('00000000-0000-4000-8000-000000000000')
      .setIssuer('atelier')
      .setAudience('atelier-console')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another'));
    expect((await consoleClient(t, `atelier_session=${forged}`)('GET', '/api/admin/me')).status).toBe(401);
  });
});

describe('lockout and rate limit', () => {
  it('after LOGIN_MAX_FAILURES failures, that client waits even with the right password; the wait ends, and the audit log tells', async () => {
    // (Other clients are not held back, and unknown emails are treated alike: test/security/login-throttle.test.ts.)
    await createAccount(t, 'target@example.com', 'merchandiser');
    expect((await login('target@example.com', 'wrong-1')).status).toBe(401);
    expect((await login('target@example.com', 'wrong-2')).status).toBe(401);
    expect((await login('target@example.com', 'wrong-3')).status).toBe(401);
    const right = await login('target@example.com', PASSWORD);
    expect(right.status).toBe(429);
    const body = await json(right);
    expect(body.error.code).toBe('account_locked');
    expect(body.error.message).toMatch(/try again in 10 more minutes/);

    // Time passes (the failures are moved into the past rather than waited for).
    await t.rt.pool.query(`UPDATE login_failures SET failed_at = now() - interval '11 minutes' WHERE account = 'target@example.com'`);
    expect((await login('target@example.com', PASSWORD)).status).toBe(200);
    const row = await t.rt.db.selectFrom('users').selectAll().where('email', '=', 'target@example.com').executeTakeFirstOrThrow();
    const audit = await t.rt.db.selectFrom('audit_log').select('action').where('entity_id', '=', row.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'auth.login_failed', 'auth.login_failed', 'auth.login_failed', 'auth.login']);
  });

  it('rate-limits login attempts per client', async () => {
    const limited = await startTestApp({ databaseUrl: pg.url, worker: false, seedDemo: false, env: { JWT_SECRET: SECRET, LOGIN_RATE_LIMIT_MAX: '3' } });
    try {
      const attempt = () =>
        fetch(`${limited.url}/api/admin/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: limited.url },
          body: JSON.stringify({ email: 'x@example.com', password: 'y' }),
        });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await attempt()).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // Other console routes are not held to the login limit.
      expect((await fetch(`${limited.url}/api/admin/me`)).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

describe('CSRF: state-changing requests must come from the console', () => {
  it('refuses a request from another origin, or with no origin at all, even with a valid session', async () => {
    await createAccount(t, 'csrf@example.com', 'admin');
    const cookie = await signIn(t, 'csrf@example.com');
    const body = JSON.stringify({ slug: 'evil', name: 'Evil', design: { weave: 'plain', pattern: 'solid', threadMm: 0.3 } });
    const send = (headers: Record<string, string>) =>
      fetch(`${t.url}/api/admin/families`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body });
    const evil = await send({ origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect((await json(evil)).error.code).toBe('cross_origin');
    expect((await send({})).status).toBe(403);
    expect((await send({ referer: 'https://evil.example/page' })).status).toBe(403);
    // Same origin (as Origin, or as a Referer from a browser that omits Origin) is fine.
    expect((await send({ origin: t.url })).status).toBe(201);
    expect((await send({ referer: `${t.url}/admin/catalog` })).status).toBe(409);
    // Login itself is guarded too (login CSRF); reads are not.
    expect((await login('csrf@example.com', PASSWORD, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await fetch(`${t.url}/api/admin/me`, { headers: { cookie, origin: 'https://evil.example' } })).status).toBe(200);
  });
});

describe('accounts', () => {
  it('bootstraps the ADMIN_PASSWORD account, which also answers to "admin" as the replaced system had it', async () => {
    const res = await login('admin', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect((await json(res)).user).toMatchObject({ email: 'admin@atelier.local', role: 'admin' });
  });

  it('takes a changed ADMIN_PASSWORD at the next start, as the replaced system did', async () => {
    const restarted = await startTestApp({
      databaseUrl: pg.url,
      worker: false,
      seedDemo: false,
      env: { JWT_SECRET: SECRET, ADMIN_PASSWORD: 'the rotated password' },
    });
    try {
      expect((await login('admin', ADMIN_PASSWORD)).status).toBe(401);
      expect((await login('admin', 'the rotated password')).status).toBe(200);
    } finally {
      await restarted.close();
    }
    // …and back, for the tests that follow.
    await (await startTestApp({ databaseUrl: pg.url, worker: false, seedDemo: false, env: { JWT_SECRET: SECRET, ADMIN_PASSWORD } })).close();
  });

  it('lets admins create, demote, disable and reset accounts, but never remove the last admin', async () => {
    const cookie = await signIn(t, 'admin@atelier.local', ADMIN_PASSWORD);
    const admin = consoleClient(t, cookie);
    const created = await admin('POST', '/api/admin/users', { email: 'new@example.com', role: 'associate', password: 'short' });
    expect(created.status).toBe(422);
    expect((await json(created)).error.message).toMatch(/at least 10 characters/);
    const user = await admin.json('POST', '/api/admin/users', { email: 'new@example.com', role: 'associate', password: PASSWORD });
    expect((await admin('POST', '/api/admin/users', { email: 'NEW@example.com', role: 'admin', password: PASSWORD })).status).toBe(409);

    const session = await signIn(t, 'new@example.com');
    await admin.json('PATCH', `/api/admin/users/${user.id}`, { disabled: true });
    expect((await consoleClient(t, session)('GET', '/api/admin/me')).status).toBe(401);
    expect((await login('new@example.com', PASSWORD)).status).toBe(403);
    await admin.json('PATCH', `/api/admin/users/${user.id}`, { disabled: false, role: 'merchandiser' });
    expect((await json(await login('new@example.com', PASSWORD))).user.role).toBe('merchandiser');

    const me = await admin.json('GET', '/api/admin/me');
    const own = await admin('PATCH', `/api/admin/users/${me.user.id}`, { role: 'merchandiser' });
    expect(own.status).toBe(409);
    const list = await admin.json('GET', '/api/admin/users');
    expect(list.items.every((u: any) => !('password_hash' in u) && !('passwordHash' in u))).toBe(true);
  });

  it('lets admins set an associate’s store when creating the account and change or clear it later', async () => {
    const admin = consoleClient(t, await signIn(t, 'admin@atelier.local', ADMIN_PASSWORD));
    const user = await admin.json('POST', '/api/admin/users', { email: 'store@example.com', role: 'associate', password: PASSWORD, store: ' Serrano ' });
    expect(user.store).toBe('Serrano');
    const listed = async () => (await admin.json('GET', '/api/admin/users')).items.find((u: any) => u.id === user.id).store;
    expect(await listed()).toBe('Serrano');
    expect((await admin.json('PATCH', `/api/admin/users/${user.id}`, { store: 'Diagonal' })).store).toBe('Diagonal');
    // The associate's own session sees the new store at once (History follows it).
    const own = consoleClient(t, await signIn(t, 'store@example.com'));
    expect((await own.json('GET', '/api/admin/me')).user.store).toBe('Diagonal');
    const blank = await admin('PATCH', `/api/admin/users/${user.id}`, { store: '   ' });
    expect(blank.status).toBe(422);
    expect((await json(blank)).error.message).toMatch(/^store: /);
    expect((await admin.json('PATCH', `/api/admin/users/${user.id}`, { store: null })).store).toBeNull();
    expect(await listed()).toBeNull();
    expect((await own.json('GET', '/api/admin/me')).user.store).toBeNull();
  });

  it("changes one's own password: other sessions end, this one stays", async () => {
    await createAccount(t, 'self@example.com', 'associate');
    const a = consoleClient(t, await signIn(t, 'self@example.com'));
    const b = consoleClient(t, await signIn(t, 'self@example.com'));
    expect((await a('POST', '/api/admin/me/password', { current: 'wrong', next: 'another long password' })).status).toBe(422);
    expect((await a('POST', '/api/admin/me/password', { current: PASSWORD, next: 'another long password' })).status).toBe(204);
    expect((await a('GET', '/api/admin/me')).status).toBe(200);
    expect((await b('GET', '/api/admin/me')).status).toBe(401);
    expect((await login('self@example.com', 'another long password')).status).toBe(200);
  });
});

describe('detailed health', () => {
  it('tells administrators how the system is, with the configuration and never a secret', async () => {
    const admin = consoleClient(t, await signIn(t, 'admin@atelier.local', ADMIN_PASSWORD));
    const res = await admin('GET', '/api/admin/system');
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.database).toMatchObject({ ok: true, embedded: false });
    expect(body.database.migrations.map((m: any) => m.version)).toContain('0003_admin');
    expect(body.storage).toMatchObject({ ok: true, driver: 'local' });
    expect(body.config.auth).toMatchObject({ jwtSecret: '[set]', adminPassword: '[set]', loginMaxFailures: 3 });
    expect(body.config.database.url).toMatch(/:\[redacted\]@127\.0\.0\.1/);
    for (const secret of [SECRET, ADMIN_PASSWORD, new URL(pg.url).password]) expect(text).not.toContain(secret);
  });
});

describe('atelier user create', () => {
  const run = (args: string[], stdin: string) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NODE_ENV: 'test', DATABASE_URL: pg.url, LOG_LEVEL: 'warn' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.stdin.end(stdin);
      child.on('exit', (code) => resolve({ code, out }));
    });

  it('reads the password from stdin, creates the account, and refuses a duplicate or a bad role', async () => {
    const made = await run(['user', 'create', '--email', 'First.Admin@example.com', '--role', 'admin'], 'a password from a pipe\n');
    expect(made.out).toContain('Created admin account first.admin@example.com');
    expect(made.code).toBe(0);
    expect(made.out).not.toContain('a password from a pipe');
    expect((await login('first.admin@example.com', 'a password from a pipe')).status).toBe(200);

    const again = await run(['user', 'create', '--email', 'first.admin@example.com', '--role', 'admin'], 'a password from a pipe\n');
    expect(again.code).toBe(1);
    expect(again.out).toContain('There is already an account for first.admin@example.com');

    const role = await run(['user', 'create', '--email', 'x@example.com', '--role', 'owner'], 'a password from a pipe\n');
    expect(role.code).toBe(1);
    expect(role.out).toContain('--role must be one of admin, merchandiser, associate');

    const short = await run(['user', 'create', '--email', 'y@example.com', '--role', 'associate'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.out).toMatch(/at least 10 characters/);

    const reset = await run(['user', 'set-password', '--email', 'first.admin@example.com'], 'the next password\n');
    expect(reset.code).toBe(0);
    expect((await login('first.admin@example.com', 'the next password')).status).toBe(200);
    // Five real processes, each starting tsx and the runtime: ~20 s apiece on a loaded two-core machine.
  }, 240_000);
});
