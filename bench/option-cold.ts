/**
 * The compose bench's cold option series alone (optionChangeFirstPreviewMs and the next value of the
 * option just changed), through the render service as the product renders, repeated in fresh services
 * so each round's styles are cold: medians over rounds of wall, process CPU (both threads) and the
 * render thread's own drafting time (timings.template) per preview.
 *   node --import tsx bench/option-cold.ts [rounds]
 * CACHE=dir keeps the built templates between runs (default: a directory under the OS's tmp);
 * LOOK_MS (default 4000) is how long the associate looks before the next tap; DRAFT_AHEAD=0 turns
 * drafting ahead off; SETTLE_MS (default 3000) is the pause before the series, in which the threads
 * draft the presets in their background (under load 3 s is not enough: the first styles then draft
 * from nothing).
 */
// First: measured as `npm start` runs (src/ops/heap-settings.ts).
import '../src/ops/start-with-heap-settings.ts';
import { mkdir } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRenderService, type RenderJob } from '../src/rendering/index.ts';
import { resolveOptions, type StyleOptions } from '../src/templates/options.ts';
import { cpuMs, median, r1 } from './stats.ts';

const rounds = Number(process.argv[2] ?? 3);
const lookMs = Number(process.env.LOOK_MS ?? 4000);
const cacheDir = process.env.CACHE ?? join(tmpdir(), 'atelier-option-cold');
await mkdir(cacheDir, { recursive: true });
const CUT = 'single-breasted';
const job: RenderJob = {
  cut: CUT,
  view: 'front',
  fabric: { hex: '#1A2236', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 } },
};
const series: Array<{ name: string; view: string; combos: Array<Partial<StyleOptions>> }> = [
  {
    name: 'front',
    view: 'front',
    combos: [
      { lapel: 'peak', pockets: 'patch', tie: 'forest' },
      { lapelWidth: 'wide' },
      { fastening: 'sb3' },
      { pockets: 'jetted', ticketPocket: 'yes' },
      { trouserHem: 'turnups' },
    ],
  },
  {
    name: 'threeQuarter',
    view: 'three-quarter',
    combos: [{ lapel: 'shawl', vents: 'double' }, { lapelWidth: 'slim' }, { fastening: 'sb1' }, { pockets: 'patch' }, { ticketPocket: 'yes' }],
  },
  { name: 'nextValue', view: 'front', combos: [{ lapel: 'peak' }, { lapel: 'shawl' }] },
];
const wall: Record<string, number[][]> = Object.fromEntries(series.map((s) => [s.name, []]));
const cpu: Record<string, number[][]> = Object.fromEntries(series.map((s) => [s.name, []]));
const drafting: Record<string, number[][]> = Object.fromEntries(series.map((s) => [s.name, []]));
const loadStart = loadavg()[0];
for (let r = 0; r < rounds; r++) {
  const service = createRenderService({
    threads: 2,
    textureCacheBytes: 128 * 1024 * 1024,
    templateCacheDir: cacheDir,
    draftAhead: process.env.DRAFT_AHEAD !== '0',
  });
  try {
    await service.warm();
    for (let i = 0; i < 10; i++) await service.render({ ...job, watermark: { text: 'ATELIER · SAMPLE', opacity: 0.6, position: 'bottom-right' } });
    for (let i = 0; i < 10; i++) await service.render({ ...job, sizes: ['preview'] });
    // As in the compose bench, the series come after seconds of other renders: the presets are drafted by then.
    await new Promise((res) => setTimeout(res, Number(process.env.SETTLE_MS ?? 3000)));
    for (const s of series) {
      const w: number[] = [];
      const c: number[] = [];
      const d: number[] = [];
      for (const o of s.combos) {
        const c0 = cpuMs();
        const t0 = performance.now();
        const answer = await service.render({ ...job, view: s.view, sizes: ['preview'], options: resolveOptions(CUT, o) });
        w.push(r1(performance.now() - t0));
        c.push(r1(cpuMs() - c0));
        d.push(r1(answer.timings.template ?? 0));
        await new Promise((res) => setTimeout(res, lookMs));
      }
      wall[s.name]!.push(w);
      cpu[s.name]!.push(c);
      drafting[s.name]!.push(d);
      console.error(`round ${r} ${s.name}: wall ${w.join(' ')} | cpu ${c.join(' ')} | in-thread template ${d.join(' ')}`);
    }
  } finally {
    await service.close();
  }
}
const summary = (runs: number[][], pick?: number) => {
  const per = runs.map((x) => (pick === undefined ? median(x) : x[pick]));
  return { medianOfRoundMedians: r1(median(per)), perRound: per.map(r1) };
};
console.log(
  JSON.stringify(
    {
      load: { start: r1(loadStart), end: r1(loadavg()[0]) },
      lookMs,
      front: { wall: summary(wall.front), cpu: summary(cpu.front), template: summary(drafting.front) },
      threeQuarter: { wall: summary(wall.threeQuarter), cpu: summary(cpu.threeQuarter), template: summary(drafting.threeQuarter) },
      nextValue: { wall: summary(wall.nextValue, 1), cpu: summary(cpu.nextValue, 1), template: summary(drafting.nextValue, 1) },
    },
    null,
    2,
  ),
);
