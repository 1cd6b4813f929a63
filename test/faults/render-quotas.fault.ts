import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';

/**
 * Issue 13 item 5: one client cannot fill the queue. No worker runs here, so every accepted render
 * stays queued and counts. Client IPs come from X-Forwarded-For (TRUST_PROXY=true), as behind a proxy.
 */
let pgServer: Awaited<ReturnType<typeof startTestDatabase>>;
let app: TestApp;
let sqlClient: pg.Client;

beforeAll(async () => {
  pgServer = await startTestDatabase();
  app = await startTestApp({
    databaseUrl: pgServer.url,
    worker: false,
    env: { TRUST_PROXY: 'true', RENDER_QUEUE_MAX_PER_CLIENT: '5', RENDER_QUEUE_MAX: '8' },
  });
  sqlClient = new pg.Client({ connectionString: pgServer.url });
  await sqlClient.connect();
});

afterAll(async () => {
  await sqlClient?.end();
  await app?.close();
  await pgServer?.stop();
});

let catalog: Array<{ id: string; colors: Array<{ id: string }> }>;
const used = new Set<string>();
/** A family/colour pair not ordered before in this file, so every order makes new renders. */
async function fresh(): Promise<{ family: string; color: string }> {
  catalog ??= (await json(await fetch(`${app.url}/api/catalog`))).families;
  for (const f of catalog)
    for (const c of f.colors) {
      const key = `${f.id}/${c.id}`;
      if (!used.has(key)) {
        used.add(key);
        return { family: f.id, color: c.id };
      }
    }
  throw new Error('catalogue exhausted');
}

async function order(ip: string, cuts: string[], fabric?: { family: string; color: string }) {
  const f = fabric ?? (await fresh());
  return fetch(`${app.url}/api/renders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ family: f.family, color: f.color, cuts }),
  });
}

async function generate(ip: string) {
  const f = await fresh();
  return fetch(`${app.url}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ family_id: f.family, color_id: f.color, cuts: ['recto', 'cruzado'] }),
  });
}

const countRenders = async () => (await sqlClient.query(`SELECT count(*)::int AS n FROM renders`)).rows[0].n as number;

describe('render quotas', () => {
  it('counts renders, not requests, shared between /api/renders and the replaced /generate', async () => {
    const ip = '203.0.113.10';
    expect((await order(ip, ['single-breasted', 'double-breasted'])).status).toBe(202); // 2 renders
    expect((await generate(ip)).status).toBe(201); // 4
    // A reused render is not new work: joining an identical order costs nothing.
    const again = await order(ip, ['single-breasted'], { family: catalog[0]!.id, color: catalog[0]!.colors[0]!.id });
    expect(again.status).toBe(202);
    expect((await json(again)).renders[0].reused).toBe(true);

    const before = await countRenders();
    const refused = await order(ip, ['single-breasted', 'double-breasted']); // would be 6 > 5
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await json(refused);
    expect(body.error.code).toBe('render_quota_exceeded');
    expect(body.error.message).toMatch(/5 renders/);
    // Refused means nothing written: no render, no batch, no job.
    expect(await countRenders()).toBe(before);
    expect((await generate(ip)).status).toBe(429);
    // One more fits exactly.
    expect((await order(ip, ['three-piece'])).status).toBe(202);
    expect((await order(ip, ['three-piece'])).status).toBe(429);
  });

  it('another client still gets in until the whole queue is full, then everyone gets 503', async () => {
    const other = '198.51.100.7';
    expect((await order(other, ['single-breasted', 'double-breasted'])).status).toBe(202); // total 7
    expect((await order(other, ['single-breasted'])).status).toBe(202); // total 8
    const full = await order('192.0.2.99', ['single-breasted']);
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(full)).error.code).toBe('render_queue_full');
  });

  it('finished renders free the allowance', async () => {
    await sqlClient.query(`UPDATE renders SET status = 'succeeded', finished_at = now()`);
    expect((await order('203.0.113.10', ['single-breasted'])).status).toBe(202);
  });

  it('30 parallel orders from one client: exactly the allowance is accepted', async () => {
    await sqlClient.query(`UPDATE renders SET status = 'succeeded', finished_at = now()`);
    const fabrics = await Promise.all(Array.from({ length: 30 }, () => fresh()));
    const answers = await Promise.all(fabrics.map((f) => order('203.0.113.77', ['single-breasted'], f)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429 || s === 503)).toHaveLength(25);
  });
});
