/**
 * Compose engine benchmarks, through the render service (src/rendering) exactly as the product
 * renders: a piscina thread renders and encodes, buffers come back by transfer. `bench/run.ts` imports
 * `benchCompose()`; run alone with
 *   node --import tsx bench/compose.bench.ts
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FabricDescriptor } from '../src/rendering/index.ts';
import { createRenderService, type RenderJob, type RenderService } from '../src/rendering/index.ts';
import { createComposeEngine } from '../src/engines/compose/index.ts';
import { HEAP_SETTINGS } from '../src/ops/heap-settings.ts';
import { resolveOptions, type StyleOptions } from '../src/templates/options.ts';
import { median } from './stats.ts';

const CUT = 'single-breasted';
const VIEW = 'front';
const fabric: FabricDescriptor = {
  hex: '#1A2236',
  design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 },
};
const watermark = { text: 'ATELIER · SAMPLE', opacity: 0.6, position: 'bottom-right' as const };
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

function randomHex(i: number): string {
  const x = (Math.imul(i + 1, 2654435761) >>> 0) & 0xffffff;
  return `#${x.toString(16).padStart(6, '0')}`;
}

/** Renders completed per second by `threads` threads kept busy (two tasks in flight per thread). */
async function rendersPerSecond(service: RenderService, threads: number, durationMs: number): Promise<number> {
  const job: RenderJob = { cut: CUT, view: VIEW, fabric, watermark };
  const end = performance.now() + durationMs;
  const t = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: threads * 2 }, async () => {
      while (performance.now() < end) {
        await service.render(job);
        count++;
      }
    }),
  );
  return count / ((performance.now() - t) / 1000);
}

/**
 * Peak RSS of a render process as deployed: a fresh process whose one render thread loads its
 * templates from the disk cache and renders continuously (alternating colours and views).
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

/**
 * What `npm start` does before it says it is ready, in a fresh process: the render threads load (or,
 * with an empty cache directory, build) the shipped templates; then the first render as a client
 * would order it. Wall-clock milliseconds.
 */
