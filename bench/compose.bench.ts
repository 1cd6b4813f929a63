/**
 * Compose engine benchmarks. `bench/run.ts` imports `benchCompose()`; run alone with
 *   node --import tsx bench/compose.bench.ts
 * This file is also its own worker (for the two-thread throughput figure).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createComposeEngine, type ComposeEngine } from '../src/engines/compose/index.ts';
import type { FabricSpec, RenderRequest } from '../src/engines/types.ts';

const CUT = 'single-breasted';
const VIEW = 'front';
const fabric: FabricSpec = {
  hex: '#1A2236',
  design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 },
};
const watermark = { text: 'ATELIER · SAMPLE', opacity: 0.6, position: 'bottom-right' as const };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const round = (x: number) => Math.round(x * 100) / 100;

async function timeIt(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function encodeJpeg(raw: { rgb: Uint8Array; width: number; height: number }) {
  return sharp(raw.rgb, { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({ quality: 86 }).toBuffer();
}

function randomHex(i: number): string {
  const x = (Math.imul(i + 1, 2654435761) >>> 0) & 0xffffff;
  return `#${x.toString(16).padStart(6, '0')}`;
}

async function workerLoop(): Promise<void> {
  const engine = createComposeEngine();
  await engine.template(CUT, VIEW);
  await engine.render({ cut: CUT, view: VIEW, fabric, watermark });
  parentPort!.postMessage({ ready: true });
  const { durationMs } = workerData as { durationMs: number };
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  const end = performance.now() + durationMs;
  let count = 0;
  while (performance.now() < end) {
    await engine.render({ cut: CUT, view: VIEW, fabric, watermark });
    count++;
  }
  parentPort!.postMessage({ count });
}

async function rendersPerSecond(threads: number, durationMs: number): Promise<number> {
  // On Node 20 tsx's loader does not reach worker threads (not even with execArgv --import tsx), so
  // the worker's eval entry loads this file through tsx's own tsImport.
  const api = import.meta.resolve('tsx/esm/api');
  const entry = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
  const workers = Array.from(
    { length: threads },
    () => new Worker(entry, { eval: true, execArgv: ['--import', 'tsx'], workerData: { composeBenchWorker: true, durationMs } }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  })));
  const t = performance.now();
  const counts = workers.map((w) => new Promise<number>((resolve, reject) => {
    w.once('message', (m: { count: number }) => resolve(m.count));
    w.once('error', reject);
  }));
  for (const w of workers) w.postMessage('go');
  const total = (await Promise.all(counts)).reduce((a, b) => a + b, 0);
  const secs = (performance.now() - t) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  return total / secs;
}

/**
 * Peak RSS of a render worker as deployed: a fresh process that loads its templates from the disk
 * cache and renders continuously (alternating colours and views). Runs this file with --rss.
 */
