import { readFileSync } from 'node:fs';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Promise<Wabt> | undefined;

/**
 * The bytes of a WebAssembly text module (SIMD on), assembled by wabt. One wabt instance per thread
 * serves every module here: the compose engine's cloth loop and the cloth photo's resampling.
 */
export async function assembleWat(url: URL): Promise<Uint8Array> {
  wabt ??= import('wabt').then((m) => m.default());
  const parsed = (await wabt).parseWat(url.pathname, readFileSync(url, 'utf8'), { simd: true });
  try {
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}
