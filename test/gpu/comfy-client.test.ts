/**
 * The ComfyUI client against the fake server speaking ComfyUI's protocol: every way a run ends, each
 * within its own timeout, and a cancel that leaves the server free.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComfyClient, ComfyError } from '../../src/engines/comfyui/client.ts';
import { startFakeComfyUI, type FakeComfyUI } from '../helpers/fake-comfyui.ts';
import { waitFor } from '../helpers/harness.ts';

const timeouts = { requestMs: 1000, queueMs: 3000, idleMs: 400, runMs: 5000 };

function workflow(image: string, steps = 6) {
  return {
    '1': { class_type: 'LoadImage', inputs: { image } },
    '2': { class_type: 'KSampler', inputs: { steps, seed: 1, model: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'atelier' } },
  };
}

let fake: FakeComfyUI;
let client: ComfyClient;
let init: Buffer;

beforeAll(async () => {
  fake = await startFakeComfyUI({ stepMs: 5 });
  client = new ComfyClient(fake.url, { timeouts, retries: 3, backoffMs: 30 });
  init = await sharp({ create: { width: 64, height: 96, channels: 3, background: '#1f3a6b' } })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await fake.stop();
});

async function prepared(steps = 6) {
  const up = await client.upload(init, 'init.png');
  return workflow(up.name, steps);
}

describe('ComfyUI client against the fake server', () => {
  it('reports the server, uploads, runs with progress and previews, and reads the output', async () => {
    fake.mode = 'success';
    const stats = await client.systemStats();
    expect(stats.devices[0]?.type).toBe('cuda');
    const progress: number[] = [];
    const result = await client.run(await prepared(), { onProgress: (p) => progress.push(p.fraction) });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((v) => v / 6));
    expect(result.previews).toBeGreaterThan(0);
    expect(result.images).toHaveLength(1);
    const png = await client.view(result.images[0]!);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([64, 96]);
    // Derived from the init image: same colour, lightly grained.
    const { dominant } = await sharp(png).stats();
    expect(Math.abs(dominant.b - 0x6b)).toBeLessThan(12);
  });

  it('a workflow the server refuses fails at once with the node that is wrong, not retried elsewhere', async () => {
    const error = await client.run(workflow('missing.png')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComfyError);
    expect((error as ComfyError).kind).toBe('refused');
    expect((error as ComfyError).retryElsewhere).toBe(false);
    expect((error as Error).message).toMatch(/node 1 \(LoadImage\).*Invalid image file: missing\.png/);
  });

  it("execution_error fails with the server's message", async () => {
    fake.mode = 'error';
    const error = (await client.run(await prepared()).catch((e: unknown) => e)) as ComfyError;
    expect(error.kind).toBe('execution');
    expect(error.message).toMatch(/failed in KSampler \(node 2\): CUDA out of memory/);
    await waitFor(async () => fake.busy() === 0, 3000);
  });

  it('a hang ends in a timeout within the idle limit and frees the server', async () => {
    fake.mode = 'hang';
    const started = Date.now();
    const error = (await client.run(await prepared()).catch((e: unknown) => e)) as ComfyError;
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/stopped reporting progress/);
    expect(Date.now() - started).toBeLessThan(timeouts.idleMs + 1500);
    await waitFor(async () => fake.busy() === 0, 3000);
    expect(fake.interrupts.length).toBeGreaterThan(0);
  });

  it('a dropped socket is reopened and the run still completes', async () => {
    fake.mode = 'disconnect';
    const result = await client.run(await prepared(10));
    expect(result.images).toHaveLength(1);
  });

  it('a server restarting mid-run is reported as lost (to retry elsewhere), never waited on', async () => {
    fake.mode = 'restart';
    const error = (await client.run(await prepared(10)).catch((e: unknown) => e)) as ComfyError;
    expect(error.kind).toBe('lost');
    expect(error.retryElsewhere).toBe(true);
    expect(fake.mode).toBe('success');
  });

  it('a prompt deleted from the queue is reported, not waited on', async () => {
    fake.mode = 'queueDelete';
    const started = Date.now();
    const error = (await client.run(await prepared()).catch((e: unknown) => e)) as ComfyError;
    expect(error.kind).toBe('lost');
    expect(Date.now() - started).toBeLessThan(timeouts.queueMs);
    fake.mode = 'success';
  });

  it('cancel interrupts the running prompt and deletes it from the queue', async () => {
    fake.mode = 'success';
    fake.stepMs = 50;
    const controller = new AbortController();
    const run = client.run(await prepared(40), { signal: controller.signal, onProgress: (p) => p.value === 2 && controller.abort() });
    const error = (await run.catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AbortError');
    const id = fake.prompts.at(-1)!.id;
    await waitFor(async () => fake.busy() === 0, 3000);
    expect(fake.interrupts.some((i) => i.promptId === id)).toBe(true);
    expect(fake.deleted).toContain(id);
    fake.stepMs = 5;
  });

  it('an unreachable server fails after its retries with a connection error', async () => {
    const down = new ComfyClient('http://127.0.0.1:1', { timeouts, retries: 1, backoffMs: 10 });
    const error = (await down.systemStats().catch((e: unknown) => e)) as ComfyError;
    expect(error.kind).toBe('connection');
    expect(error.message).toMatch(/could not be reached/);
  });
});
