/**
 * Weave structures as interlacing matrices, and the light that falls on their yarns.
 *
 * Orientation throughout the fabrics module: warp ends run vertically (along the garment's length, the
 * grain), weft picks run horizontally. End index `i` is the column, pick index `j` the row, both in
 * image order (row 0 at the top).
 */
import type { WeaveKind } from '../engines/types.ts';

export interface WeaveMatrix {
  kind: WeaveKind;
  /** Warp ends in one repeat of the weave (columns). */
  ends: number;
  /** Weft picks in one repeat (rows). */
  picks: number;
  /** picks × ends, row-major: 1 where the warp end lies on top of the pick. */
  up: Uint8Array;
  /**
   * Optional tone multiplier per crossing (picks × ends): the light/dark yarn alternation of
   * sharkskin and birdseye, which is a colour-and-weave effect within the ground colour.
   */
  tone?: Float32Array;
}

/** Right-hand 2/2 twill: diagonals run from lower left to upper right, as on most worsted suiting. */
function twillUp(i: number, j: number): number {
  return ((i + j) & 3) < 2 ? 1 : 0;
}

function fromFn(kind: WeaveKind, ends: number, picks: number, f: (i: number, j: number) => number): WeaveMatrix {
  const up = new Uint8Array(ends * picks);
  for (let j = 0; j < picks; j++) for (let i = 0; i < ends; i++) up[j * ends + i] = f(i, j) ? 1 : 0;
  return { kind, ends, picks, up };
}

/** Width of one herringbone column in millimetres: a classic suiting herringbone is 5–8 mm. */
export const HERRINGBONE_STRIPE_MM = 6;

/**
 * The weave's interlacing. `threadMm` only matters for herringbone, whose columns have a real width.
 */
export function weaveMatrix(kind: WeaveKind, threadMm: number): WeaveMatrix {
  switch (kind) {
    case 'plain':
      return fromFn(kind, 2, 2, (i, j) => ((i + j) & 1 ? 0 : 1));
    case 'twill':
    case 'flannel': // flannel is a 2/2 twill whose character comes from mélange yarn and raised nap
      return fromFn(kind, 4, 4, twillUp);
    case 'herringbone': {
      // Twill reversed every `h` ends, with a two-end shift at each reversal ("broken" herringbone),
      // so the chevrons meet as a crisp cut rather than a zig-zag float.
      const h = Math.max(8, Math.round(HERRINGBONE_STRIPE_MM / threadMm / 4) * 4);
      const ends = 2 * h;
      return fromFn(kind, ends, 4, (i, j) => (i < h ? twillUp(i, j) : twillUp(ends - 1 - i + 2, j)));
    }
    case 'hopsack':
      // 2/2 basket: pairs of ends and picks interlace as one.
      return fromFn(kind, 4, 4, (i, j) => (((i >> 1) + (j >> 1)) & 1 ? 0 : 1));
    case 'sharkskin': {
      // 2/2 twill woven with alternating light and dark yarns in warp and weft (1-and-1): the
      // visible yarn at each crossing decides the tone, giving sharkskin's stepped two-tone texture.
      const m = fromFn(kind, 4, 4, twillUp);
      const tone = new Float32Array(16);
      for (let j = 0; j < 4; j++)
        for (let i = 0; i < 4; i++) {
          const light = m.up[j * 4 + i] ? i & 1 : j & 1;
          tone[j * 4 + i] = light ? 1.3 : 0.76;
        }
      m.tone = tone;
      return m;
    }
    case 'birdseye': {
      // Small light "eyes" on a quincunx lattice, each where a light pick floats over the dark warp;
      // the surround is warp-faced so the eyes stay isolated.
      const eye = (i: number, j: number) => (i & 3) === (j & 3) && (i & 1) === 0;
      const m = fromFn(kind, 4, 4, (i, j) => (eye(i, j) ? 0 : 1));
      const tone = new Float32Array(16);
      for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) tone[j * 4 + i] = eye(i, j) ? 1.7 : 0.9;
      m.tone = tone;
      return m;
    }
    case 'satin':
      // Eight-end warp satin, counter 3: each pick is bound once, so the warp floats over seven picks
      // and the face is almost all warp — the lustre. (Eight rather than five ends so the repeat
      // divides the 4- and 8-based check orders and tiles stay small.)
      return fromFn(kind, 8, 8, (i, j) => (i === (3 * j) % 8 ? 0 : 1));
    default: {
      const never: never = kind;
      throw new Error(`Unknown weave ${String(never)}`);
    }
  }
}

export function isUp(m: WeaveMatrix, i: number, j: number): number {
  const ii = ((i % m.ends) + m.ends) % m.ends;
  const jj = ((j % m.picks) + m.picks) % m.picks;
  return m.up[jj * m.ends + ii];
}

