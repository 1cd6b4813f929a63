/**
 * Profile of the compose engine called directly (no pool, no thread hop): per output size, the render
 * stage and the JPEG encode, each as a wall median and as process CPU time (the honest number on a
 * shared machine: another process's load stretches wall time, not CPU time). Then one shape-changing
 * template build. For a flame graph:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/compose-profile.ts
 * Not part of `npm run bench` (whose compose suite measures through the render service).
 */
// First: measured as `npm start` runs (src/ops/heap-settings.ts).
import '../src/ops/start-with-heap-settings.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createComposeEngine } from '../src/engines/compose/index.ts';
import type { OutputSize } from '../src/engines/types.ts';
import { resolveOptions } from '../src/templates/index.ts';
import { median } from './stats.ts';

const fabric = { hex: '#1A2236', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 } } as const;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

const cacheDir = process.env.TEMPLATE_CACHE_DIR ?? (await mkdtemp(join(tmpdir(), 'atelier-profile-')));
const engine = createComposeEngine({ templateCacheDir: cacheDir });
const job = {
  cut: 'single-breasted',
  view: 'front',
  fabric: { ...fabric, design: { ...fabric.design } },
  watermark: { text: '', opacity: 0, position: 'bottom-right' as const },
};

let t = performance.now();
let c = cpuMs();
await engine.template('single-breasted', 'front');
await engine.template('single-breasted', 'detail');
console.log(`templates (front, detail): ${r1(performance.now() - t)} ms wall, ${r1(cpuMs() - c)} ms CPU`);

async function profile(name: string, view: string, size: OutputSize, n: number) {
  for (let i = 0; i < 3; i++) await engine.render({ ...job, view, sizes: [size] });
  const wall: number[] = [];
  const cpu: number[] = [];
  const stage: number[] = [];
  const enc: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    const r = await engine.render({ ...job, view, sizes: [size] });
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    stage.push(r.timings[`render_${size}`]!);
    enc.push(r.timings.encode!);
  }
  // The render stage's CPU alone: the loop without encoding, timed by CPU.
  const raw: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = cpuMs();
    await engine.renderRaw({ ...job, view }, size);
    raw.push(cpuMs() - c0);
  }
  console.log(
    `${name.padEnd(8)} render stage ${r1(median(stage))} ms wall (min ${r1(Math.min(...stage))}), ${r1(median(raw))} ms CPU | encode ${r1(median(enc))} ms wall | total ${r1(median(wall))} ms wall, ${r1(median(cpu))} ms CPU`,
  );
}
await profile('full', 'front', 'full', 25);
await profile('preview', 'front', 'preview', 25);
await profile('thumb', 'front', 'thumb', 25);
await profile('hd', 'front', 'hd', 10);
await profile('detail', 'detail', 'full', 25);

// A style option that changes the garment's shape: its template is drafted and built on first use.
t = performance.now();
c = cpuMs();
await engine.render({ ...job, sizes: ['preview'], options: resolveOptions('single-breasted', { lapel: 'peak', pockets: 'patch' }) });
console.log(`option change (new shape), first preview: ${r1(performance.now() - t)} ms wall, ${r1(cpuMs() - c)} ms CPU`);
if (!process.env.TEMPLATE_CACHE_DIR) await rm(cacheDir, { recursive: true, force: true });
