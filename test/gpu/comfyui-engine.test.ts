/**
 * The photoreal engine through the API, the queue and SSE, against fake ComfyUI servers speaking the
 * real protocol: a render's whole life, each way a server can fail ending in a clear state within its
 * timeout, cancel freeing the server, and the fidelity guard against a server that repaints the cloth.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deltaE2000, linearToLab, SRGB8_TO_LINEAR } from '../../src/fabrics/color.ts';
import { consoleClient, createAccount, signIn } from '../admin/helpers.ts';
import { startFakeComfyUI, type FakeComfyMode, type FakeComfyUI } from '../helpers/fake-comfyui.ts';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { associateSession, type Session } from '../helpers/session.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let gpuA: FakeComfyUI;
let gpuB: FakeComfyUI;
let associate: Session;

// Short enough to keep the failure tests quick, long enough for a loaded two-core machine (4 s was
// not: at load 20 a restarting fake server stayed silent longer than that).
const IDLE_MS = 10_000;

beforeAll(async () => {
  pg = await startTestDatabase();
  gpuA = await startFakeComfyUI({ stepMs: 10 });
  gpuB = await startFakeComfyUI({ stepMs: 10 });
  t = await startTestApp({
    databaseUrl: pg.url,
    env: {
      ENGINES: 'compose,comfyui',
      COMFYUI_URLS: `${gpuA.url},${gpuB.url}`,
      COMFYUI_STEPS: '12',
      COMFYUI_REQUEST_TIMEOUT_MS: '8000',
      COMFYUI_IDLE_TIMEOUT_MS: String(IDLE_MS),
      COMFYUI_QUEUE_TIMEOUT_MS: '5000',
      COMFYUI_RUN_TIMEOUT_MS: '20000',
      COMFYUI_RETRY_BACKOFF_MS: '20',
      COMFYUI_HEALTH_TTL_MS: '0',
      COMFYUI_SERVER_TRIES: '3',
      JOB_MAX_ATTEMPTS: '1',
    },
  });
  associate = await associateSession(t);
});
afterAll(async () => {
  await t?.close();
  await gpuA?.stop();
  await gpuB?.stop();
  await pg?.stop();
});

const post = (path: string, body: unknown) => associate.send('POST', path, body);

async function order(body: Record<string, unknown>) {
  const res = await post('/api/renders', { cuts: ['single-breasted'], engine: 'comfyui', ...body });
  const answer = await json(res);
  if (!answer.renders) throw new Error(`order failed: ${res.status} ${JSON.stringify(answer)}`);
  return answer.renders[0] as { id: string; status: string };
}
async function finished(id: string, timeoutMs = 90_000) {
  return waitFor(async () => {
    const r = await json(await fetch(`${t.url}/api/renders/${id}`));
    return ['succeeded', 'failed', 'canceled'].includes(r.status) ? r : undefined;
  }, timeoutMs);
}
async function image(url: string) {
  const { data, info } = await sharp(Buffer.from(await (await fetch(t.url + url)).arrayBuffer()))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { px: data, width: info.width, height: info.height };
}
/** Mean colour (Lab) of a rectangle of the jacket's front, well inside the garment. */
function jacketLab(img: { px: Buffer; width: number }) {
  let r = 0,
    g = 0,
    b = 0,
    n = 0;
  for (let y = 900; y < 1000; y++) {
    for (let x = 380; x < 460; x++) {
      const i = (y * img.width + x) * 3;
      r += SRGB8_TO_LINEAR[img.px[i]!]!;
      g += SRGB8_TO_LINEAR[img.px[i + 1]!]!;
      b += SRGB8_TO_LINEAR[img.px[i + 2]!]!;
      n++;
    }
  }
  return linearToLab([r / n, g / n, b / n]);
}
const full = (render: { images: Array<{ size: string; format: string; url: string }> }) =>
  render.images.find((i) => i.size === 'full' && i.format === 'jpeg')!.url;