async function startChild(cacheDir: string, env = process.env): Promise<{ readyMs: number; firstRenderMs: number; firstPreviewMs: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--start', cacheDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((resolve, reject) => {
    child.on('exit', resolve);
    child.on('error', reject);
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

async function startChildMain(cacheDir: string): Promise<void> {
  const t0 = performance.now();
  const service = createRenderService({ threads: 2, textureCacheBytes: 128 * 1024 * 1024, templateCacheDir: cacheDir, draftAhead: true });
  await service.warm();
  const readyMs = performance.now() - t0;
  let t = performance.now();
  await service.render({ cut: CUT, view: VIEW, fabric, watermark });
  const firstRenderMs = performance.now() - t;
  // Another cut's preview (the stylist's next tap), on the other thread if it is free.
  t = performance.now();
  await service.render({ cut: 'double-breasted', view: 'three-quarter', fabric: { ...fabric, hex: '#2B2B2B' }, sizes: ['preview'] });
  const firstPreviewMs = performance.now() - t;
  await service.close();
  console.log(JSON.stringify({ readyMs: round(readyMs), firstRenderMs: round(firstRenderMs), firstPreviewMs: round(firstPreviewMs) }));
}

async function rssChildMain(cacheDir: string, durationMs: number): Promise<void> {
  const service = createRenderService({ threads: 1, textureCacheBytes: 128 * 1024 * 1024, templateCacheDir: cacheDir });
  await service.warm();
  const baselineMb = round(process.memoryUsage().rss / 1024 / 1024);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const end = performance.now() + durationMs;
  let renders = 0;
  while (performance.now() < end) {
    const hex = randomHex(renders % 40);
    await service.render({ cut: CUT, view: renders % 2 ? 'front' : 'three-quarter', fabric: { ...fabric, hex }, watermark });
    renders++;
  }
  clearInterval(timer);
  await service.close();
  console.log(JSON.stringify({ peakMb: round(peak / 1024 / 1024), renders, baselineMb }));
}

/** How long an associate looks at a preview before the next tap. */
const LOOK_MS = 4000;

export async function benchCompose(): Promise<Record<string, unknown>> {
  const loadAtStart = loadavg()[0];
  // Template rasterisation is the engine's own start-up work (then cached on disk).
  const t0 = performance.now();
  await createComposeEngine().template(CUT, VIEW);
  const templateBuildMs = performance.now() - t0;

  const cacheDir = await mkdtemp(join(tmpdir(), 'atelier-bench-'));
  // A fresh data directory: `npm start` builds every shipped view before it is ready (once).
  const freshStart = await startChild(cacheDir);
  // A restart: the templates are read from the cache directory.
  const restart = await startChild(cacheDir);
  // The fresh start again in a process with glibc's own heap settings (src/ops/heap-settings.ts):
  // what ours save.
  const glibcDefaults = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in HEAP_SETTINGS)));
  const bareCacheDir = await mkdtemp(join(tmpdir(), 'atelier-bench-'));
  const freshStartGlibcHeap = await startChild(bareCacheDir, glibcDefaults).finally(() => rm(bareCacheDir, { recursive: true, force: true }));
  const service = createRenderService({ threads: 2, textureCacheBytes: 128 * 1024 * 1024, templateCacheDir: cacheDir, draftAhead: true });
  try {
    await service.warm();
    const job: RenderJob = { cut: CUT, view: VIEW, fabric };
    // Warm the JIT and the texture caches of both threads.
    for (let i = 0; i < 10; i++) await service.render({ ...job, watermark });

    const N = 40;
    const fullTimings: Array<Record<string, number>> = [];
    const previewTimings: Array<Record<string, number>> = [];
    const full = await timeIt(N, async () => fullTimings.push((await service.render({ ...job, sizes: ['full'] })).timings));
    const preview = await timeIt(N, async () => previewTimings.push((await service.render({ ...job, sizes: ['preview'] })).timings));
    const thumb = await timeIt(N, () => service.render({ ...job, sizes: ['thumb'] }));
    const timings: Array<Record<string, number>> = [];
    const renderAll = await timeIt(N, async () => timings.push((await service.render({ ...job, watermark })).timings));
    const withWebp = await timeIt(10, () => service.render({ ...job, watermark, formats: ['webp'] }));
    let k = 1000;
    const newColour = await timeIt(20, () => service.render({ ...job, watermark, fabric: { ...fabric, hex: randomHex(k++) } }));
    const newColourPreview = await timeIt(20, () => service.render({ ...job, sizes: ['preview'], watermark, fabric: { ...fabric, hex: randomHex(k++) } }));
    const stage = (name: string) => round(median(timings.map((t) => t[name] ?? 0)));
    // HD (2048×3072, made from the full level once per thread) and the detail view (4 px/mm).
    for (let i = 0; i < 4; i++) await service.render({ ...job, sizes: ['hd'] });
    const hdTimings: Array<Record<string, number>> = [];
    const hd = await timeIt(20, async () => hdTimings.push((await service.render({ ...job, sizes: ['hd'] })).timings));
    const detailJob: RenderJob = { ...job, view: 'detail' };
    for (let i = 0; i < 4; i++) await service.render({ ...detailJob, sizes: ['full'] });
    const detailTimings: Array<Record<string, number>> = [];
    const detail = await timeIt(N, async () => detailTimings.push((await service.render({ ...detailJob, sizes: ['full'] })).timings));
    // Style options never asked for before: each first preview drafts its view at preview size (the
    // threads drafted the presets ahead after warm-up, as `npm start` does). Medians of five
    // combinations per view, wall and this process's CPU (both threads) per render. Between taps the
    // associate looks at the preview for a few seconds (the threads draft the values likely next
    // meanwhile; none of the combinations below is one of them, nor draws the same as one seen: vents
    // do not show in the three-quarter view).
    const cpuNow = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const firstPreviews = async (view: string, combos: Array<Partial<StyleOptions>>) => {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (const o of combos) {
        const c = cpuNow();
        const t = performance.now();
        await service.render({ ...job, view, sizes: ['preview'], options: resolveOptions(CUT, o) });
        wall.push(round(performance.now() - t));
        cpu.push(round(cpuNow() - c));
        await new Promise((r) => setTimeout(r, LOOK_MS));
      }
      return { wall, cpu };
    };
    const optionFront = await firstPreviews(VIEW, [
      { lapel: 'peak', pockets: 'patch', tie: 'forest' },
      { lapelWidth: 'wide' },
      { fastening: 'sb3' },
      { pockets: 'jetted', ticketPocket: 'yes' },
      { trouserHem: 'turnups' },
    ]);
    const optionThreeQuarter = await firstPreviews('three-quarter', [
      { lapel: 'shawl', vents: 'double' },
      { lapelWidth: 'slim' },
      { fastening: 'sb1' },
      { pockets: 'patch' },
      { ticketPocket: 'yes' },
    ]);
    // Another value of the option just changed (peak tapped, then shawl): drafted ahead meanwhile.
    const nextValue = await firstPreviews(VIEW, [{ lapel: 'peak' }, { lapel: 'shawl' }]);
    // A tablet's session: each tap changes one option of the style on screen (any option, not only
    // the one changed last), after the associate looked at the preview for LOOK_MS. The threads draft
    // every style one option away meanwhile; draftedAhead counts the previews that found theirs.
    const oneChange = async (view: string, steps: Array<Partial<StyleOptions>>) => {
      let style = resolveOptions(CUT);
      await service.render({ ...job, view, sizes: ['preview'], options: style });
      await new Promise((r) => setTimeout(r, LOOK_MS));
      const wall: number[] = [];
      const cpu: number[] = [];
      let draftedAhead = 0;
      const aheadWall: number[] = [];
      for (const change of steps) {
        style = resolveOptions(CUT, { ...style, ...change });
        const c = cpuNow();
        const t = performance.now();
        const r = await service.render({ ...job, view, sizes: ['preview'], options: style });
        wall.push(round(performance.now() - t));
        cpu.push(round(cpuNow() - c));
        if (r.timings.draftedAhead) {
          draftedAhead++;
          aheadWall.push(wall.at(-1)!);
        }
        await new Promise((r) => setTimeout(r, LOOK_MS));
      }
      return { wall, cpu, draftedAhead, aheadWall };
    };
    const steps: Array<Partial<StyleOptions>> = [
      { lapel: 'peak' },
      { pockets: 'patch' },
      { fastening: 'sb3' },
      { trouserHem: 'turnups' },
      { waistcoat: 'sb' },
      { tie: 'forest' },
    ];
    const oneFront = await oneChange(VIEW, steps);
    const oneThreeQuarter = await oneChange('three-quarter', steps);
    const rps2 = await rendersPerSecond(service, 2, 4000);
    const rss = await peakRssChild(cacheDir, 4000);
    const med = (ts: Array<Record<string, number>>, key: string) => round(median(ts.map((t) => t[key] ?? 0)));
    // The targets are for the render (the in-thread render stage, before encoding); the
    // encode (JPEG on libuv threads) and the round trip through the pool are reported beside them.
    const renderStage = {
      full: med(fullTimings, 'render_full'),
      preview: med(previewTimings, 'render_preview'),
      hd: med(hdTimings, 'render_hd'),
      detail: med(detailTimings, 'render_full'),
    };
    const targets = { full: 40, preview: 10, hd: 120, detail: 40, firstRenderAfterStart: 1000 };
    return {
      path: 'render service (piscina thread, transfer)',
      cutView: `${CUT}/${VIEW}`,
      fabric: 'pinstripe twill',
      loadAverage: { start: round(loadAtStart), end: round(loadavg()[0]) },
      note: 'wall-clock medians; on a machine whose load average exceeds its cores they are inflated',
      targets,
      renderStageMedianMs: renderStage,
      encodeMedianMs: {
        full: med(fullTimings, 'encode'),
        preview: med(previewTimings, 'encode'),
        hd: med(hdTimings, 'encode'),
        detail: med(detailTimings, 'encode'),
      },
      meetsTargets: {
        full: renderStage.full <= targets.full,
        preview: renderStage.preview <= targets.preview,
        hd: renderStage.hd <= targets.hd,
        detail: renderStage.detail <= targets.detail,
        firstRenderAfterStart: restart.firstRenderMs <= targets.firstRenderAfterStart,
      },
      start: {
        freshDataDirReadyMs: freshStart.readyMs,
        freshDataDirReadyMsWithGlibcHeapDefaults: freshStartGlibcHeap.readyMs,
        restartReadyMs: restart.readyMs,
        firstRenderAfterStartMs: restart.firstRenderMs,
        firstPreviewOtherCutAfterStartMs: restart.firstPreviewMs,
        firstRenderAfterFreshStartMs: freshStart.firstRenderMs,
      },
      templateBuildMs: round(templateBuildMs),
      fullRenderJpegMedianMs: round(median(full)),
      previewRenderJpegMedianMs: round(median(preview)),
      thumbRenderJpegMedianMs: round(median(thumb)),
      renderAllSizesJpegMedianMs: round(median(renderAll)),
      renderAllSizesJpegWebpMedianMs: round(median(withWebp)),
      renderStagesMedianMs: {
        render_full: stage('render_full'),
        render_preview: stage('render_preview'),
        render_thumb: stage('render_thumb'),
        encode: stage('encode'),
        inThreadTotal: stage('total'),
      },
      hdRenderJpegMedianMs: round(median(hd)),
      hdRenderStageMedianMs: round(median(hdTimings.map((t) => t.render_hd ?? 0))),
      detailRenderJpegMedianMs: round(median(detail)),
      detailRenderStageMedianMs: round(median(detailTimings.map((t) => t.render_full ?? 0))),
      optionChangeFirstPreviewMs: round(median(optionFront.wall)),
      optionChangeFirstPreviewThreeQuarterMs: round(median(optionThreeQuarter.wall)),
      optionChangeFirstPreviewCpuMs: { front: round(median(optionFront.cpu)), threeQuarter: round(median(optionThreeQuarter.cpu)) },
      optionChangeFirstPreviewSamplesMs: { front: optionFront.wall, threeQuarter: optionThreeQuarter.wall },
      optionNextValueFirstPreviewMs: nextValue.wall[1],
      optionOneChangeFirstPreviewMs: { front: round(median(oneFront.wall)), threeQuarter: round(median(oneThreeQuarter.wall)) },
      optionOneChangeFirstPreviewCpuMs: { front: round(median(oneFront.cpu)), threeQuarter: round(median(oneThreeQuarter.cpu)) },
      optionOneChangeSamplesMs: { front: oneFront.wall, threeQuarter: oneThreeQuarter.wall },
      // Of those, the previews that found their style drafted ahead (on a loaded machine the drafting falls behind LOOK_MS).
      optionOneChangeDraftedAheadMedianMs: { front: round(median(oneFront.aheadWall)), threeQuarter: round(median(oneThreeQuarter.aheadWall)) },
      optionOneChangeDraftedAhead: { front: `${oneFront.draftedAhead}/${steps.length}`, threeQuarter: `${oneThreeQuarter.draftedAhead}/${steps.length}` },
      newColourFirstRenderAllSizesMedianMs: round(median(newColour)),
      newColourFirstPreviewMedianMs: round(median(newColourPreview)),
      rendersPerSecond2Threads: round(rps2),
      workerPeakRssMb: rss.peakMb,
      workerRssAfterTemplateLoadMb: rss.baselineMb,
      workerRssRenders: rss.renders,
    };
  } finally {
    await service.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--rss');
  const j = process.argv.indexOf('--start');
  if (i >= 0) await rssChildMain(process.argv[i + 1]!, Number(process.argv[i + 2]));
  else if (j >= 0) await startChildMain(process.argv[j + 1]!);
  else console.log(JSON.stringify(await benchCompose(), null, 2));
}
