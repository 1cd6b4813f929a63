import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, json, startTestDatabase, tempDir, testEnv, waitFor } from '../helpers/harness.ts';
import { ADMIN_ENV, adminSessionAt, type Session } from '../helpers/session.ts';
import { startAtelier, stopAll, type AtelierProcess } from '../helpers/processes.ts';

/**
 * Workers taken for dead (issue 13, items 1 and 4): real worker processes paused with SIGSTOP or
 * killed with SIGKILL mid-render, against one API and one PostgreSQL.
 */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let env: Record<string, string>;
const running: AtelierProcess[] = [];

async function startApi(extra: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const server = startAtelier(['serve'], { ...env, PORT: String(port), RUN_WORKER: 'false', ...extra });
  running.push(server);
  await server.waitForOutput(/Atelier is ready/);
  return `http://127.0.0.1:${port}`;
}

function startWorker(extra: Record<string, string> = {}): AtelierProcess {
  const w = startAtelier(['worker'], { ...env, WORKER_CONCURRENCY: '1', ...extra });
  running.push(w);
  return w;
}

const stylists: Record<string, Session> = {};
async function order(api: string, body: Record<string, unknown>): Promise<{ status: number; render: any }> {
  // Each API process has its own session secret unless JWT_SECRET is set: sign in to the one asked.
  stylists[api] ??= await adminSessionAt(api);
  const res = await stylists[api].fetch('/api/renders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const payload = await json(res);
  return { status: res.status, render: payload.renders?.[0] ?? payload };
}

const getRender = async (api: string, id: string) => json(await fetch(`${api}/api/renders/${id}`));

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  return out;
}

beforeAll(async () => {
  pg = await startTestDatabase();
  env = testEnv({ DATABASE_URL: pg.url, FILES_DIR: await tempDir('atelier-files-'), LOG_LEVEL: 'info', HOST: '127.0.0.1', ...ADMIN_ENV });
});

afterAll(async () => {
  // A paused process cannot take SIGTERM: wake everything first.
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGCONT');
  await stopAll(running);
  await pg?.stop();
  if (env?.FILES_DIR) await rm(env.FILES_DIR, { recursive: true, force: true });
});

describe('a worker wrongly taken for dead', () => {
  it("paused past WORKER_DEAD_AFTER_MS while another re-ran its job: on waking it neither deletes nor overwrites the other's images, nor finishes the render", async () => {
    const api = await startApi();
    // A pauses during its (test-only) render delay, after claiming the render.
    const a = startWorker({ TEST_RENDER_DELAY_MS: '3000' });
    await a.waitForOutput(/worker started/, 60_000);
    const { render: ordered } = await order(api, { family: 'birdseye', color: 'navy', cuts: ['three-piece'], view: 'front' });
    await waitFor(async () => (await getRender(api, ordered.id)).status === 'running', 30_000, 20);
    a.child.kill('SIGSTOP');

    const b = startWorker();
    const done = await waitFor(
      async () => {
        const r = await getRender(api, ordered.id);
        return r.status === 'succeeded' ? r : undefined;
      },
      60_000,
      50,
    );
    expect(done.attempts).toBe(2);
    // B wrote under its own attempt's keys.
    expect(done.images.length).toBe(3);
    for (const image of done.images) expect(image.url).toMatch(new RegExp(`/${ordered.id}/2/`));
    await b.waitForOutput(/"render succeeded"/, 10_000);

    const bytesOf = async (url: string) => {
      const res = await fetch(new URL(url, api));
      expect(res.status, url).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const before = await Promise.all(done.images.map((i: any) => bytesOf(i.url)));

    // A wakes, finishes its render late, and must find the render no longer its own.
    a.child.kill('SIGCONT');
    await a.waitForOutput(/taken over by another attempt/, 60_000);

    const after = await getRender(api, ordered.id);
    expect(after).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(after.images).toEqual(done.images);
    const now = await Promise.all(after.images.map((i: any) => bytesOf(i.url)));
    now.forEach((b, k) => expect(Buffer.compare(b, before[k]!)).toBe(0));
    // A removed what it wrote under its own attempt; B's files are all there is.
    const files = (await filesUnder(env.FILES_DIR!)).filter((f) => f.includes(ordered.id) && !f.endsWith('.content-type'));
    expect(files.length).toBe(3);
    for (const f of files) expect(f).toContain(`/${ordered.id}/2/`);

    // An identical request is served the good render.
    const again = await order(api, { family: 'birdseye', color: 'navy', cuts: ['three-piece'], view: 'front' });
    expect(again.status).toBe(200);
    expect(again.render.id).toBe(ordered.id);
    await stopAll([a, b]);
  }, 240_000);
});

describe('a render whose job is exhausted', () => {
  it('with JOB_MAX_ATTEMPTS=1 and its worker killed: the reaper fails it with a reason, and an identical request renders afresh', async () => {
    const api = await startApi({ JOB_MAX_ATTEMPTS: '1' });
    const doomed = startWorker({ TEST_RENDER_DELAY_MS: '60000', JOB_MAX_ATTEMPTS: '1' });
    await doomed.waitForOutput(/worker started/, 60_000);
    const body = { family: 'winter-flannel', color: 'charcoal', cuts: ['double-breasted'], view: 'front' };
    const { render: ordered } = await order(api, body);
    await waitFor(async () => (await getRender(api, ordered.id)).status === 'running', 30_000, 20);
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    const rescuer = startWorker({ JOB_MAX_ATTEMPTS: '1' });
    const failed = await waitFor(
      async () => {
        const r = await getRender(api, ordered.id);
        return r.status === 'failed' ? r : undefined;
      },
      60_000,
      50,
    );
    expect(failed.error).toMatch(/order it again/);
    await rescuer.waitForOutput(/no attempt left/, 10_000);

    // Not joined to the failed render: a new one, rendered.
    const again = await order(api, body);
    expect(again.status).toBe(202);
    expect(again.render.id).not.toBe(ordered.id);
    const fresh = await waitFor(
      async () => {
        const r = await getRender(api, again.render.id);
        return r.status === 'succeeded' ? r : undefined;
      },
      60_000,
      50,
    );
    expect(fresh.attempts).toBe(1);
    await stopAll([rescuer]);
  }, 240_000);
});
