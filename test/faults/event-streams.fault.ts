import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { stylistFor } from '../helpers/session.ts';

/**
 * Issue 13 item 6: progress streams are bounded per client and in all, and however many are open,
 * one LISTEN connection feeds them. No worker runs, so the renders stay queued and streams stay open.
 */
let pgServer: Awaited<ReturnType<typeof startTestDatabase>>;
let app: TestApp;
let sqlClient: pg.Client;
let renderIds: string[] = [];
const open: http.ClientRequest[] = [];

beforeAll(async () => {
  pgServer = await startTestDatabase();
  app = await startTestApp({ databaseUrl: pgServer.url, worker: false, env: { TRUST_PROXY: 'true', SSE_MAX_PER_CLIENT: '3', SSE_MAX: '5' } });
  sqlClient = new pg.Client({ connectionString: pgServer.url });
  await sqlClient.connect();
  const res = await (await stylistFor(app)).fetch('/api/renders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ family: 'herringbone', color: 'grey', cuts: ['single-breasted', 'double-breasted'] }),
  });
  renderIds = (await json(res)).renders.map((r: { id: string }) => r.id);
});

afterAll(async () => {
  for (const req of open) req.destroy();
  await sqlClient?.end();
  await app?.close();
  await pgServer?.stop();
});

/** Opens a stream and resolves with its status once the head arrives (the body stays open). */
function stream(ip: string, id = renderIds[0]!): Promise<{ status: number; req: http.ClientRequest; body: () => string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${app.url}/api/renders/${id}/events`, { headers: { 'x-forwarded-for': ip } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('error', () => undefined);
      resolve({ status: res.statusCode!, req, body: () => body, retryAfter: res.headers['retry-after'] as string | undefined });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    open.push(req);
  });
}

async function listeners(): Promise<number> {
  const { rows } = await sqlClient.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN atelier_render%'`);
  return rows[0].n;
}

describe('server-sent event streams', () => {
  it('caps streams per client (429) and in all (503), and frees a slot when a stream closes', async () => {
    const a = await Promise.all([stream('203.0.113.1'), stream('203.0.113.1'), stream('203.0.113.1', renderIds[1])]);
    expect(a.map((s) => s.status)).toEqual([200, 200, 200]);
    const fourth = await stream('203.0.113.1');
    expect(fourth.status).toBe(429);
    expect(fourth.retryAfter).toMatch(/^\d+$/);

    const b = await Promise.all([stream('198.51.100.2'), stream('198.51.100.2')]);
    expect(b.map((s) => s.status)).toEqual([200, 200]);
    const c = await stream('192.0.2.3');
    expect(c.status).toBe(503);

    // Five streams open, and still one listener connection for this process.
    expect(await listeners()).toBe(1);
    // Other requests are unaffected.
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/catalog`)).status).toBe(200);

    a[0]!.req.destroy();
    await waitFor(async () => (await stream('192.0.2.3')).status === 200, 5_000, 50);
  });

  it('a finished render answers its state and ends, without taking a slot', async () => {
    await sqlClient.query(`UPDATE renders SET status = 'succeeded', finished_at = now() WHERE id = $1`, [renderIds[1]]);
    // All slots are full (the previous test left five open), yet a finished render still answers.
    const done = await stream('203.0.113.1', renderIds[1]);
    expect(done.status).toBe(200);
    await waitFor(async () => done.body().includes('"status":"succeeded"'), 5_000, 20);
  });

  it('streams of a render get its progress and final state through the one listener', async () => {
    for (const req of open) req.destroy();
    await waitFor(async () => (await stream('203.0.113.9')).status === 200, 5_000, 50);
    const s = await stream('203.0.113.9');
    expect(s.status).toBe(200);
    await sqlClient.query(`SELECT pg_notify('atelier_render', $1)`, [JSON.stringify({ id: renderIds[0], status: 'running', progress: 0.5 })]);
    await waitFor(async () => s.body().includes('"progress":0.5'), 5_000, 20);
    await sqlClient.query(`UPDATE renders SET status = 'failed', error = 'test', finished_at = now() WHERE id = $1`, [renderIds[0]]);
    await sqlClient.query(`SELECT pg_notify('atelier_render', $1)`, [JSON.stringify({ id: renderIds[0], status: 'failed', progress: 0 })]);
    await waitFor(async () => s.body().includes('"status":"failed"'), 5_000, 20);
  });
});
