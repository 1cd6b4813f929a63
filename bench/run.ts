// First: the benches measure the process as `npm start` runs it (see src/ops/heap-settings.ts).
import '../src/ops/start-with-heap-settings.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { machine } from './stats.ts';

/**
 * `npm run bench [name...]`: runs the benchmarks and writes each result, with the machine it ran on,
 * to bench/results/<name>.json. Medians of one run; compare runs on the same machine only.
 */
const suites: Record<string, () => Promise<Record<string, unknown>>> = {
  core: async () => (await import('./core.bench.ts')).benchCore(),
  compose: async () => (await import('./compose.bench.ts')).benchCompose(),
  fabrics: async () => (await import('./fabrics.bench.ts')).benchFabrics(),
  web: async () => (await import('./web.bench.ts')).benchWeb(),
  'cloth-photo': async () => (await import('./cloth-photo.bench.ts')).benchClothPhoto(),
  load: async () => (await import('./load.bench.ts')).benchLoad(),
  studio: async () => (await import('./studio.bench.ts')).benchStudio(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(suites);
const dir = path.join(import.meta.dirname, 'results');
await mkdir(dir, { recursive: true });
let failed = false;
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(suites).join(', ')}`);
    failed = true;
    continue;
  }
  const started = Date.now();
  // Figures from a busy machine are not figures of this code: each result says how busy it was.
  const loadBefore = Math.round(loadavg()[0]! * 100) / 100;
  try {
    const results = await suite();
    const loadAverage1m = { before: loadBefore, after: Math.round(loadavg()[0]! * 100) / 100 };
    const record = {
      benchmark: name,
      date: new Date().toISOString(),
      machine: { ...machine(), loadAverage1m },
      durationS: Math.round((Date.now() - started) / 1000),
      results,
    };
    // A part of a suite run alone (its `only`) is a diagnosis, not the suite's result: printed, not kept.
    if (!('only' in results)) await writeFile(path.join(dir, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
    console.log(JSON.stringify({ [name]: results }, null, 2));
  } catch (error) {
    console.error(`benchmark ${name} failed:`, error);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
