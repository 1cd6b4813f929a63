/**
 * Which process renders what: GPU renders go only to workers whose ENGINES list comfyui. A CPU-only
 * worker never fetches one; they wait (not fail) until a GPU worker runs. A server without a GPU engine
 * refuses them with a clear 422, and /readyz says whether one is reachable.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleClient, createAccount, signIn } from '../admin/helpers.ts';
import { startFakeComfyUI, type FakeComfyUI } from '../helpers/fake-comfyui.ts';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { associateSession, type Session } from '../helpers/session.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let gpu: FakeComfyUI;
let cpu: TestApp;
let associate: Session;
const others: TestApp[] = [];

const comfyEnv = () => ({
  COMFYUI_URLS: gpu.url,
  COMFYUI_STEPS: '4',
  COMFYUI_REQUEST_TIMEOUT_MS: '8000',
  COMFYUI_RETRY_BACKOFF_MS: '20',
  JOB_MAX_ATTEMPTS: '1',
});

beforeAll(async () => {
  pg = await startTestDatabase();
  gpu = await startFakeComfyUI({ stepMs: 5 });
  // The API knows the GPU servers (it accepts and reports them), but its worker is CPU-only.
  cpu = await startTestApp({ databaseUrl: pg.url, env: { ENGINES: 'compose', ...comfyEnv() } });
  associate = await associateSession(cpu);
});
afterAll(async () => {
  for (const o of others) await o.close();
  await cpu?.close();
  await gpu?.stop();
  await pg?.stop();
});

const order = async (body: Record<string, unknown>) => {
  const res = await associate.send('POST', '/api/renders', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted'], ...body });
  return { status: res.status, body: await json(res) };
};
const renderOf = async (id: string) => json(await fetch(`${cpu.url}/api/renders/${id}`));

describe('GPU render routing', () => {
  it('a CPU-only worker never takes a comfyui render: it waits in the queue while compose renders go through', async () => {
    const gpuOrder = await order({ engine: 'comfyui' });
    expect(gpuOrder.status).toBe(202);
    const gpuId = gpuOrder.body.renders[0].id as string;
    // The CPU worker is alive and polling: a compose render ordered after it finishes.
    const composeOrder = await order({ color: 'charcoal' });
    // (The first render of a process waits for its threads to load the templates: generous on a busy machine.)
    await waitFor(async () => (await renderOf(composeOrder.body.renders[0].id)).status === 'succeeded', 180_000);
    // Another poll round or two of the CPU worker: the GPU render is still queued, untouched.
    const next = (await order({ color: 'black' })).body.renders[0].id;
    await waitFor(async () => (await renderOf(next)).status === 'succeeded', 30_000);
    const waiting = await renderOf(gpuId);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0, error: null });
    expect(gpu.prompts).toHaveLength(0);
    // graphile-worker's public view has no payload: its tables, as the reaper reads them.
    const job = await sql<{ task_identifier: string; attempts: number; locked_at: Date | null }>`
      SELECT t.identifier AS task_identifier, j.attempts, j.locked_at
        FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE j.payload->>'renderId' = ${gpuId}`.execute(cpu.rt.db);
    expect(job.rows).toEqual([{ task_identifier: 'render_gpu', attempts: 0, locked_at: null }]);
  });

  it('a GPU worker, once it runs, takes the waiting render and makes it', async () => {
    const queued = (await sql<{ id: string }>`SELECT id FROM renders WHERE engine = 'comfyui' AND status = 'queued'`.execute(cpu.rt.db)).rows;
    expect(queued).toHaveLength(1);
    others.push(await startTestApp({ databaseUrl: pg.url, seedDemo: false, env: { ENGINES: 'comfyui', ...comfyEnv() } }));
    // A new process: its threads load the templates before the render's compose step can run.
    await waitFor(async () => (await renderOf(queued[0]!.id)).status === 'succeeded', 180_000);
    expect(gpu.prompts).toHaveLength(1);
    const done = await renderOf(queued[0]!.id);
    expect(done.refinement.fidelity.action).toBe('refined');
  });

  it('/readyz reports a reachable GPU engine (a boolean only); the admin health says which server and what it runs', async () => {
    const ready = await json(await fetch(`${cpu.url}/readyz`));
    expect(ready).toMatchObject({ status: 'ready', gpu: true });
    expect(JSON.stringify(ready)).not.toContain('127.0.0.1');
    await createAccount(cpu, 'routing-admin@example.com', 'admin');
    const admin = consoleClient(cpu, await signIn(cpu, 'routing-admin@example.com'));
    const system = await admin.json('GET', '/api/admin/system');
    expect(system.gpu.servers).toEqual([expect.objectContaining({ url: gpu.url, reachable: true, device: expect.stringContaining('RTX 4090') })]);
    expect(system.gpu.workflows.map((w: { name: string }) => w.name)).toEqual(['refine', 'generate']);
    expect(system.gpu.workflows[0].nodeClasses).toEqual(expect.arrayContaining(['IPAdapterAdvanced', 'ControlNetApplyAdvanced', 'SetLatentNoiseMask']));

    await gpu.down();
    try {
      await waitFor(async () => (await json(await fetch(`${cpu.url}/readyz`))).gpu === false, 15_000);
      // The GPU being away does not make the service unready: compose still renders.
      expect((await fetch(`${cpu.url}/readyz`)).status).toBe(200);
    } finally {
      await gpu.up();
    }
  });

  it('a server without a GPU engine refuses comfyui renders with a clear 422', async () => {
    const plain = await startTestApp({ databaseUrl: pg.url, seedDemo: false, worker: false });
    others.push(plain);
    const session = await associateSession(plain);
    const res = await session.send('POST', '/api/renders', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted'], engine: 'comfyui' });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error.code).toBe('engine_unavailable');
    expect(body.error.message).toMatch(/Photoreal rendering is not available/);
    expect((await json(await fetch(`${plain.url}/readyz`))).gpu).toBe(false);
  });
});
