/**
 * The cloth loop in WebAssembly SIMD (cloth.wat, assembled at load by wabt): the same pixels as
 * `renderCloth` in ../render.ts within one step of rounding, at a fraction of its time, because the
 * four-texel filter runs as RGB lanes of one f32x4 and the loop has no bounds checks.
 *
 * A view level's arrays and a texture are copied into the module's memory once and kept there
 * (keyed weakly by the objects themselves) until the region is full, then the region starts over:
 * renders repeat the same few levels and tiles, so the steady state copies only the image in and out.
 * A level too large for half the region (a 12 MP client photo) is left to the JavaScript loop.
 */
import { assembleWat } from '../../../wasm/assemble.ts';
import { LIN_LUT_SIZE, LINEAR_TO_SRGB8_LUT_OVER } from '../../../fabrics/color.ts';
import type { ViewLevel } from '../../../templates/types.ts';
import type { Finish } from '../render.ts';
import type { LinearTexture } from '../texture.ts';

const PAGE = 65536;
const align = (n: number) => (n + 15) & ~15;
/** An HD image (2048×3072 RGB): the largest drawn in the scratch above the region. */
export const LARGEST_IMAGE_BYTES = 2048 * 3072 * 3;

interface Kernel {
  cloth: (...args: number[]) => void;
}

