/**
 * Where an option change's first preview spends its CPU, per stage, per option and view: each change
 * drafted at preview size in this thread (as option-profile.ts does, after the presets were primed),
 * under the V8 sampling profiler. Each sample goes to the nearest stage function on its stack; the
 * rasterisation itself (librsvg, in sharp, on libuv's threads) is the process's CPU beyond what this
 * thread's samples account for (approximate: samples of a loaded thread over-count). Medians over the
 * values of each option, the cheapest of the rounds (1 round: the first preview after priming).
 *   node --import tsx bench/option-stages.ts [rounds]
 */
// First: measured as `npm start` runs (src/ops/heap-settings.ts).
import '../src/ops/start-with-heap-settings.ts';
import { Session } from 'node:inspector/promises';
import { cpuMs, median, r1 } from './stats.ts';
import { quickPreviewLevels } from '../src/templates/build.ts';
import { cutViewSource, primeQuickDrafts, resolveOptions, shippedViews, STYLE_OPTIONS } from '../src/templates/index.ts';

type StyleOptionId = keyof typeof STYLE_OPTIONS;
const STAGES: Record<string, string[]> = {
  'svg text': [
    'indexSvg',
    'svgChangeOf',
    'readDrawn',
    'svgWithin',
    'topLevel',
    'definitions',
    'identity',
    'extent',
    'largestBlur',
    'markSvg',
    'svgDocAt',
    'pathBounds',
    'references',
  ],
  'raster glue': [
    'patchRaster',
    'surroundingRaster',
    'rasterTile',
    'markLayer',
    'tileOf',
    'sparseOf',
    'denseOf',
    'rasterGrey',
    'rasterRgb',
    'rasterRgba',
    'fullRaster',
  ],
  'height field': [
    'panelVolume',
    'canvasVolume',
    'torsoVolume',
    'crossSection',
    'heightField',
    'extendBehind',
    'applyLayer',
    'applyPlane',
    'unionCoverage',
    'clipTile',
    'clipTileNow',
    'softenMaskWindow',
    'foldSmoothingBand',
    'castShadows',
  ],
  'normals+shading': ['shading', 'fieldsOn'],
  'cloth map': ['foldWarp', 'clothWithin', 'spliceCloth', 'clothLevel', 'shadeNorm', 'lowerBound'],
  'draft compare': ['draftChange', 'planeDiff', 'torsoDiff', 'layerDiff', 'panelSigs', 'layerSigs', 'torsoHeight', 'idOf'],
  drafting: ['draftCutView', 'drafted', 'cutViewSource'],
  'memo, bookkeeping': [
    'quickDraft',
    'draftPieces',
    'memoisedNow',
    'memoised',
    'memoHit',
    'memoSet',
    'memoDrop',
    'memoHold',
    'trimMemo',
    'count',
    'draftBytes',
    'quickPreviewLevels',
  ],
  profiler: ['dispatch', 'post', 'cpuUsage'],
  gc: ['(garbage collector)'],
};
const stageOf = new Map<string, string>();
for (const [stage, fns] of Object.entries(STAGES)) for (const f of fns) stageOf.set(f, stage);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const debug = new Map<string, number>();
function attribute(p: Profile): Record<string, number> {
  const parent = new Map<number, number>();
  const byId = new Map<number, Node>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const memo = new Map<number, string>();
  const stageFor = (id: number): string => {
    const known = memo.get(id);
    if (known) return known;
    let s: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined && !s; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      const name = n.callFrame.functionName;
      if (name === '(idle)' || name === '(program)') s = name;
      else
        s =
          stageOf.get(name) ??
          (/suits\.ts|geometry\.ts/.test(n.callFrame.url)
            ? 'drafting'
            : /sharp\/lib/.test(n.callFrame.url)
              ? 'raster glue'
              : /build\.ts/.test(n.callFrame.url)
                ? 'memo, bookkeeping'
                : undefined);
    }
    s ??= 'other JS';
    memo.set(id, s);
    return s;
  };
  const out: Record<string, number> = {};
  for (let i = 0; i < p.samples.length; i++) {
    const s = stageFor(p.samples[i]);
    if (s === 'other JS' && process.env.DEBUG) {
      const n = byId.get(p.samples[i])!;
      const k = `${n.callFrame.functionName}@${n.callFrame.url.split('/').at(-1)}:${(n.callFrame as { lineNumber?: number }).lineNumber}`;
      debug.set(k, (debug.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    }
    out[s] = (out[s] ?? 0) + (p.timeDeltas[i] ?? 0) / 1000;
  }
  delete out['(idle)'];
  delete out.profiler;
  return out;
}

const rounds = Number(process.argv[2] ?? 1);
const cut = process.env.CUT ?? 'single-breasted';
const views = (process.env.VIEWS ?? 'front,three-quarter').split(',');
await primeQuickDrafts(shippedViews().filter((v) => v.view === 'front' || v.view === 'three-quarter'));
const preset = resolveOptions(cut);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });

const rows: Array<{ view: string; option: string; stages: Record<string, number>; cpu: number }> = [];
for (const view of views) {
  for (const id of Object.keys(STYLE_OPTIONS) as StyleOptionId[]) {
    const perValue: Array<{ stages: Record<string, number>; cpu: number }> = [];
    for (const value of STYLE_OPTIONS[id]) {
      if (value === preset[id]) continue;
      let options: ReturnType<typeof resolveOptions>;
      try {
        options = resolveOptions(cut, { [id]: value });
      } catch {
        continue;
      }
      let best: { stages: Record<string, number>; cpu: number } | undefined;
      for (let r = 0; r < rounds; r++) {
        await session.post('Profiler.start');
        const c0 = cpuMs();
        await quickPreviewLevels(cutViewSource(cut, view, options), ['preview']);
        const cpu = cpuMs() - c0;
        const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
        const stages = attribute(profile);
        const js = Object.values(stages).reduce((a, b) => a + b, 0);
        stages.librsvg = Math.max(0, cpu - js);
        if (!best || cpu < best.cpu) best = { stages, cpu };
        await quickPreviewLevels(cutViewSource(cut, view, preset), ['preview']);
      }
      if (best) perValue.push(best);
    }
    if (!perValue.length) continue;
    const names = new Set(perValue.flatMap((v) => Object.keys(v.stages)));
    const stages: Record<string, number> = {};
    for (const n of names) stages[n] = r1(median(perValue.map((v) => v.stages[n] ?? 0)));
    rows.push({ view, option: id, stages, cpu: r1(median(perValue.map((v) => v.cpu))) });
  }
}
session.disconnect();
if (process.env.DEBUG) console.error([...debug].sort((a, b) => b[1] - a[1]).slice(0, 15));
const cols = [
  'librsvg',
  'svg text',
  'raster glue',
  'drafting',
  'memo, bookkeeping',
  'height field',
  'normals+shading',
  'cloth map',
  'draft compare',
  'gc',
  '(program)',
  'other JS',
];
console.log(`| view | option | CPU | ${cols.join(' | ')} |`);
console.log(`|---|---|---|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.view} | ${r.option} | ${r.cpu} | ${cols.map((c) => r.stages[c] ?? 0).join(' | ')} |`);
