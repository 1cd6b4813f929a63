/**
 * Synthetic phone photos of cloth whose truth is known: a procedural texture laid on a plane, seen
 * by a pinhole camera (tilted, rotated), lit unevenly, with other things intruding from the edges
 * (a second cloth, a wooden floor, shoes), sensor noise, lens softness, and JPEG at phone quality.
 * For the acceptance tests and the bench: the analysis is judged against `clothAt`, the true cloth
 * position (mm) behind any photo pixel.
 */
import sharp from 'sharp';
import { linearToSrgb8, SRGB8_TO_LINEAR } from '../color.ts';
import type { FabricTexture } from '../texture.ts';
import { mulberry32 } from './random.ts';

export interface PhoneShot {
  width: number;
  height: number;
  /** Cloth mm per photo px at the centre of the frame. */
  mmPerPx: number;
  /** Rotation of the cloth in the picture (deg, clockwise as seen). */
  rotationDeg: number;
  /** Tilt of the cloth plane away from the sensor plane (deg), about an axis at `tiltAxisDeg`. */
  tiltDeg: number;
  tiltAxisDeg: number;
  /** Lighting: linear gain 1 + gx (x/W − ½) + gy (y/H − ½). */
  light: { gx: number; gy: number };
  /** Sensor noise, σ in 8-bit sRGB levels. */
  noise: number;
  jpegQuality: number;
  /** Foreign things in the frame. */
  intruders: Intruder[];
  seed: number;
  /** Samples per pixel each way (default 2; 1 is faster, for large frames that only need timing). */
  samplesPerPx?: number;
}

export type Intruder =
  /** Another cloth over the frame beyond a (slightly wavy) edge: side and fraction of the frame. */
  | { kind: 'cloth'; side: 'left' | 'right' | 'top' | 'bottom'; fraction: number; texture: FabricTexture }
  | { kind: 'floor'; side: 'left' | 'right' | 'top' | 'bottom'; fraction: number }
  /** Shoes: dark leather ellipses, centre and radii as fractions of the frame. */
  | { kind: 'shoe'; cx: number; cy: number; rx: number; ry: number; angleDeg: number; hex: string };

export interface SyntheticPhoto {
  jpeg: Buffer;
  width: number;
  height: number;
  /** Where on the cloth (mm, cloth axes: x across the warp, y along it) a photo pixel looks. */
  clothAt(x: number, y: number): [number, number];
  /** Fraction of the frame showing the main cloth. */
  clothFraction: number;
  /** Focal length used, px. */
  focalPx: number;
}

/** A typical phone main camera: 26 mm equivalent, so f ≈ 0.75 × the long side. */
export const PHONE_FOCAL_RATIO = 0.75;

export function planeCamera(shot: Pick<PhoneShot, 'width' | 'height' | 'mmPerPx' | 'rotationDeg' | 'tiltDeg' | 'tiltAxisDeg'>) {
  const f = PHONE_FOCAL_RATIO * Math.max(shot.width, shot.height);
  const cx = shot.width / 2,
    cy = shot.height / 2;
  const Z0 = shot.mmPerPx * f; // distance in mm so that one px at the centre spans mmPerPx
  const t = (shot.tiltDeg * Math.PI) / 180,
    a = (shot.tiltAxisDeg * Math.PI) / 180,
    r = (shot.rotationDeg * Math.PI) / 180;
  // Rotation about the in-plane axis (cos a, sin a, 0) by t (Rodrigues).
  const k = [Math.cos(a), Math.sin(a), 0];
  const rot = (v: number[]) => {
    const c = Math.cos(t),
      s = Math.sin(t);
    const kv = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
    const cr = [k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0]];
    return [0, 1, 2].map((i) => v[i] * c + cr[i] * s + k[i] * kv * (1 - c));
  };
  const e1 = rot([Math.cos(r), Math.sin(r), 0]);
  const e2 = rot([-Math.sin(r), Math.cos(r), 0]);
  const n = rot([0, 0, 1]);
  const nz = n[2] * Z0;
  return {
    f,
    clothAt(x: number, y: number): [number, number] {
      // Scalars, not arrays: a 12 MP photo calls this 12 million times.
      const d0 = (x - cx) / f,
        d1 = (y - cy) / f;
      const s = nz / (n[0] * d0 + n[1] * d1 + n[2]);
      const p0 = s * d0,
        p1 = s * d1,
        p2 = s - Z0;
      return [p0 * e1[0] + p1 * e1[1] + p2 * e1[2], p0 * e2[0] + p1 * e2[1] + p2 * e2[2]];
    },
  };
}