/** The slice of the WebAssembly JS API used here (this project's TypeScript libs have no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: object }>;
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: Promise<object> | undefined;
/** Assembled once per thread: wabt turns the text into bytes in a few milliseconds. */
function module(): Promise<object> {
  compiled ??= assembleWat(new URL('./cloth.wat', import.meta.url)).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

export class WasmCloth {
  private readonly memory: WasmMemory;
  private readonly kernel: Kernel;
  /** Fixed at the bottom: the colour table, then the finish tables. */
  private readonly lut = 0;
  private readonly finishAt: number;
  private readonly residentFrom: number;
  private residentTop: number;
  /** Where each level or texture sits, valid while its epoch is the current one. */
  private resident = new WeakMap<object, { at: number; epoch: number }>();
  private epoch = 0;
  /** Memory below this has been written once (see prefault). */
  private faultedTo: number;

  private constructor(
    memory: WasmMemory,
    kernel: Kernel,
    private readonly residentBytes: number,
  ) {
    this.memory = memory;
    this.kernel = kernel;
    new Uint8Array(memory.buffer).set(LINEAR_TO_SRGB8_LUT_OVER, this.lut);
    this.finishAt = align(LINEAR_TO_SRGB8_LUT_OVER.length);
    this.residentFrom = align(this.finishAt + 2 * 4 * 4096);
    this.residentTop = this.residentFrom;
    this.faultedTo = this.residentFrom;
  }

  static async create(residentBytes = 128 * 1024 * 1024): Promise<WasmCloth> {
    const memory = new WebAssembly.Memory({ initial: 64 });
    const instance = await WebAssembly.instantiate(await module(), { env: { memory } });
    return new WasmCloth(memory, instance.exports as unknown as Kernel, residentBytes);
  }

  /**
   * Writes to every page of the region and of the largest image's scratch above it, a chunk at a
   * time with `gate` awaited between chunks (run in idle time). Fresh memory costs a page fault per
   * 4 KB on its first write: on a virtual machine ~12 ms for the 3 MB of a new preview level, which
   * made the first render of every new style several times slower than the next (a level of each new
   * style is copied into memory never written before, until the region has once been filled).
   */
  async prefault(gate?: () => Promise<void>, chunkBytes = 1024 * 1024): Promise<void> {
    const end = this.residentFrom + this.residentBytes + align(LARGEST_IMAGE_BYTES);
    this.ensure(end);
    while (this.faultedTo < end) {
      await gate?.();
      const from = this.faultedTo;
      const to = Math.min(end, from + chunkBytes);
      const bytes = new Uint8Array(this.memory.buffer, from, to - from);
      for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0;
      this.faultedTo = to;
    }
  }

  private ensure(bytes: number) {
    const need = bytes - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE));
  }

  private isResident(key: object): boolean {
    return this.resident.get(key)?.epoch === this.epoch;
  }

  /** Where `key`'s data lives in the module's memory, copied there by `write` the first time. */
  private place(key: object, bytes: number, write: (heap: ArrayBuffer, at: number) => void): number {
    const known = this.resident.get(key);
    if (known && known.epoch === this.epoch) return known.at;
    const start = this.residentTop;
    this.residentTop = align(start + bytes);
    this.ensure(this.residentTop);
    write(this.memory.buffer, start);
    this.resident.set(key, { at: start, epoch: this.epoch });
    return start;
  }

  /** Draws the level's cloth into `out` as `renderCloth` does; false (nothing drawn) when the level is too large to keep. */
  render(level: ViewLevel, tex: LinearTexture, finish: Finish, out: Uint8Array): boolean {
    return this.drawInto(level, tex, finish, out, out);
  }

  /**
   * The level's cloth drawn over `base` (left as it is) into a new image; undefined when the level is
   * too large to keep. One copy of the image fewer than `render` on a copy of the base: the base goes
   * straight into the module's memory, and the image comes out of it.
   */
  draw(level: ViewLevel, tex: LinearTexture, finish: Finish, base: Uint8Array): Uint8Array | undefined {
    return this.run(level, tex, finish, base)?.slice();
  }

  /** `draw` into an image of the caller's (as large as `base`); false (nothing drawn) when the level is too large to keep. */
  drawInto(level: ViewLevel, tex: LinearTexture, finish: Finish, base: Uint8Array, out: Uint8Array): boolean {
    const image = this.run(level, tex, finish, base);
    if (image) out.set(image);
    return !!image;
  }

  /** Draws over a copy of `base` in the module's memory: the image there (valid until the next call). */
  private run(level: ViewLevel, tex: LinearTexture, finish: Finish, base: Uint8Array): Uint8Array | undefined {
    const n = level.pix.length;
    const levelBytes = align(4 * n) * 3 + align(2 * n) + align(n);
    const texels = (tex.width + 1) * (tex.height + 1);
    if (levelBytes + texels * 16 > this.residentBytes / 2) return undefined;
    // Both must be there together: when the region cannot take what is missing, it starts over.
    const missing = (this.isResident(level) ? 0 : levelBytes) + (this.isResident(tex) ? 0 : align(texels * 16));
    if (this.residentTop + missing > this.residentFrom + this.residentBytes) {
      this.epoch++;
      this.residentTop = this.residentFrom;
    }
    const lv = this.place(level, levelBytes, (heap, at) => {
      let p = at;
      new Int32Array(heap, p, n).set(level.pix);
      p += align(4 * n);
      new Float32Array(heap, p, n).set(level.u);
      p += align(4 * n);
      new Float32Array(heap, p, n).set(level.v);
      p += align(4 * n);
      new Uint16Array(heap, p, n).set(level.shadeQ);
      p += align(2 * n);
      new Uint8Array(heap, p, n).set(level.cov);
    });
    const tx = this.place(tex, texels * 16, (heap, at) => {
      const d = new Float32Array(heap, at, texels * 4);
      const s = tex.data;
      for (let i = 0, j = 0; i < texels; i++, j += 3) {
        d[i * 4] = s[j] * LIN_LUT_SIZE;
        d[i * 4 + 1] = s[j + 1] * LIN_LUT_SIZE;
        d[i * 4 + 2] = s[j + 2] * LIN_LUT_SIZE;
        d[i * 4 + 3] = 0;
      }
    });
    // Scratch above the resident region: the image being drawn.
    const scratch = this.residentTop;
    this.ensure(scratch + base.length);
    const heap = this.memory.buffer;
    const levels = finish.mul.length;
    new Float32Array(heap, this.finishAt, levels).set(finish.mul);
    const add = new Float32Array(heap, this.finishAt + levels * 4, levels);
    for (let q = 0; q < levels; q++) add[q] = finish.add[q] * LIN_LUT_SIZE + 0.5;
    const image = new Uint8Array(heap, scratch, base.length);
    image.set(base);
    let p = lv;
    const pix = p;
    p += align(4 * n);
    const u = p;
    p += align(4 * n);
    const v = p;
    p += align(4 * n);
    const q = p;
    p += align(2 * n);
    const cov = p;
    this.kernel.cloth(n, pix, u, v, q, cov, tx, tex.width, tex.height, tex.sx, tex.sy, this.finishAt, this.finishAt + levels * 4, this.lut, scratch);
    return image;
  }
}