async function peakRssChild(cacheDir: string, durationMs: number): Promise<{ peakMb: number; renders: number; baselineMb: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--rss', cacheDir, String(durationMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((resolve, reject) => {
    child.on('exit', resolve);
    child.on('error', reject);
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

async function rssChildMain(cacheDir: string, durationMs: number): Promise<void> {
  const engine = createComposeEngine({ templateCacheDir: cacheDir });
  await engine.template(CUT, 'front');
  await engine.template(CUT, 'three-quarter');
  const baselineMb = round(process.memoryUsage().rss / 1024 / 1024);
  console.log(JSON.stringify({ ...(await peakRss(engine, durationMs)), baselineMb }));
}

async function peakRss(engine: ComposeEngine, durationMs: number): Promise<{ peakMb: number; renders: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const end = performance.now() + durationMs;
  let renders = 0;
  const req: RenderRequest = { cut: CUT, view: VIEW, fabric, watermark };
  // Alternate colours and both drawn views, as an associate flicking through a bunch would.
  while (performance.now() < end) {
    const hex = randomHex(renders % 40);
    await engine.render({ ...req, view: renders % 2 ? 'front' : 'three-quarter', fabric: { ...fabric, hex } });
    peak = Math.max(peak, process.memoryUsage().rss);
    renders++;
  }
  clearInterval(timer);
  return { peakMb: round(peak / 1024 / 1024), renders };
}

export async function benchCompose(): Promise<Record<string, unknown>> {
  const engine = createComposeEngine();
  const t0 = performance.now();
  await engine.template(CUT, VIEW);
  const templateBuildMs = performance.now() - t0;
  const req = { cut: CUT, view: VIEW, fabric };
  // Warm the JIT and the texture cache.
  for (let i = 0; i < 10; i++) await engine.render({ ...req, watermark });

  const N = 40;
  const fullJpeg = await timeIt(N, async () => encodeJpeg(await engine.renderRaw(req, 'full')));
  const previewJpeg = await timeIt(N, async () => encodeJpeg(await engine.renderRaw(req, 'preview')));
  const thumbJpeg = await timeIt(N, async () => encodeJpeg(await engine.renderRaw(req, 'thumb')));
  const timings: Array<Record<string, number>> = [];
  const renderAll = await timeIt(N, async () => {
    const r = await engine.render({ ...req, watermark });
    timings.push(r.timings);
  });
  const withWebp = await timeIt(10, () => engine.render({ ...req, watermark, formats: ['webp'] }));
  let k = 1000;
  const newColour = await timeIt(20, async () => {
    const f = { ...fabric, hex: randomHex(k++) };
    for (const size of ['full', 'preview', 'thumb'] as const) await engine.renderRaw({ ...req, fabric: f }, size).then(() => undefined);
  });
  const newColourTextureOnly = await timeIt(20, () => {
    const f = { ...fabric, hex: randomHex(k++) };
    const cv = engine.template(CUT, VIEW);
    return cv.then((v) => {
      for (const size of ['full', 'preview', 'thumb'] as const) engine.textureCache.get(f, v.levels[size].pxPerMm);
    });
  });
  const stage = (name: string) => round(median(timings.map((t) => t[name] ?? 0)));

  const cacheDir = await mkdtemp(join(tmpdir(), 'atelier-bench-'));
  const cached = createComposeEngine({ templateCacheDir: cacheDir });
  await cached.template(CUT, 'front');
  await cached.template(CUT, 'three-quarter');
  const rss = await peakRssChild(cacheDir, 4000);
  await rm(cacheDir, { recursive: true, force: true });
  const rps2 = await rendersPerSecond(2, 4000);
  return {
    cutView: `${CUT}/${VIEW}`,
    fabric: 'pinstripe twill',
    templateBuildMs: round(templateBuildMs),
    fullRenderJpegMedianMs: round(median(fullJpeg)),
    previewRenderJpegMedianMs: round(median(previewJpeg)),
    thumbRenderJpegMedianMs: round(median(thumbJpeg)),
    renderAllSizesJpegMedianMs: round(median(renderAll)),
    renderAllSizesJpegWebpMedianMs: round(median(withWebp)),
    renderStagesMedianMs: {
      render_full: stage('render_full'),
      render_preview: stage('render_preview'),
      render_thumb: stage('render_thumb'),
      encode: stage('encode'),
    },
    newColourTextureAllSizesMedianMs: round(median(newColourTextureOnly)),
    newColourFirstRenderAllSizesMedianMs: round(median(newColour)),
    rendersPerSecond2Threads: round(rps2),
    workerPeakRssMb: rss.peakMb,
    workerRssAfterTemplateLoadMb: rss.baselineMb,
    workerRssRenders: rss.renders,
  };
}

if (!isMainThread && (workerData as { composeBenchWorker?: boolean } | undefined)?.composeBenchWorker) {
  await workerLoop();
} else if (isMainThread && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--rss');
  if (i >= 0) await rssChildMain(process.argv[i + 1], Number(process.argv[i + 2]));
  else console.log(JSON.stringify(await benchCompose(), null, 2));
}
