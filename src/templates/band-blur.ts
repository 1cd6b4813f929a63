/**
 * The two blurs a new photo-template mask needs, worked only where the mask makes them differ from
 * something known (raster-ops' `blur` is the reference: three box passes, edges clamped):
 * - softening the mask (σ 0.8: three box passes of radius 1), only in 8 px cells near its edge, in
 *   integers: the three passes sum 27 × 27 taps of 8-bit values, so the result is an exact fraction of
 *   729 that never lies halfway between two bytes, and rounding it gives the float reference's bytes;
 * - the fold smoothing of the garment's shading (σ 6: three passes of radius 6), only within reach of
 *   the mask's edge: the horizontal passes row by row and then the vertical ones column strip by
 *   column strip (the box passes are separable, and a horizontal pass commutes with a vertical one,
 *   edges clamped included), each on the cells that need it instead of square tiles with a margin
 *   all round; everywhere else the photo's own blurred luminance (made once per photo) is the answer.
 * Why: on a 12 MP suit the square tiles blurred more pixels than the garment has (4 M), a third of the
 * first apply after a new mask.
 */

/** Cell side of the bookkeeping: a cell is worked or not as a whole. */
const CELL = 8;

/** 8-bit coverage of a mask window softened as `blur(mask / 255, σ 0.8)` rounded back to bytes. */
export function softenMaskWindow(mask: Uint8Array, w: number, x0: number, y0: number, cw: number, ch: number): Uint8Array {
  const coverage = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) coverage.set(mask.subarray((y + y0) * w + x0, (y + y0) * w + x0 + cw), y * cw);
  if (!cw || !ch) return coverage;
  const r = 1;
  const margin = 3 * r;
  const gw = Math.ceil(cw / CELL);
  const gh = Math.ceil(ch / CELL);
  // Per cell the lowest and highest byte: a cell whose neighbourhood (one cell round, wider than the
  // blur's reach) is uniform keeps its bytes.
  const lo = new Uint8Array(gw * gh).fill(255);
  const hi = new Uint8Array(gw * gh);
  for (let y = 0; y < ch; y++) {
    const row = (y >> 3) * gw;
    const base = y * cw;
    for (let g = 0; g < gw; g++) {
      let a = lo[row + g];
      let b = hi[row + g];
      const end = base + Math.min(cw, (g + 1) * CELL);
      for (let i = base + g * CELL; i < end; i++) {
        const v = coverage[i];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo[row + g] = a;
      hi[row + g] = b;
    }
  }
  const edge = new Uint8Array(gw);
  // Work buffers, sized for the widest run: rows of sums (×27 after the horizontal passes).
  const maxW = cw + 2 * margin;
  const rows = CELL + 2 * margin;
  const plane = new Int32Array(maxW * rows);
  const plane2 = new Int32Array(maxW * rows);
  const pad = new Int32Array(maxW + 2 * r + 2);
  const pad2 = new Int32Array(maxW + 2 * r + 2);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      let a = 255;
      let b = 0;
      for (let j = Math.max(0, gy - 1); j <= Math.min(gh - 1, gy + 1); j++) {
        for (let i = Math.max(0, gx - 1); i <= Math.min(gw - 1, gx + 1); i++) {
          if (lo[j * gw + i] < a) a = lo[j * gw + i];
          if (hi[j * gw + i] > b) b = hi[j * gw + i];
        }
      }
      edge[gx] = a === b ? 0 : 1;
    }
    const ry0 = gy * CELL;
    const ry1 = Math.min(ch, ry0 + CELL);
    const by0 = Math.max(0, ry0 - margin);
    const by1 = Math.min(ch, ry1 + margin);
    const bh = by1 - by0;
    for (let gx = 0; gx < gw; ) {
      if (!edge[gx]) {
        gx++;
        continue;
      }
      let end = gx + 1;
      while (end < gw && edge[end]) end++;
      const rx0 = gx * CELL;
      const rx1 = Math.min(cw, end * CELL);
      const bx0 = Math.max(0, rx0 - margin);
      const bx1 = Math.min(cw, rx1 + margin);
      const bw = bx1 - bx0;
      // Horizontal: three passes of 3-tap sums, each with its ends clamped (as the reference pads).
      for (let y = by0; y < by1; y++) {
        const src = (y + y0) * w + x0 + bx0;
        let s = pad;
        let d = pad2;
        for (let x = 0; x < bw; x++) s[x + 1] = mask[src + x];
        for (let p = 0; p < 3; p++) {
          s[0] = s[1];
          s[bw + 1] = s[bw];
          for (let x = 0; x < bw; x++) d[x + 1] = s[x] + s[x + 1] + s[x + 2];
          const t = s;
          s = d;
          d = t;
        }
        plane.set(s.subarray(1, bw + 1), (y - by0) * bw);
      }
      // Vertical: the same down the columns, rows clamped.
      let s = plane;
      let d = plane2;
      for (let p = 0; p < 3; p++) {
        for (let y = 0; y < bh; y++) {
          const up = (y > 0 ? y - 1 : 0) * bw;
          const mid = y * bw;
          const down = (y < bh - 1 ? y + 1 : bh - 1) * bw;
          for (let x = 0; x < bw; x++) d[mid + x] = s[up + x] + s[mid + x] + s[down + x];
        }
        const t = s;
        s = d;
        d = t;
      }
      // 729 × (value / 255) × 255 / 729: round(sum / 729), never a tie (729 is odd).
      for (let y = ry0; y < ry1; y++) {
        const src = (y - by0) * bw - bx0;
        const dst = y * cw;
        for (let x = rx0; x < rx1; x++) coverage[dst + x] = ((2 * s[src + x] + 729) / 1458) | 0;
      }
      gx = end;
    }
  }
  return coverage;
}