/** Bilinear sample of a tiling texture in linear light, at texture px (u, v). */
function sampleTile(lin: Float32Array, w: number, h: number, u: number, v: number, out: Float64Array, o: number): void {
  u = ((u % w) + w) % w;
  v = ((v % h) + h) % h;
  const x0 = Math.floor(u),
    y0 = Math.floor(v),
    fx = u - x0,
    fy = v - y0;
  const x1 = (x0 + 1) % w,
    y1 = (y0 + 1) % h;
  const a = (y0 * w + x0) * 3,
    b = (y0 * w + x1) * 3,
    c = (y1 * w + x0) * 3,
    d = (y1 * w + x1) * 3;
  for (let ch = 0; ch < 3; ch++) {
    out[o + ch] += (lin[a + ch] * (1 - fx) + lin[b + ch] * fx) * (1 - fy) + (lin[c + ch] * (1 - fx) + lin[d + ch] * fx) * fy;
  }
}

function linearOf(tex: FabricTexture): Float32Array {
  const lin = new Float32Array(tex.rgb.length);
  for (let k = 0; k < lin.length; k++) lin[k] = SRGB8_TO_LINEAR[tex.rgb[k]];
  return lin;
}

function hexLinear(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [SRGB8_TO_LINEAR[(v >> 16) & 255], SRGB8_TO_LINEAR[(v >> 8) & 255], SRGB8_TO_LINEAR[v & 255]];
}

/** Does an edge intruder cover (x, y)? The edge wanders a little, as a real cloth's or floor's does. */
function beyondEdge(side: string, fraction: number, x: number, y: number, W: number, H: number, phase: number): boolean {
  switch (side) {
    case 'left':
      return x / W < fraction + edgeWave(y / H, phase);
    case 'right':
      return x / W > 1 - fraction + edgeWave(y / H, phase);
    case 'top':
      return y / H < fraction + edgeWave(x / W, phase);
    default:
      return y / H > 1 - fraction + edgeWave(x / W, phase);
  }
}

/** (Not a closure inside beyondEdge: made anew for every px, it was a third of a 12 MP photo's time.) */
function edgeWave(t: number, phase: number): number {
  return 0.012 * Math.sin(t * 9 + phase) + 0.008 * Math.sin(t * 23 + 2 * phase);
}

