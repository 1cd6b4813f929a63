/**
 * Deterministic integer hashing: the same spec must give the same cloth on every machine and run,
 * because textures feed render cache keys and golden images.
 */

/** 32-bit FNV-1a of a string. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** 32-bit FNV-1a over bytes (used to identify swatch tiles). */
export function fnv1aBytes(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Avalanche mix of up to three integers (murmur3 finaliser) → uint32. */
export function hash3(a: number, b: number, seed: number): number {
  let h = (seed ^ Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1). */
export function rand01(a: number, b: number, seed: number): number {
  return hash3(a, b, seed) / 4294967296;
}

/**
 * Approximately normal (Irwin–Hall of 4), bounded to ±√12 ≈ ±3.46: bounded tails let the
 * generator know the brightest yarn in advance and avoid clipping when it keeps colour exact.
 */
export function randNormal(a: number, b: number, seed: number): number {
  const s = rand01(a, b, seed) + rand01(a, b, seed ^ 0x5bd1e995) + rand01(a, b, seed ^ 0x27d4eb2f) + rand01(a, b, seed ^ 0x165667b1);
  return (s - 2) * Math.sqrt(3);
}
