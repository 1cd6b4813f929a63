/**
 * Keeps freed heap memory in the process instead of handing it back to the kernel at once: the entry
 * points that rasterise (the server, the workers, the CLI, the benches) import
 * `start-with-heap-pad.ts` first, before anything else runs.
 *
 * librsvg allocates and frees a canvas-sized surface several times for every blurred element it
 * draws: about 240 MB per raster of a suit's underlay at preview size. glibc hands the freed top of
 * its heaps back to the kernel, so every raster faulted the same memory in again, page by page.
 * Measured on the 2-core VM these benches run on: a drawn template's build took 7.6 s with 460,000
 * page faults, and 2.4 s with 95,000 when glibc keeps 64 MB at the top of each heap; one underlay
 * raster went from 1,000–1,300 ms back to 60 ms. The cost is memory held: about 50–120 MB more
 * resident in a process that builds templates.
 *
 * glibc reads its malloc settings only when a process starts, so a process started without them
 * replaces itself (same pid, arguments and streams) with one that has them. An operator's own
 * MALLOC_TOP_PAD_ (any value, 0 included) or GLIBC_TUNABLES is kept as given. Elsewhere than on
 * Linux, or where process.execve is missing, nothing happens.
 */
import { isMainThread } from 'node:worker_threads';

export const HEAP_TOP_PAD_BYTES = 64 * 1024 * 1024;

/** The environment a process should be started with, or undefined when it already is as it should be. */
export function paddedEnvironment(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux') return undefined;
  if (env.MALLOC_TOP_PAD_ !== undefined || env.GLIBC_TUNABLES !== undefined) return undefined;
  return { ...env, MALLOC_TOP_PAD_: String(HEAP_TOP_PAD_BYTES) };
}

/** Replaces this process with one started with the heap settings, when it lacks them (never returns then). */
export function restartWithHeapPad(): void {
  const env = paddedEnvironment(process.env);
  // Only the main thread can replace its process.
  if (env && isMainThread && process.execve) {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
  }
}