/**
 * The shading of the garment (`shade`, zero where `coverage` is) blurred with three box passes of
 * radius `r` over the window, as the whole image's blur gives it, at every garment pixel and its four
 * neighbours (what the fold displacement's gradient reads). Cells whose reach is all garment take the
 * photo's blurred luminance divided by the garment's mean; cells near the edge are blurred here.
 */
export function foldSmoothingBand(
  shade: Float32Array,
  coverage: Uint8Array,
  cw: number,
  ch: number,
  x0: number,
  y0: number,
  w: number,
  lumBlur: Float32Array,
  mean: number,
  r: number,
): Float32Array {
  const out = new Float32Array(cw * ch);
  if (!cw || !ch) return out;
  const reach = 3 * r;
  const gw = Math.ceil(cw / CELL);
  const gh = Math.ceil(ch / CELL);
  // Garment pixels per cell; a cell is full when all its pixels are garment.
  const count = new Int32Array(gw * gh);
  for (let y = 0; y < ch; y++) {
    const row = (y >> 3) * gw;
    const base = y * cw;
    for (let x = 0; x < cw; x++) if (coverage[base + x]) count[row + (x >> 3)]++;
  }
  const cellReach = Math.floor((reach + CELL - 1) / CELL);
  // near: a cell with a non-garment pixel within the blur's reach (the window's cells suffice: past
  // the window's inner edges there is no garment within reach, past the image's the blur clamps to
  // pixels inside it). used: a cell holding garment or next to one (the gradient reads neighbours).
  const notFull = new Uint8Array(gw * gh);
  const hasCloth = new Uint8Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    const hgt = Math.min(ch, (gy + 1) * CELL) - gy * CELL;
    for (let gx = 0; gx < gw; gx++) {
      const area = (Math.min(cw, (gx + 1) * CELL) - gx * CELL) * hgt;
      const c = count[gy * gw + gx];
      notFull[gy * gw + gx] = c < area ? 1 : 0;
      hasCloth[gy * gw + gx] = c > 0 ? 1 : 0;
    }
  }
  const near = dilate(notFull, gw, gh, cellReach, cellReach);
  const used = dilate(hasCloth, gw, gh, 1, 1);
  // Cells blurred here (work), and the cells whose horizontal passes their vertical ones read.
  const work = new Uint8Array(gw * gh);
  const inv = 1 / mean;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const c = gy * gw + gx;
      if (!used[c]) continue;
      if (near[c]) {
        work[c] = 1;
        continue;
      }
      const yEnd = Math.min(ch, (gy + 1) * CELL);
      const xa = gx * CELL;
      const xb = Math.min(cw, xa + CELL);
      for (let y = gy * CELL; y < yEnd; y++) {
        const src = (y + y0) * w + x0;
        const dst = y * cw;
        for (let x = xa; x < xb; x++) out[dst + x] = lumBlur[src + x] * inv;
      }
    }
  }
  const rowsNeeded = dilate(work, gw, gh, 0, cellReach);

  // Horizontal passes, row by row over runs of needed cells, each run widened by the reach (and the
  // widening cut off again: clamping at its ends reaches no further in).
  const hor = new Float32Array(cw * ch);
  const span = 2 * r + 1;
  const invSpan = 1 / span;
  const padA = new Float64Array(cw + 2 * reach + 2 * r + 2);
  const padB = new Float64Array(cw + 2 * reach + 2 * r + 2);
  for (let gy = 0; gy < gh; gy++) {
    const yEnd = Math.min(ch, (gy + 1) * CELL);
    for (let gx = 0; gx < gw; ) {
      if (!rowsNeeded[gy * gw + gx]) {
        gx++;
        continue;
      }
      let end = gx + 1;
      while (end < gw && rowsNeeded[gy * gw + end]) end++;
      const ra = gx * CELL;
      const rb = Math.min(cw, end * CELL);
      const ea = Math.max(0, ra - reach);
      const eb = Math.min(cw, rb + reach);
      const L = eb - ea;
      for (let y = gy * CELL; y < yEnd; y++) {
        const row = y * cw;
        let s = padA;
        let d = padB;
        for (let x = 0; x < L; x++) s[r + x] = shade[row + ea + x];
        for (let p = 0; p < 3; p++) {
          const first = s[r];
          const last = s[r + L - 1];
          for (let j = 0; j < r; j++) s[j] = first;
          for (let j = 0; j <= r; j++) s[r + L + j] = last;
          let a = 0;
          for (let j = 0; j < span; j++) a += s[j];
          for (let x = 0; x < L; x++) {
            d[r + x] = Math.fround(a * invSpan);
            a += s[x + span] - s[x];
          }
          const t = s;
          s = d;
          d = t;
        }
        for (let x = ra; x < rb; x++) hor[row + x] = s[r + x - ea];
      }
      gx = end;
    }
  }

  // Vertical passes, strip by strip of one cell's width, over runs of worked cells down the strip.
  const colA = new Float64Array((ch + 2 * reach + 2 * r + 2) * CELL);
  const colB = new Float64Array((ch + 2 * reach + 2 * r + 2) * CELL);
  const acc = new Float64Array(CELL);
  for (let gx = 0; gx < gw; gx++) {
    const xa = gx * CELL;
    const sw = Math.min(cw, xa + CELL) - xa;
    for (let gy = 0; gy < gh; ) {
      if (!work[gy * gw + gx]) {
        gy++;
        continue;
      }
      let end = gy + 1;
      while (end < gh && work[end * gw + gx]) end++;
      const ra = gy * CELL;
      const rb = Math.min(ch, end * CELL);
      const ea = Math.max(0, ra - reach);
      const eb = Math.min(ch, rb + reach);
      const L = eb - ea;
      let s = colA;
      let d = colB;
      for (let k = 0; k < L; k++) {
        const src = (ea + k) * cw + xa;
        const dst = (r + k) * sw;
        for (let c = 0; c < sw; c++) s[dst + c] = hor[src + c];
      }
      for (let p = 0; p < 3; p++) {
        for (let j = 0; j < r; j++) for (let c = 0; c < sw; c++) s[j * sw + c] = s[r * sw + c];
        for (let j = 0; j <= r; j++) for (let c = 0; c < sw; c++) s[(r + L + j) * sw + c] = s[(r + L - 1) * sw + c];
        acc.fill(0);
        for (let j = 0; j < span; j++) for (let c = 0; c < sw; c++) acc[c] += s[j * sw + c];
        for (let k = 0; k < L; k++) {
          const o = (r + k) * sw;
          const add = (k + span) * sw;
          const sub = k * sw;
          for (let c = 0; c < sw; c++) {
            d[o + c] = Math.fround(acc[c] * invSpan);
            acc[c] += s[add + c] - s[sub + c];
          }
        }
        const t = s;
        s = d;
        d = t;
      }
      for (let y = ra; y < rb; y++) {
        const src = (r + y - ea) * sw;
        const dst = y * cw + xa;
        for (let c = 0; c < sw; c++) out[dst + c] = s[src + c];
      }
      gy = end;
    }
  }
  return out;
}

