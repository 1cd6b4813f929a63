import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { associateSession, type Session } from '../helpers/session.ts';

/**
 * Issue 13 item 5: one client cannot fill the queue. No worker runs here, so every accepted render
 * stays queued and counts. Signed-in orders count against the account; anonymous (open legacy) calls
 * against the IP, which comes from X-Forwarded-For (TRUST_PROXY=true), as behind a proxy.
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

async function order(who: Session, cuts: string[], fabric?: { family: string; color: string }, ip = '203.0.113.10') {
  const f = fabric ?? (await fresh());
  return who.fetch('/api/renders', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ family: f.family, color: f.color, cuts }),
  });
}

/** The replaced front end's generate: signed in (counts against the account) or, open, by IP alone. */
async function generate(who: Session | string) {
  const f = await fresh();
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(typeof who === 'string' ? { 'x-forwarded-for': who } : {}) },
    body: JSON.stringify({ family_id: f.family, color_id: f.color, cuts: ['recto', 'cruzado'] }),
  };
  return typeof who === 'string' ? fetch(`${app.url}/generate`, init) : who.fetch('/generate', init);
}

/** Finishes every render, emptying the queue between scenarios. */
const drain = () => sqlClient.query(`UPDATE renders SET status = 'succeeded', finished_at = now() WHERE status IN ('queued', 'running')`);

const countRenders = async () => (await sqlClient.query(`SELECT count(*)::int AS n FROM renders`)).rows[0].n as number;

describe('render quotas', () => {
  it('counts renders, not requests, shared between /api/renders and the replaced /generate', async () => {
    const ana = await associateSession(app);
    expect((await order(ana, ['single-breasted', 'double-breasted'])).status).toBe(202); // 2 renders
    expect((await generate(ana)).status).toBe(201); // 4
    // A reused render is not new work: joining an identical order costs nothing.
    const again = await order(ana, ['single-breasted'], { family: catalog[0]!.id, color: catalog[0]!.colors[0]!.id });
    expect(again.status).toBe(202);
    expect((await json(again)).renders[0].reused).toBe(true);

    const before = await countRenders();
    const refused = await order(ana, ['single-breasted', 'double-breasted']); // would be 6 > 5
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await json(refused);
    expect(body.error.code).toBe('render_quota_exceeded');
    expect(body.error.message).toMatch(/5 renders/);
    // Refused means nothing written: no render, no batch, no job.
    expect(await countRenders()).toBe(before);
    expect((await generate(ana)).status).toBe(429);
    // One more fits exactly.
    expect((await order(ana, ['three-piece'])).status).toBe(202);
    expect((await order(ana, ['three-piece'])).status).toBe(429);

    // Another account still gets in until the whole queue is full, then everyone gets 503.
    const bea = await associateSession(app);
    expect((await order(bea, ['single-breasted', 'double-breasted'])).status).toBe(202); // total 7
    expect((await order(bea, ['single-breasted'])).status).toBe(202); // total 8
    const full = await order(await associateSession(app), ['single-breasted']);
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(full)).error.code).toBe('render_queue_full');

    // Finished renders free the allowance.
    await drain();
    expect((await order(ana, ['single-breasted'])).status).toBe(202);
  });

  it('counts per account when signed in: one allowance from any network, colleagues behind one shop IP each have theirs', async () => {
    await drain();
    const shopIp = '192.0.2.40';
    const carla = await associateSession(app);
    const dora = await associateSession(app);
    expect((await order(carla, ['single-breasted', 'double-breasted', 'three-piece'], undefined, shopIp)).status).toBe(202); // carla 3
    // The same associate on the café's wifi: still her allowance.
    expect((await order(carla, ['single-breasted', 'double-breasted'], undefined, '198.51.100.23')).status).toBe(202); // carla 5
    expect((await order(carla, ['single-breasted'], undefined, '198.51.100.99')).status).toBe(429);
    // Her colleague on the shop's IP is not held back by her.
    expect((await order(dora, ['single-breasted', 'double-breasted'], undefined, shopIp)).status).toBe(202); // dora 2, total 7
  });

  it('counts open legacy calls without a session by IP', async () => {
    await drain();
    const ip = '203.0.113.200';
    expect((await generate(ip)).status).toBe(201); // 2
    expect((await generate(ip)).status).toBe(201); // 4
    expect((await generate(ip)).status).toBe(429); // 6 > 5
    // Another address, or an account ordering from this one, has its own allowance.
    expect((await generate('203.0.113.201')).status).toBe(201);
    expect((await order(await associateSession(app), ['single-breasted'], undefined, ip)).status).toBe(202);
  });

  it('30 parallel orders from one account: exactly the allowance is accepted', async () => {
    await drain();
    const eva = await associateSession(app);
    // Ten fresh fabrics on each of three cuts: thirty distinct renders.
    const fabrics = await Promise.all(Array.from({ length: 10 }, () => fresh()));
    const cuts = ['single-breasted', 'double-breasted', 'three-piece'];
    const answers = await Promise.all(fabrics.flatMap((f) => cuts.map((cut) => order(eva, [cut], f))));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429 || s === 503)).toHaveLength(25);
  });
});
