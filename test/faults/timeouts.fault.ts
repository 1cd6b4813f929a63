import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { associateSession, type Session } from '../helpers/session.ts';

/** Issue 13 item 9: slow-drip bodies, an exhausted pool and slow statements never hang a request. */
let pgServer: Awaited<ReturnType<typeof startTestDatabase>>;
let app: TestApp;
let holder: pg.Client;
let associate: Session;

beforeAll(async () => {
  pgServer = await startTestDatabase();
  app = await startTestApp({
    databaseUrl: pgServer.url,
    worker: false,
    env: { HTTP_REQUEST_TIMEOUT_MS: '2000', DB_POOL_MAX: '2', DB_ACQUIRE_TIMEOUT_MS: '800', DB_STATEMENT_TIMEOUT_MS: '1500' },
  });
  // Signed in before the pool is starved: the History listing below is an associate's.
  associate = await associateSession(app);
  holder = new pg.Client({ connectionString: pgServer.url });
  await holder.connect();
});

afterAll(async () => {
  await holder?.end();
  await app?.close();
  await pgServer?.stop();
});

describe('timeouts', () => {
  it('a body dripped one byte at a time is cut after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const { port } = new URL(app.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const started = Date.now();
    // Signed in, from the app's origin: ordering needs both, and both are checked before the body is read.
    socket.write(
      `POST /api/renders HTTP/1.1\r\nHost: ${new URL(app.url).host}\r\nOrigin: ${app.url}\r\nCookie: ${associate.cookie}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
    );
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(drip);
    const ms = Date.now() - started;
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(ms).toBeLessThan(6_000);
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  });

  it('an exhausted pool answers 503 with Retry-After within the acquire timeout, not a 500', async () => {
    // Two slow requests take both connections (a lock held elsewhere makes their statement wait).
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE renders IN ACCESS EXCLUSIVE MODE');
    try {
      const slow = [0, 1].map(() => associate.fetch('/api/renders?limit=1'));
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      const res = await associate.fetch('/api/renders?limit=1');
      const ms = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await json(res)).error.code).toBe('database_unavailable');
      expect(ms).toBeLessThan(2_000);
      // The statement timeout ends the slow ones too: 503, not a hang.
      for (const r of await Promise.all(slow)) expect(r.status).toBe(503);
    } finally {
      await holder.query('ROLLBACK');
    }
    expect((await associate.fetch('/api/renders?limit=1')).status).toBe(200);
  });
});
