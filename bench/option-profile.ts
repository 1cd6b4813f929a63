/**
 * First preview after a single style option change, drafted at preview size in this thread (no pool,
 * no render): each option's other values in turn, after the presets were primed as the render
 * threads prime them (every cut's front and three-quarter; PRIME=views primes only the views
 * measured), each followed by the preset again (the next tap starts from it).
 * Process CPU (all threads: sharp's rasterisation runs on libuv's) and wall per draft, min and median
 * over the rounds; CPU is the number to compare on a loaded machine.
 *   node --import tsx bench/option-profile.ts [rounds]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/option-profile.ts 1
 * TEMPLATES=path/to/src/templates measures another copy of the code (an A/B on the same machine).
 * AHEAD=n drafts the n changes before each one first (drafted, or found drafted), as the app drafts
 * a style's neighbours ahead: the change is then tapped after other one-option changes were drawn.
 */
// First: measured as `npm start` runs (src/ops/heap-settings.ts).
import '../src/ops/start-with-heap-settings.ts';
import { resolve } from 'node:path';
import { cpuMs, median, r1 } from './stats.ts';

const dir = resolve(process.env.TEMPLATES ?? resolve(import.meta.dirname, '../src/templates'));
const { quickPreviewLevels } = (await import(`${dir}/build.ts`)) as typeof import('../src/templates/build.ts');
const { cutViewSource, primeQuickDrafts, resolveOptions, shippedViews, STYLE_OPTIONS } = (await import(
  `${dir}/index.ts`
)) as typeof import('../src/templates/index.ts');
type StyleOptionId = keyof typeof STYLE_OPTIONS;

const rounds = Number(process.argv[2] ?? 3);
const ahead = Number(process.env.AHEAD ?? 0);
const cut = process.env.CUT ?? 'single-breasted';
const views = (process.env.VIEWS ?? 'front,three-quarter').split(',');
await primeQuickDrafts(
  process.env.PRIME === 'views' ? views.map((view) => ({ cut, view })) : shippedViews().filter((v) => v.view === 'front' || v.view === 'three-quarter'),
);
const preset = resolveOptions(cut);
const changes: Array<{ view: string; name: string; options: ReturnType<typeof resolveOptions> }> = [];
for (const view of views) {
  for (const id of Object.keys(STYLE_OPTIONS) as StyleOptionId[]) {
    for (const value of STYLE_OPTIONS[id]) {
      if (value === preset[id]) continue;
      try {
        changes.push({ view, name: `${id}=${value}`, options: resolveOptions(cut, { [id]: value }) });
      } catch {
        // Not offered on this cut.
      }
    }
  }
}
const cpu = changes.map(() => [] as number[]);
const wall = changes.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  for (const [k, c] of changes.entries()) {
    // As the app drafts a style's neighbours ahead: the latest drawn are other one-option changes.
    for (let a = 1; a <= ahead; a++) {
      const n = changes[k - a];
      if (n?.view === c.view) await quickPreviewLevels(cutViewSource(cut, n.view, n.options), ['preview']);
    }
    const c0 = cpuMs();
    const t0 = performance.now();
    await quickPreviewLevels(cutViewSource(cut, c.view, c.options), ['preview']);
    wall[k].push(performance.now() - t0);
    cpu[k].push(cpuMs() - c0);
    await quickPreviewLevels(cutViewSource(cut, c.view, preset), ['preview']);
  }
}
// Each change's cost is its cheapest round (the pieces it draws are evicted between rounds only when the memory budget is short).
const mins = cpu.map((c) => Math.min(...c));
for (const view of views) {
  console.log(
    `${view}: ${changes
      .map((c, k) => (c.view === view ? `${c.name} ${r1(mins[k])}` : ''))
      .filter(Boolean)
      .join(' | ')}`,
  );
}
// Per option (every value other than the preset's), the median of those best-of-rounds.
for (const view of views) {
  const byOption = new Map<string, number[]>();
  for (const [k, c] of changes.entries()) {
    if (c.view !== view) continue;
    const id = c.name.slice(0, c.name.indexOf('='));
    byOption.set(id, [...(byOption.get(id) ?? []), mins[k]]);
  }
  console.log(`${view} per option (median): ${[...byOption].map(([id, v]) => `${id} ${r1(median(v))}`).join(' | ')}`);
}
const firstRound = cpu.map((c) => c[0]);
console.log(
  `CPU ms per first preview after one option change (${changes.length} changes, ${rounds} rounds): first round median ${r1(median(firstRound))} max ${r1(Math.max(...firstRound))}; best-of-rounds median ${r1(median(mins))} max ${r1(Math.max(...mins))}; wall first-round median ${r1(median(wall.map((w) => w[0])))}`,
);
