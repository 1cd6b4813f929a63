/**
 * The cloth photo's resampling loop in WebAssembly SIMD (resample.wat, assembled by wabt): the same
 * pixels as `sampleSpan` in ../analyze.ts (reading the prefiltered box) within one step of rounding,
 * in about 40 % of its time — a px's RGB is one f32x4, and the loop has no bounds checks.
 *
 * The module is assembled once per thread (`loadResampleKernel`, asynchronous: wabt is); the
 * analysis, synchronous, uses it once it is there and the JavaScript loop until then (or without
 * SIMD). Its memory holds the prefiltered box (which the JavaScript prefilter writes straight into)
 * and the output: both the size of the output give or take the prefilter's rounding (a 12 MP photo
 * capped at 1024 px: ~11 MB), whatever the photo's size, so one memory per thread, grown as needed,
 * is kept and reused — the next photo finds its pages already mapped.
 */
import { assembleWat } from '../../../wasm/assemble.ts';
import { LINEAR_TO_SRGB8_LUT_OVER } from '../../color.ts';

const PAGE = 65536;
const align = (n: number) => (n + 15) & ~15;

interface Exports {
  sample(
    lin: number,
    lw: number,
    lh: number,
    t0: number,
    t1: number,
    t2: number,
    t3: number,
    t4: number,
    t5: number,
    t6: number,
    t7: number,
    t8: number,
    ox: number,
    oy: number,
    im: number,
    Y: number,
    X0: number,
    X1: number,
    step: number,
    out: number,
    lut: number,
    lutLast: number,
  ): void;
}

/** The slice of the WebAssembly JS API used here (this project's TypeScript libs have no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let loading: Promise<boolean> | undefined;
let kernel: { memory: WasmMemory; k: Exports } | undefined;
let disabled = false;

/** Assembles the module (once per thread; a few ms); true when the analysis can use it. */
export function loadResampleKernel(): Promise<boolean> {
  loading ??= (async () => {
    try {
      const module = new WebAssembly.Module(await assembleWat(new URL('./resample.wat', import.meta.url)));
      const memory = new WebAssembly.Memory({ initial: 1 });
      kernel = { memory, k: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports };
      return true;
    } catch {
      // No SIMD here (or no wabt): the JavaScript loop does the same work.
      return false;
    }
  })();
  return loading;
}

/** For tests: run the JavaScript loop even with the module assembled. */
export function disableResampleKernel(off: boolean): void {
  disabled = off;
}

/** The table goes first, at 0; then the prefiltered box, then the output. */
const LUT_AT = 0;
const LIN_AT = align(LINEAR_TO_SRGB8_LUT_OVER.length) + 4096;

/**
 * One analysis's view of the module's memory: `lin`, the prefiltered box (lw × lh RGB floats, zeroed,
 * for the JavaScript prefilter to fill), and the output bytes from `outAt`. Valid until the next
 * `resampleMemory` call in this thread (the analysis is synchronous: it is done by then).
 */
export interface ResampleMemory {
  lin: Float32Array;
  heap: Uint8Array;
  outAt: number;
  /** Output px X0, X0 + step, … < X1 of row Y through T (as sampleSpan), sRGB bytes at heap[at…]. */
  sample(T: ArrayLike<number>, ox: number, oy: number, m: number, Y: number, X0: number, X1: number, step: number, at: number): void;
}

/** The memory for a box reduced to lw × lh and `outBytes` of output, or null without the module. */
export function resampleMemory(lw: number, lh: number, outBytes: number): ResampleMemory | null {
  if (!kernel || disabled) return null;
  const { memory, k } = kernel;
  const linAt = LIN_AT;
  // One float past the last px: its f32x4 reads the red of a px that is not there.
  const outAt = align(linAt + (lw * lh * 3 + 4) * 4);
  const top = outAt + outBytes;
  if (top > memory.buffer.byteLength) {
    try {
      memory.grow(Math.ceil((top - memory.buffer.byteLength) / PAGE));
    } catch {
      return null; // no room for it: the JavaScript loop, in memory of its own
    }
  }
  const heap = new Uint8Array(memory.buffer);
  if (heap[LUT_AT + LINEAR_TO_SRGB8_LUT_OVER.length - 1] !== 255) heap.set(LINEAR_TO_SRGB8_LUT_OVER, LUT_AT);
  const lin = new Float32Array(memory.buffer, linAt, lw * lh * 3 + 4);
  // The last photo's box is still there: the samples that reach past what the prefilter fills read
  // zeros, as from a new array.
  lin.fill(0);
  const last = LINEAR_TO_SRGB8_LUT_OVER.length - 1;
  return {
    lin,
    heap,
    outAt,
    sample: (T, ox, oy, m, Y, X0, X1, step, at) =>
      k.sample(linAt, lw, lh, T[0], T[1], T[2], T[3], T[4], T[5], T[6], T[7], T[8], ox, oy, 1 / m, Y, X0, X1, step, at, LUT_AT, last),
  };
}