describe("comfyui engine: a render's life", () => {
  it('orders, streams sampler progress over SSE, refines on a GPU server and stores three sizes like any render', async () => {
    // Slow enough sampling for the stream to carry several steps (progress is sent at most every 100 ms).
    gpuA.stepMs = 60;
    gpuB.stepMs = 60;
    const r = await order({ family: 'city-pinstripe', color: 'navy' });
    // Ordered, not answered from the cache: on a busy machine a worker may claim it before the answer is written.
    expect(['queued', 'running']).toContain(r.status);
    const stream = await fetch(`${t.url}/api/renders/${r.id}/events`);
    const text = await stream.text();
    gpuA.stepMs = 10;
    gpuB.stepMs = 10;
    const progress = [...text.matchAll(/event: progress\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!).progress as number);
    // The sampler's steps reach the stream as the render's progress, rising.
    expect(progress.filter((p) => p > 0.1 && p < 0.92).length).toBeGreaterThanOrEqual(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const statuses = [...text.matchAll(/event: status\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!));
    const render = statuses.at(-1);
    expect(render.status).toBe('succeeded');
    expect(render.engine).toBe('comfyui');
    expect(render.refinement).toMatchObject({ workflow: 'refine', settings: { steps: 12, cfg: 6.5, denoise: 0.35, seed: 42 }, serverRetries: 0 });
    expect(render.refinement.fidelity.action).toBe('refined');
    expect(render.refinement.fidelity.deltaE.delivered).toBeLessThan(3);
    // Pinstripes 10 mm apart at the view's 0.9 px/mm: a 9 px period, kept by the refinement.
    expect(render.refinement.fidelity.period).toMatchObject({ compose: 9, refined: 9 });
    expect(render.refinement.fidelity.period.similarity).toBeGreaterThan(0.8);

    const sizes = Object.fromEntries(render.images.map((i: any) => [i.size, i]));
    expect(sizes.full).toMatchObject({ width: 1024, height: 1536, format: 'jpeg' });
    expect(sizes.preview).toMatchObject({ width: 512, height: 768 });

    // What the GPU server was sent: the compose render, the garment mask, the cloth; the workflow filled in.
    const sent = [gpuA, gpuB].flatMap((g) => g.prompts).find((p) => Object.values(p.prompt).some((n) => n.class_type === 'KSampler'))!;
    const sampler = Object.values(sent.prompt).find((n) => n.class_type === 'KSampler')!;
    expect(sampler.inputs).toMatchObject({ steps: 12, cfg: 6.5, denoise: 0.35, seed: 42 });
    const uploaded = [...gpuA.uploads.entries(), ...gpuB.uploads.entries()];
    const init = uploaded.find(([name]) => name.endsWith('-init.png'))![1];
    const mask = uploaded.find(([name]) => name.endsWith('-mask.png'))![1];
    expect(await sharp(init).metadata()).toMatchObject({ width: 1024, height: 1536 });
    const maskMeta = await sharp(mask).metadata();
    expect([maskMeta.width, maskMeta.height, maskMeta.channels]).toEqual([1024, 1536, 1]);
    const maskPx = await sharp(mask).extractChannel(0).raw().toBuffer();
    expect(maskPx[950 * 1024 + 420]).toBe(255); // the jacket's front is cloth
    expect(maskPx[20 * 1024 + 20]).toBe(0); // the backdrop is not

    // The delivered image is the refinement (grain, softness), with the compose render's colour.
    const compose = await json(await post('/api/renders', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted'] }));
    const composeRender = await finished(compose.renders[0].id);
    const [a, b] = [await image(full(render)), await image(full(composeRender))];
    let differing = 0;
    for (let i = 0; i < a.px.length; i += 97) if (Math.abs(a.px[i]! - b.px[i]!) > 2) differing++;
    expect(differing).toBeGreaterThan(a.px.length / 97 / 20);
    expect(deltaE2000(jacketLab(a), jacketLab(b))).toBeLessThan(2);
  });

  it('takes per-request settings within bounds, refuses others, and renders anew for new settings', async () => {
    const r = await order({ family: 'city-pinstripe', color: 'navy', comfyui: { steps: 4, denoise: 0.5, seed: 7 } });
    const done = await finished(r.id);
    expect(done.status).toBe('succeeded');
    expect(done.refinement.settings).toMatchObject({ steps: 4, denoise: 0.5, seed: 7 });
    const bad = await post('/api/renders', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted'], engine: 'comfyui', comfyui: { denoise: 2 } });
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.message).toMatch(/denoise/);
    const wrongEngine = await post('/api/renders', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted'], comfyui: { steps: 4 } });
    expect(wrongEngine.status).toBe(422);
    expect((await json(wrongEngine)).error.message).toMatch(/only to engine "comfyui"/);
  });

  it('spreads renders over the servers and skips one that is down', async () => {
    const before = { a: gpuA.prompts.length, b: gpuB.prompts.length };
    await gpuB.down();
    try {
      const r = await order({ family: 'city-pinstripe', color: 'charcoal' });
      const done = await finished(r.id);
      expect(done.status, done.error).toBe('succeeded');
      expect(gpuA.prompts.length).toBe(before.a + 1);
    } finally {
      await gpuB.up();
    }
    const r1 = await order({ family: 'city-pinstripe', color: 'navy', comfyui: { seed: 101 } });
    const r2 = await order({ family: 'city-pinstripe', color: 'navy', comfyui: { seed: 102 } });
    expect((await finished(r1.id)).status).toBe('succeeded');
    expect((await finished(r2.id)).status).toBe('succeeded');
    expect(gpuB.prompts.length).toBeGreaterThan(before.b);
  });
});

/** Both fake servers behave as `mode` while `fn` runs, and are healthy again after, whatever happens. */
async function bothServersIn(mode: FakeComfyMode, fn: () => Promise<void>) {
  gpuA.mode = mode;
  gpuB.mode = mode;
  try {
    await fn();
  } finally {
    gpuA.mode = 'success';
    gpuB.mode = 'success';
  }
}

describe('comfyui engine: failures end in a clear state', () => {
  it("execution_error: failed with the server's message, not retried", async () => {
    await bothServersIn('error', async () => {
      const done = await finished((await order({ family: 'city-pinstripe', color: 'navy', comfyui: { seed: 201 } })).id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/^Photoreal rendering failed: .*KSampler.*CUDA out of memory/);
      expect(done.error).not.toMatch(/http:\/\//);
      expect(done.attempts).toBe(1);
    });
  });

  it('a hang: failed within the idle timeout on each server tried, and both servers freed', async () => {
    await bothServersIn('hang', async () => {
      const started = Date.now();
      const done = await finished((await order({ family: 'city-pinstripe', color: 'navy', comfyui: { seed: 202 } })).id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(new RegExp(`stopped reporting progress for ${IDLE_MS} ms`));
      // Three tries over the two servers (COMFYUI_SERVER_TRIES=3), each given up after IDLE_MS of silence.
      expect(Date.now() - started).toBeLessThan(3 * IDLE_MS + 15_000);
      await waitFor(async () => gpuA.busy() === 0 && gpuB.busy() === 0, 5000);
    });
  });

  it('a dropped progress socket: reconnected, the render succeeds', async () => {
    await bothServersIn('disconnect', async () => {
      const done = await finished((await order({ family: 'city-pinstripe', color: 'navy', comfyui: { seed: 203 } })).id);
      expect(done.status).toBe('succeeded');
    });
  });

  it('a server restarting mid-job: the render is retried on the next server and succeeds', async () => {
    await bothServersIn('restart', async () => {
      const done = await finished((await order({ family: 'city-pinstripe', color: 'navy', comfyui: { seed: 204 } })).id);
      // Each server restarted under it once (and came back healthy); the third try made the image.
      expect(done.status, done.error).toBe('succeeded');
      expect(done.refinement.serverRetries).toBe(2);
    });
  });

  it("a prompt deleted from the server's queue: failed clearly, not waited on", async () => {
    await bothServersIn('queueDelete', async () => {
      const done = await finished((await order({ family: 'city-pinstripe', color: 'navy', comfyui: { seed: 205 } })).id, 10_000);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/lost the workflow/);
    });
  });

  it('cancel while sampling: the server is interrupted, the prompt deleted, the render canceled', async () => {
    await createAccount(t, 'gpu-admin@example.com', 'admin');
    const admin = consoleClient(t, await signIn(t, 'gpu-admin@example.com'));
    gpuA.stepMs = 60;
    gpuB.stepMs = 60;
    try {
      const r = await order({ family: 'city-pinstripe', color: 'navy', comfyui: { seed: 206, steps: 60 } });
      await waitFor(async () => {
        const now = await json(await fetch(`${t.url}/api/renders/${r.id}`));
        return now.status === 'running' && now.progress > 0.15;
      });
      const promptId = gpuA.running() ?? gpuB.running();
      expect(promptId).toBeTruthy();
      expect(await admin.json('POST', `/api/admin/renders/${r.id}/cancel`)).toEqual({ status: 'canceled' });
      await waitFor(async () => gpuA.busy() === 0 && gpuB.busy() === 0, 5000);
      expect([...gpuA.interrupts, ...gpuB.interrupts].some((i) => i.promptId === promptId)).toBe(true);
      expect([...gpuA.deleted, ...gpuB.deleted]).toContain(promptId);
      expect((await finished(r.id)).status).toBe('canceled');
    } finally {
      gpuA.stepMs = 10;
      gpuB.stepMs = 10;
    }
  });
});

describe('comfyui engine: the fidelity guard', () => {
  it("a server that repaints the cloth: its colour is replaced by the cloth's, and the render says so", async () => {
    await bothServersIn('colorShift', async () => {
      const done = await finished((await order({ family: 'city-pinstripe', color: 'charcoal', comfyui: { seed: 301 } })).id);
      expect(done.status, done.error).toBe('succeeded');
      const f = done.refinement.fidelity;
      expect(f.deltaE.refined).toBeGreaterThan(3);
      expect(['blended', 'compose']).toContain(f.action);
      expect(f.deltaE.delivered).toBeLessThan(3);
      expect(f.reason).toMatch(/colour drifted/);
      const compose = await json(await post('/api/renders', { family: 'city-pinstripe', color: 'charcoal', cuts: ['single-breasted'] }));
      const composeRender = await finished(compose.renders[0].id);
      expect(deltaE2000(jacketLab(await image(full(done))), jacketLab(await image(full(composeRender))))).toBeLessThan(3);
    });
  });
});