/** Cells within dx columns and dy rows of a set cell (a box dilation, separable). */
function dilate(cells: Uint8Array, gw: number, gh: number, dx: number, dy: number): Uint8Array {
  const rows = new Uint8Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    let last = -Infinity;
    // Left to right, then right to left: each cell marked when a set cell is within dx.
    for (let gx = 0; gx < gw; gx++) {
      if (cells[gy * gw + gx]) last = gx;
      if (gx - last <= dx) rows[gy * gw + gx] = 1;
    }
    last = Infinity;
    for (let gx = gw - 1; gx >= 0; gx--) {
      if (cells[gy * gw + gx]) last = gx;
      if (last - gx <= dx) rows[gy * gw + gx] = 1;
    }
  }
  const out = new Uint8Array(gw * gh);
  for (let gx = 0; gx < gw; gx++) {
    let last = -Infinity;
    for (let gy = 0; gy < gh; gy++) {
      if (rows[gy * gw + gx]) last = gy;
      if (gy - last <= dy) out[gy * gw + gx] = 1;
    }
    last = Infinity;
    for (let gy = gh - 1; gy >= 0; gy--) {
      if (rows[gy * gw + gx]) last = gy;
      if (last - gy <= dy) out[gy * gw + gx] = 1;
    }
  }
  return out;
}
