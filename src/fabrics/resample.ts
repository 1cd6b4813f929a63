/**
 * Resampling and blurring of periodic images (tiles). Everything wraps around, so a tile that was
 * seamless stays seamless. Buffers are interleaved Float32 in linear light.
 */

export interface AreaWeights {
  /** For each source index: first output index it lands in, and its weight there. */
  a: Int32Array;
  wa: Float32Array;
  /** Second output index (or -1) and weight, when the source sample straddles a boundary. */
  b: Int32Array;
  wb: Float32Array;
}

/**
 * Box (area-average) weights from `srcLen` samples down to `dstLen` pixels. Each source sample is
 * a unit interval; output pixel x covers [x·r, (x+1)·r) with r = srcLen / dstLen ≥ 1, so every
 * output pixel is the exact mean of what it covers and the image mean is preserved exactly.
 */
export function areaWeights(srcLen: number, dstLen: number): AreaWeights {
  if (dstLen > srcLen) throw new Error(`areaWeights: cannot upsample ${srcLen} → ${dstLen}`);
  const r = srcLen / dstLen;
  const a = new Int32Array(srcLen),
    b = new Int32Array(srcLen);
  const wa = new Float32Array(srcLen),
    wb = new Float32Array(srcLen);
  for (let s = 0; s < srcLen; s++) {
    const x0 = Math.floor(s / r);
    const boundary = (x0 + 1) * r; // end of pixel x0 in source units
    if (boundary >= s + 1 - 1e-9 || x0 + 1 >= dstLen) {
      a[s] = Math.min(x0, dstLen - 1);
      wa[s] = 1 / r;
      b[s] = -1;
    } else {
      a[s] = x0;
      wa[s] = (boundary - s) / r;
      b[s] = x0 + 1;
      wb[s] = (s + 1 - boundary) / r;
    }
  }
  return { a, wa, b, wb };
}

/** Box-downsample or bilinear-upsample one axis of a periodic image, per axis as needed. */
export function resamplePeriodic(src: Float32Array, sw: number, sh: number, ch: number, dw: number, dh: number): Float32Array {
  const horiz = resampleRows(src, sw, sh, ch, dw);
  // Transpose-free vertical pass: treat columns through a strided helper.
  return resampleCols(horiz, dw, sh, ch, dh);
}

function resampleRows(src: Float32Array, sw: number, sh: number, ch: number, dw: number): Float32Array {
  if (dw === sw) return src;
  const out = new Float32Array(dw * sh * ch);
  if (dw < sw) {
    const wt = areaWeights(sw, dw);
    const { a, wa, b, wb } = wt;
    for (let y = 0; y < sh; y++) {
      const so = y * sw * ch,
        oo = y * dw * ch;
      if (ch === 3) {
        // The common case (RGB), unrolled: this loop is most of a swatch's downscale.
        for (let x = 0, s = so; x < sw; x++, s += 3) {
          const r = src[s],
            g = src[s + 1],
            bl = src[s + 2];
          const ia = oo + a[x] * 3,
            w1 = wa[x];
          out[ia] += r * w1;
          out[ia + 1] += g * w1;
          out[ia + 2] += bl * w1;
          const xb = b[x];
          if (xb >= 0) {
            const ib = oo + xb * 3,
              w2 = wb[x];
            out[ib] += r * w2;
            out[ib + 1] += g * w2;
            out[ib + 2] += bl * w2;
          }
        }
        continue;
      }
      for (let x = 0; x < sw; x++) {
        const s = so + x * ch;
        const ia = oo + a[x] * ch,
          w1 = wa[x];
        for (let k = 0; k < ch; k++) out[ia + k] += src[s + k] * w1;
        if (b[x] >= 0) {
          const ib = oo + b[x] * ch,
            w2 = wb[x];
          for (let k = 0; k < ch; k++) out[ib + k] += src[s + k] * w2;
        }
      }
    }
  } else {
    const r = sw / dw;
    for (let x = 0; x < dw; x++) {
      const fx = (x + 0.5) * r - 0.5;
      const x0 = Math.floor(fx),
        t = fx - x0;
      const xa = ((x0 % sw) + sw) % sw,
        xb = (xa + 1) % sw;
      for (let y = 0; y < sh; y++) {
        const so = y * sw * ch,
          o = (y * dw + x) * ch;
        for (let k = 0; k < ch; k++) out[o + k] = src[so + xa * ch + k] * (1 - t) + src[so + xb * ch + k] * t;
      }
    }
  }
  return out;
}

function resampleCols(src: Float32Array, w: number, sh: number, ch: number, dh: number): Float32Array {
  if (dh === sh) return src;
  const row = w * ch;
  const out = new Float32Array(row * dh);
  if (dh < sh) {
    const wt = areaWeights(sh, dh);
    for (let y = 0; y < sh; y++) {
      const so = y * row;
      const oa = wt.a[y] * row,
        w1 = wt.wa[y];
      for (let k = 0; k < row; k++) out[oa + k] += src[so + k] * w1;
      if (wt.b[y] >= 0) {
        const ob = wt.b[y] * row,
          w2 = wt.wb[y];
        for (let k = 0; k < row; k++) out[ob + k] += src[so + k] * w2;
      }
    }
  } else {
    const r = sh / dh;
    for (let y = 0; y < dh; y++) {
      const fy = (y + 0.5) * r - 0.5;
      const y0 = Math.floor(fy),
        t = fy - y0;
      const ya = ((y0 % sh) + sh) % sh,
        yb = (ya + 1) % sh;
      const oa = ya * row,
        ob = yb * row,
        o = y * row;
      for (let k = 0; k < row; k++) out[o + k] = src[oa + k] * (1 - t) + src[ob + k] * t;
    }
  }
  return out;
}

/** Normalised Gaussian taps for a given sigma (in pixels), radius ⌈3σ⌉. */
export function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(sigma * 3));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + r] = v;
    s += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return k;
}

/** Separable Gaussian blur with wrap-around (in place). `sigmaY` defaults to `sigmaX`. */
export function blurPeriodic(buf: Float32Array, w: number, h: number, ch: number, sigmaX: number, sigmaY: number = sigmaX): void {
  if (sigmaX > 0.05) {
    const k = gaussianKernel(sigmaX),
      r = (k.length - 1) >> 1;
    // Each row is copied with its wrap-around either side (r pixels, wrapping as often as a row
    // shorter than the kernel needs), so the taps run straight without a modulo per tap.
    const line = new Float32Array((w + 2 * r) * ch);
    for (let y = 0; y < h; y++) {
      const o = y * w * ch;
      for (let x = -r; x < w + r; x++) {
        const src = o + (((x % w) + w) % w) * ch;
        for (let c = 0; c < ch; c++) line[(x + r) * ch + c] = buf[src + c];
      }
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < ch; c++) {
          let acc = 0;
          for (let t = 0, i = x * ch + c; t < k.length; t++, i += ch) acc += line[i] * k[t];
          buf[o + x * ch + c] = acc;
        }
      }
    }
  }
  if (sigmaY > 0.05) {
    const k = gaussianKernel(sigmaY),
      r = (k.length - 1) >> 1;
    const row = w * ch;
    const copy = buf.slice();
    for (let y = 0; y < h; y++) {
      const o = y * row;
      for (let i = 0; i < row; i++) buf[o + i] = 0;
      for (let t = -r; t <= r; t++) {
        let yy = (y + t) % h;
        if (yy < 0) yy += h;
        const so = yy * row,
          kv = k[t + r];
        for (let i = 0; i < row; i++) buf[o + i] += copy[so + i] * kv;
      }
    }
  }
}