export interface YarnLight {
  /** 0..1 lustre: a narrow highlight along the crown of each float. */
  sheen: number;
  /** 0..1 raised fibre: flattens the yarn relief. */
  nap: number;
}

/**
 * Brightness of one point on a yarn float, relative (≈1 on average; the caller normalises).
 * `across` is 0..1 across the yarn, `along` 0..1 along it within this crossing; `diveStart` /
 * `diveEnd` say whether the yarn dives under the neighbouring crossing at either end of this cell.
 */
function yarnPoint(across: number, along: number, diveStart: number, diveEnd: number, light: YarnLight): number {
  const d = 2 * across - 1;
  const halfWidth = 0.86;
  let s: number;
  if (Math.abs(d) >= halfWidth) {
    // The interstice between yarns: mostly shadow, a little of the yarn beneath.
    s = 0.34;
  } else {
    const crown = Math.sqrt(1 - (d / halfWidth) ** 2);
    s = 0.5 + 0.5 * crown;
    // Spun yarn twist shows as fine slanted striations on the crown.
    s *= 1 + 0.08 * Math.sin(2 * Math.PI * (2 * along + 0.6 * d));
    s += light.sheen * 0.55 * crown ** 8;
  }
  // Where a float dives under a crossing yarn it turns away from the light and sits in shadow;
  // these notches are what draw a twill's diagonal and a herringbone's chevrons.
  const edge = 0.3;
  if (diveStart && along < edge) s *= 0.5 + 0.5 * smooth(along / edge);
  if (diveEnd && along > 1 - edge) s *= 0.5 + 0.5 * smooth((1 - along) / edge);
  // Nap fills the relief with loose fibre.
  const flat = 1 - 0.75 * light.nap;
  return 1 + (s - 0.85) * flat;
}

/**
 * Weft floats lie across the light that falls down the garment and read a little darker than warp
 * floats — the reason the weave's face structure shows even in a one-colour cloth.
 */
const WEFT_LIGHT = 0.84;

function smooth(t: number): number {
  const x = t < 0 ? 0 : Math.min(t, 1);
  return x * x * (3 - 2 * x);
}

/**
 * Relative brightness over one weave repeat sampled at `s` points per thread per axis:
 * Float32Array of (picks·s) rows × (ends·s) columns. With s = 1 each value is the average over its
 * crossing (integrated at 8×8), which is what a pixel larger than a thread should see.
 */
export function weaveShadeTable(m: WeaveMatrix, s: number, light: YarnLight): Float32Array {
  const W = m.ends * s;
  const out = new Float32Array(W * m.picks * s);
  // Each sample is the exact (8×8-integrated) average of the yarn model over its own area, so box
  // filtering the samples later equals box filtering the continuous cloth.
  const sub = Math.max(1, Math.ceil(8 / s));
  for (let j = 0; j < m.picks; j++) {
    for (let i = 0; i < m.ends; i++) {
      const warpUp = isUp(m, i, j);
      const tone = m.tone ? m.tone[j * m.ends + i] : 1;
      // A float ends where the neighbouring crossing along the yarn has the other yarn on top.
      const diveStart = warpUp ? 1 - isUp(m, i, j - 1) : isUp(m, i - 1, j);
      const diveEnd = warpUp ? 1 - isUp(m, i, j + 1) : isUp(m, i + 1, j);
      for (let sv = 0; sv < s; sv++) {
        for (let su = 0; su < s; su++) {
          let acc = 0;
          for (let qv = 0; qv < sub; qv++) {
            for (let qu = 0; qu < sub; qu++) {
              const u = (su + (qu + 0.5) / sub) / s;
              const v = (sv + (qv + 0.5) / sub) / s;
              acc += warpUp ? yarnPoint(u, v, diveStart, diveEnd, light) : WEFT_LIGHT * yarnPoint(v, u, diveStart, diveEnd, light);
            }
          }
          out[(j * s + sv) * W + i * s + su] = (acc / (sub * sub)) * tone;
        }
      }
    }
  }
  return out;
}

/**
 * A yarn that floats across a whole crossing with no dive at either end (stripe and windowpane yarns
 * that are brought to the face): s × s samples, `warp` true for a vertical float.
 */
export function floatShadeTable(s: number, warp: boolean, light: YarnLight): Float32Array {
  const out = new Float32Array(s * s);
  const sub = Math.max(1, Math.ceil(8 / s));
  for (let sv = 0; sv < s; sv++)
    for (let su = 0; su < s; su++) {
      let acc = 0;
      for (let qv = 0; qv < sub; qv++)
        for (let qu = 0; qu < sub; qu++) {
          const u = (su + (qu + 0.5) / sub) / s;
          const v = (sv + (qv + 0.5) / sub) / s;
          acc += warp ? yarnPoint(u, v, 0, 0, light) : WEFT_LIGHT * yarnPoint(v, u, 0, 0, light);
        }
      out[sv * s + su] = acc / (sub * sub);
    }
  return out;
}
