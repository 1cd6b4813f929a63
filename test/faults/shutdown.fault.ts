import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, json, startTestDatabase, tempDir, testEnv, waitFor } from '../helpers/harness.ts';
import { startAtelier, stopAll, type AtelierProcess } from '../helpers/processes.ts';
import { staffSession } from './helpers.ts';

/** SIGTERM to `atelier serve` (API + worker) while renders run and wait: nothing is lost. */
let pgServer: Awaited<ReturnType<typeof startTestDatabase>>;
let env: Record<string, string>;
const running: AtelierProcess[] = [];

beforeAll(async () => {
  pgServer = await startTestDatabase();
  env = testEnv({
    DATABASE_URL: pgServer.url,
    FILES_DIR: await tempDir('atelier-files-'),
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    TEST_RENDER_DELAY_MS: '1500',
    SHUTDOWN_TIMEOUT_MS: '8000',
  });
});

afterAll(async () => {
  await stopAll(running);
  await pgServer?.stop();
  if (env?.FILES_DIR) await rm(env.FILES_DIR, { recursive: true, force: true });
});

async function serve(): Promise<{ proc: AtelierProcess; api: string }> {
  const port = await freePort();
  const proc = startAtelier(['serve'], { ...env, PORT: String(port) });
  running.push(proc);
  await proc.waitForOutput(/Atelier is ready/, 60_000);
  return { proc, api: `http://127.0.0.1:${port}` };
}

describe('SIGTERM with renders in flight', () => {
  it('the process stops within SHUTDOWN_TIMEOUT_MS, and every render ordered before it ends succeeded once the next process runs', async () => {
    const first = await serve();
    const associate = await staffSession(first.api, env);
    const catalog = await json(await fetch(`${first.api}/api/catalog`));
    const ids: string[] = [];
    for (const f of catalog.families.slice(0, 6)) {
      // Full size: a lone preview renders on the API at once and would never wait in the queue.
      const res = await associate.send('POST', '/api/renders', { family: f.id, color: f.colors[0].id, cuts: ['single-breasted'], sizes: ['full'] });
      expect(res.status).toBe(202);
      ids.push((await json(res)).renders[0].id);
    }
    await waitFor(async () => (await json(await associate.fetch(`/api/renders/${ids[0]}`))).status === 'running', 30_000, 20);

    const signalled = Date.now();
    first.proc.child.kill('SIGTERM');
    expect(await first.proc.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(8_000 + 5_000);
    expect(first.proc.output()).toMatch(/"stopped"/);

    // Whatever was running either finished or went back to the queue; nothing is stuck or failed.
    const client = new pg.Client({ connectionString: pgServer.url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT status FROM renders WHERE id = ANY($1)`, [ids]);
      expect(rows.every((r) => ['queued', 'running', 'succeeded'].includes(r.status))).toBe(true);
      const locked = await client.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE locked_at IS NOT NULL`);
      expect(locked.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }

    const second = await serve();
    const finals = await waitFor(
      async () => {
        const all = await Promise.all(ids.map(async (id) => json(await fetch(`${second.api}/api/renders/${id}`, { headers: { cookie: associate.cookie } }))));
        return all.every((r) => r.status === 'succeeded') ? all : undefined;
      },
      90_000,
      200,
    );
    for (const r of finals) {
      const image = await fetch(second.api + r.images[0].url, { headers: { cookie: associate.cookie } });
      expect(image.status).toBe(200);
    }
  }, 240_000);
});