export async function photographCloth(texture: FabricTexture, shot: PhoneShot): Promise<SyntheticPhoto> {
  const { width: W, height: H } = shot;
  const cam = planeCamera(shot);
  const rnd = mulberry32(shot.seed);
  const lin = linearOf(texture);
  const tpm = texture.width / texture.widthMm,
    tpmY = texture.height / texture.heightMm;
  const others = shot.intruders.map((it) => (it.kind === 'cloth' ? { it, lin: linearOf(it.texture) } : { it, lin: null }));
  const phases = shot.intruders.map(() => rnd() * 6.28);
  const img = new Float64Array(W * H * 3);
  const acc = new Float64Array(3);
  const SS = shot.samplesPerPx ?? 2; // 2×2 samples per pixel: the texture is made at ≥ 2 px per photo px, so this is an area average
  let clothPx = 0;
  // Wood: brown planks with grain streaks, in linear light.
  const wood = hexLinear('#8A6240'),
    woodDark = hexLinear('#5E3F26');
  const grid = new Float64Array((W + 1) * (H + 1) * 2);
  for (let y = 0; y <= H; y++)
    for (let x = 0; x <= W; x++) {
      const [u, v] = cam.clothAt(x, y);
      grid[(y * (W + 1) + x) * 2] = u;
      grid[(y * (W + 1) + x) * 2 + 1] = v;
    }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let covered = -1;
      for (let i = shot.intruders.length - 1; i >= 0 && covered < 0; i--) {
        const it = shot.intruders[i];
        if (it.kind === 'shoe') {
          const a = (it.angleDeg * Math.PI) / 180;
          const dx = x / W - it.cx,
            dy = y / H - it.cy;
          const u = (dx * Math.cos(a) + dy * Math.sin(a)) / it.rx,
            v = (-dx * Math.sin(a) + dy * Math.cos(a)) / it.ry;
          if (u * u + v * v <= 1) covered = i;
        } else if (beyondEdge(it.side, it.fraction, x, y, W, H, phases[i])) covered = i;
      }
      const o = (y * W + x) * 3;
      acc.fill(0);
      if (covered < 0) {
        clothPx++;
        // The mapping is smooth at pixel scale: corners exactly, the samples inside by interpolation.
        const k00 = (y * (W + 1) + x) * 2,
          k10 = k00 + 2,
          k01 = k00 + (W + 1) * 2,
          k11 = k01 + 2;
        for (let sy = 0; sy < SS; sy++)
          for (let sx = 0; sx < SS; sx++) {
            const fx = (sx + 0.5) / SS,
              fy = (sy + 0.5) / SS;
            const u = (grid[k00] * (1 - fx) + grid[k10] * fx) * (1 - fy) + (grid[k01] * (1 - fx) + grid[k11] * fx) * fy;
            const v = (grid[k00 + 1] * (1 - fx) + grid[k10 + 1] * fx) * (1 - fy) + (grid[k01 + 1] * (1 - fx) + grid[k11 + 1] * fx) * fy;
            sampleTile(lin, texture.width, texture.height, u * tpm, v * tpmY, acc, 0);
          }
        for (let c = 0; c < 3; c++) img[o + c] = acc[c] / (SS * SS);
      } else {
        const it = others[covered].it;
        if (it.kind === 'cloth') {
          const t = it.texture,
            l2 = others[covered].lin!;
          // The other cloth lies a little differently: its own angle and scale.
          const [u, v] = cam.clothAt(x + 0.5, y + 0.5);
          const q = 0.3;
          sampleTile(
            l2,
            t.width,
            t.height,
            (u * Math.cos(q) - v * Math.sin(q)) * (t.width / t.widthMm) * 1.1,
            (u * Math.sin(q) + v * Math.cos(q)) * (t.height / t.heightMm) * 1.1,
            acc,
            0,
          );
          for (let c = 0; c < 3; c++) img[o + c] = acc[c];
        } else if (it.kind === 'floor') {
          const plank = Math.floor(y / (H * 0.09));
          const grain = 0.5 + 0.5 * Math.sin(x * 0.05 + plank * 1.7 + 3 * Math.sin(y * 0.013 + plank));
          const streak = 0.85 + ((0.3 * (((Math.sin(x * 0.9 + plank * 7) * 43758.5453) % 1) + 1)) % 1) * 0.3;
          for (let c = 0; c < 3; c++) img[o + c] = (wood[c] * grain + woodDark[c] * (1 - grain)) * streak;
        } else {
          const base = hexLinear(it.hex);
          const a = (it.angleDeg * Math.PI) / 180;
          const dx = x / W - it.cx,
            dy = y / H - it.cy;
          const u = (dx * Math.cos(a) + dy * Math.sin(a)) / it.rx,
            v = (-dx * Math.sin(a) + dy * Math.cos(a)) / it.ry;
          const shine = Math.max(0, 1 - ((u + 0.3) ** 2 + (v + 0.4) ** 2) * 6) * 0.25;
          for (let c = 0; c < 3; c++) img[o + c] = base[c] * (0.8 + 0.4 * (1 - u * u - v * v)) + shine;
        }
      }
    }
  }
  // Lens and demosaic softness: a light 3-tap blur each way.
  const soft = new Float64Array(img.length);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const xl = Math.max(0, x - 1),
        xr = Math.min(W - 1, x + 1);
      for (let c = 0; c < 3; c++)
        soft[(y * W + x) * 3 + c] = 0.2 * img[(y * W + xl) * 3 + c] + 0.6 * img[(y * W + x) * 3 + c] + 0.2 * img[(y * W + xr) * 3 + c];
    }
  const rgb = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    const yu = Math.max(0, y - 1),
      yd = Math.min(H - 1, y + 1);
    for (let x = 0; x < W; x++) {
      const g = 1 + shot.light.gx * ((x + 0.5) / W - 0.5) + shot.light.gy * ((y + 0.5) / H - 0.5);
      for (let c = 0; c < 3; c++) {
        const k = (y * W + x) * 3 + c;
        const v = (0.2 * soft[(yu * W + x) * 3 + c] + 0.6 * soft[k] + 0.2 * soft[(yd * W + x) * 3 + c]) * g;
        const n = shot.noise * gauss(rnd);
        rgb[k] = Math.max(0, Math.min(255, Math.round(linearToSrgb8(v) + n)));
      }
    }
  }
  const jpeg = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: shot.jpegQuality, chromaSubsampling: '4:2:0' })
    .toBuffer();
  return { jpeg, width: W, height: H, clothAt: cam.clothAt, clothFraction: clothPx / (W * H), focalPx: cam.f };
}

function gauss(rnd: () => number): number {
  const u = Math.max(1e-12, rnd()),
    v = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
