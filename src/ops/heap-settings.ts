/**
 * glibc's malloc settings for a process that rasterises: the entry points (the server, the workers,
 * the CLI, the benches) import `start-with-heap-settings.ts` first, before anything else runs.
 *
 * librsvg allocates and frees canvas-sized surfaces several times for every blurred element it draws
 * (about 240 MB per raster of a suit's underlay at preview size), and a template's fields are
 * megabyte-sized typed arrays made and dropped by the dozen. By default glibc serves such blocks
 * with fresh mappings or hands the freed top of its heaps back to the kernel, so the same memory was
 * faulted in again, page by page, on every raster: one underlay raster took 1,000–1,300 ms instead
 * of 60–150. Served from the heaps (blocks up to MALLOC_MMAP_THRESHOLD_) and kept there (up to
 * MALLOC_TRIM_THRESHOLD_ free at a heap's top), on the 2-core VM of the benches a drafted template's
 * build went 7.6 s → 2.2 s with 460,000 → 76,000 page faults, the three-quarter's 6.9 s → 1.4 s;
 * `npm start` on an empty data directory 35 s → 18 s. The cost is memory held: tens of MB more resident.
 *
 * glibc reads these settings only when a process starts, so a process started without them replaces
 * itself (same pid, arguments and streams) with one that has them. An operator's own malloc settings
 * (any MALLOC_*_ variable glibc reads, or GLIBC_TUNABLES) are kept as given. Elsewhere than on
 * Linux, where process.execve is missing, or in a process forked with an IPC channel, nothing happens.
 */
import { isMainThread } from 'node:worker_threads';

export const HEAP_SETTINGS = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024),
} as const;

const OPERATOR_SETTINGS = [
  'GLIBC_TUNABLES',
  'MALLOC_TOP_PAD_',
  'MALLOC_MMAP_THRESHOLD_',
  'MALLOC_TRIM_THRESHOLD_',
  'MALLOC_MMAP_MAX_',
  'MALLOC_ARENA_MAX',
  'MALLOC_ARENA_TEST',
];

/** The environment a process should be started with, or undefined when it already is as it should be. */
export function heapEnvironment(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux') return undefined;
  if (OPERATOR_SETTINGS.some((name) => env[name] !== undefined)) return undefined;
  return { ...env, ...HEAP_SETTINGS };
}

/** Replaces this process with one started with the heap settings, when it lacks them (never returns then). */
export function restartWithHeapSettings(): void {
  const env = heapEnvironment(process.env);
  // Only the main thread can replace its process; and not one forked with an IPC channel (tsx watch,
  // a process manager): the channel does not survive the exec, and its parent sets the environment.
  if (env && isMainThread && process.execve && !process.channel) {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
  }
}
