/**
 * The shoes as a tailor judges them beside the cloth: polished Oxfords, not flat black shapes. Rendered
 * through the compose engine in black and in brown, every view: the shoes are where the two renders
 * differ (and nowhere else), their most common colour is the chosen one, a lit highlight stands well
 * above it, and from the front the pair mirror each other.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine, type RawImage } from '../engines/compose/index.ts';
import { modeLab, TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { deltaE2000, hexToLab, linearToLab, srgbToLinear } from '../fabrics/color.ts';
import { frontProjection, type Projection, turnedProjection } from './geometry.ts';
import { resolveOptions } from './options.ts';
import { SHOE_COLOUR, SHOE_CX } from './suits.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const fabric = { hex: '#1C2841', design: { weave: 'twill' as const, pattern: 'solid' as const, threadMm: 0.22 } };
const VIEWS: Array<[string, Projection]> = [
  ['front', frontProjection()],
  ['three-quarter', turnedProjection(34)],
  ['back', frontProjection()],
];

async function render(view: string, shoes: 'black' | 'brown', size: 'full' | 'hd' = 'full'): Promise<RawImage> {
  return engine.renderRaw({ cut: 'single-breasted', view, fabric, options: resolveOptions('single-breasted', { shoes }) }, size);
}

function lab(raw: RawImage, i: number): number[] {
  return linearToLab([srgbToLinear(raw.rgb[i * 3]! / 255), srgbToLinear(raw.rgb[i * 3 + 1]! / 255), srgbToLinear(raw.rgb[i * 3 + 2]! / 255)]);
}

/** Pixels where two renders differ visibly. */
function differing(a: RawImage, b: RawImage): Uint8Array {
  const m = new Uint8Array(a.width * a.height);
  for (let i = 0; i < m.length; i++) {
    const d = Math.abs(a.rgb[i * 3]! - b.rgb[i * 3]!) + Math.abs(a.rgb[i * 3 + 1]! - b.rgb[i * 3 + 1]!) + Math.abs(a.rgb[i * 3 + 2]! - b.rgb[i * 3 + 2]!);
    m[i] = d > 12 ? 1 : 0;
  }
  return m;
}

/** Image box (px) around one shoe (s = 1 the image-left one): body mm, generous, projected. */
function shoeBox(proj: Projection, s: number, view: string): { x0: number; x1: number; y0: number; y1: number } {
  const y0 = Math.floor(proj.project(0, 80)[1]);
  const y1 = Math.ceil(proj.project(0, -8)[1]);
  if (view === 'three-quarter') {
    // Turned, a shoe is seen near side on: from its heel, back under its leg toward the image's left,
    // to its toe reaching out past the leg toward the right.
    const leg = (proj.project(-s * 180, 36)[0] + proj.project(-s * 32, 36)[0]) / 2;
    return { x0: Math.floor(leg - 110 * proj.pxPerMm), x1: Math.ceil(leg + 190 * proj.pxPerMm), y0: y0 - Math.round(30 * proj.pxPerMm), y1 };
  }
  const xs = [-SHOE_CX - 75, -SHOE_CX + 90].map((x) => proj.project(s * x, 0)[0]);
  return { x0: Math.floor(Math.min(...xs)), x1: Math.ceil(Math.max(...xs)), y0, y1 };
}

/**
 * The front at HD in `shoes` and the other colour: the render, where the two differ (the shoes), its
 * width, pixels per mm, and each shoe's box scaled to it (s = 1 the image-left one).
 */
async function frontShoesHd(shoes: 'black' | 'brown') {
  const base = frontProjection();
  const raw = await render('front', shoes, 'hd');
  const other = await render('front', shoes === 'black' ? 'brown' : 'black', 'hd');
  const k = raw.width / 1024;
  const boxes = ([1, -1] as const).map((s) => {
    const b = shoeBox(base, s, 'front');
    const [x0, x1, y0, y1] = [b.x0, b.x1, b.y0, b.y1].map((v) => Math.round(v * k)) as [number, number, number, number];
    return { s, x0, x1, y0, y1 };
  });
  return { raw, diff: differing(raw, other), W: raw.width, mm: base.pxPerMm * k, boxes };
}

describe('shoes: polished Oxfords in the chosen colour', () => {
  it.each(VIEWS)('%s: the shoes option changes the shoes alone; each is its colour with a lit shine', async (view, proj) => {
    const black = await render(view, 'black');
    const brown = await render(view, 'brown');
    const diff = differing(black, brown);
    const W = black.width;
    const boxes = [1, -1].map((s) => shoeBox(proj, s, view));
    const inBox = (x: number, y: number) => boxes.some((b) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1);
    let outside = 0;
    for (let i = 0; i < diff.length; i++) if (diff[i] && !inBox(i % W, Math.floor(i / W))) outside++;
    expect(outside, 'pixels changed away from the shoes').toBe(0);

    for (const [shoes, raw] of [
      ['black', black],
      ['brown', brown],
    ] as const) {
      const want = hexToLab(SHOE_COLOUR[shoes]);
      // The leather of the upper: above the sole (from behind, above the heel; turned, above the heel's
      // top, the sole rising toward it along the shoe).
      const top = Math.ceil(proj.project(0, view === 'back' ? 26 : view === 'three-quarter' ? 34 : 8)[1]);
      for (const b of boxes) {
        const labs: number[][] = [];
        // Turned, only the forefoot past the leg's centre: the heel stands in the hem's shade, where
        // black leather's shading crowds into a few dark bins and outnumbers its face.
        const x0 = view === 'three-quarter' ? Math.round(b.x0 + 110 * proj.pxPerMm) : b.x0; // (the box starts 110 mm behind it)
        for (let y = b.y0; y < Math.min(b.y1, top); y++) for (let x = x0; x < b.x1; x++) if (diff[y * W + x]) labs.push(lab(raw, y * W + x));
        // A shoe, not a speck: at full size a shoe below the hem covers over a thousand pixels.
        expect(labs.length, `${view} ${shoes} shoe pixels`).toBeGreaterThan(view === 'back' ? 300 : 1000);
        const base = modeLab(labs);
        expect(deltaE2000(base, want), `${view} ${shoes} base ${base.map((v) => v.toFixed(1))}`).toBeLessThan(3);
        // The shine: the lightest percent of the shoe stands far above its base, and it is light laid
        // over the leather: on brown shoes it keeps the leather's warm hue (b* > a* > 0), not grey paint.
        labs.sort((p, q) => p[0]! - q[0]!);
        const lit = labs[Math.floor(labs.length * 0.99)]!;
        expect(lit[0]! - base[0]!, `${view} ${shoes} highlight L ${lit[0]!.toFixed(1)} over base ${base[0]!.toFixed(1)}`).toBeGreaterThan(15);
        if (shoes === 'brown') expect(lit[2]!, `${view} brown highlight stays warm`).toBeGreaterThan(3);
      }
    }
  });

  it('front: the pair mirror each other about the centre', async () => {
    const proj = frontProjection();
    const black = await render('front', 'black');
    const brown = await render('front', 'brown');
    const diff = differing(black, brown);
    const W = black.width;
    const [cx] = proj.project(0, 0);
    const b = shoeBox(proj, 1, 'front');
    let both = 0;
    let either = 0;
    for (let y = b.y0; y < b.y1; y++)
      for (let x = b.x0; x < b.x1; x++) {
        const mx = Math.round(2 * cx - x - 1);
        const l = diff[y * W + x]!;
        const r = diff[y * W + mx]!;
        both += l & r;
        either += l | r;
      }
    expect(either).toBeGreaterThan(1000);
    expect(both / either, 'silhouette overlap, left shoe mirrored onto the right').toBeGreaterThan(0.95);
  });
});

describe('shoes: the toe meets its sole without a seam of light', () => {
  // The upper and the sole were drawn along one curve, and the background came through the pixels
  // both half covered: a light rim round each toe (L* 25 on black leather at 10 and the sole at 2).
  it.each(['full', 'hd'] as const)('%s: at the toe no pixel between sole and upper is lighter than the leather above it', async (size) => {
    const proj = frontProjection();
    const raw = await engine.renderRaw({ cut: 'single-breasted', view: 'front', fabric, options: resolveOptions('single-breasted', { shoes: 'black' }) }, size);
    const k = raw.width / 1024;
    const row = (mm: number) => Math.round(proj.project(0, mm)[1] * k);
    for (const s of [1, -1]) {
      const cx = Math.round(proj.project(-s * SHOE_CX, 0)[0] * k);
      // L* across the toe's middle 12 mm, row by row.
      const half = Math.round(6 * proj.pxPerMm * k);
      const lightness = (y: number) => {
        let sum = 0;
        let n = 0;
        for (let x = cx - half; x <= cx + half; x++, n++) sum += lab(raw, y * raw.width + x)[0]!;
        return sum / n;
      };
      const upper: number[] = [];
      for (let y = row(16); y <= row(10); y++) upper.push(lightness(y));
      upper.sort((a, b) => a - b);
      let junction = 0;
      for (let y = row(9); y <= row(1); y++) junction = Math.max(junction, lightness(y));
      expect(junction - upper[upper.length >> 1]!, `${size} shoe ${s}: lightest where sole meets upper, over the upper's median`).toBeLessThan(5);
    }
  });
});

/** 8-connected regions of a mask, largest first (pixel lists). */
function regions(m: Uint8Array, W: number, H: number): number[][] {
  const seen = new Uint8Array(m.length);
  const out: number[][] = [];
  for (let i = 0; i < m.length; i++) {
    if (!m[i] || seen[i]) continue;
    const list: number[] = [];
    const stack = [i];
    seen[i] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      list.push(p);
      const x = p % W;
      const y = Math.floor(p / W);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= W || ny >= H) continue;
          const q = ny * W + nx;
          if (m[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    out.push(list);
  }
  return out.sort((a, b) => b.length - a.length);
}

describe('three-quarter: shoes seen turned, not the front shoe stretched', () => {
  it('the toe rounds down into its sole, not a square end', async () => {
    // Seen turned, a toe is a rounded nose: its front edge leaves the furthest point at once, above and
    // below. A section standing square up its sides drew the far wall of the toe box as a vertical end,
    // sole and upper flush under it. Measured on the far shoe, whose toe nothing overlaps, at HD.
    const proj = turnedProjection(34);
    const hd = (shoes: 'black' | 'brown') =>
      engine.renderRaw({ cut: 'single-breasted', view: 'three-quarter', fabric, options: resolveOptions('single-breasted', { shoes }) }, 'hd');
    const black = await hd('black');
    const diff = differing(black, await hd('brown'));
    const W = black.width;
    const k = W / 1024;
    const mm = proj.pxPerMm * k;
    const leg = ((proj.project(180, 36)[0] + proj.project(32, 36)[0]) / 2) * k;
    const right = new Float64Array(black.height).fill(-1);
    for (let y = Math.floor(proj.project(0, 90)[1] * k); y < black.height; y++) for (let x = Math.ceil(leg); x < W; x++) if (diff[y * W + x]) right[y] = x;
    const reach = Math.max(...right);
    let flush = 0;
    for (const x of right) if (x >= reach - mm) flush++;
    console.log(`toe's front within 1 mm of its furthest point: ${(flush / mm).toFixed(1)} mm of height`);
    expect(flush / mm, "height (mm) of the toe's front within 1 mm of its furthest point (b90: 10)").toBeLessThan(7.5);
  });

  it('the near shoe is long and low, its toe toward the turn and nearer (lower), its heel apart from the sole; the far one partly hidden', async () => {
    const proj = turnedProjection(34);
    const black = await render('three-quarter', 'black');
    const brown = await render('three-quarter', 'brown');
    const W = black.width;
    const diff = differing(black, brown);
    // The shoes: the largest region and any other of some size (the near toe may touch the far heel,
    // which stands further back and so higher in the image). They part where the near toe ends: the
    // first column past the near ball with no shoe within 12 mm of the floor. The near one is image-left.
    const shoes = regions(diff, W, black.height)
      .filter((r, _i, all) => r.length > all[0]!.length * 0.05)
      .flat();
    const legAt = (s: number) => (proj.project(-s * 180, 36)[0] + proj.project(-s * 32, 36)[0]) / 2;
    const low = proj.project(0, 12)[1];
    const counts = new Int32Array(W);
    for (const p of shoes) if (Math.floor(p / W) >= low) counts[p % W]!++;
    // (Searched from under the ball, past the waist of the sole, which is off the floor.)
    let split = Math.round(legAt(1) + 60 * proj.pxPerMm);
    while (split < W - 1 && counts[split]! > 0) split++;
    const near = shoes.filter((p) => p % W < split);
    const far = shoes.filter((p) => p % W >= split);
    expect(far.length, 'two shoes').toBeGreaterThan(300);
    const xs = near.map((p) => p % W);
    const x0 = Math.min(...xs);
    const x1 = Math.max(...xs);
    const width = x1 - x0 + 1;
    // A shoe about 29 cm long turned 34° spans some 20 cm across; the front shoe is 11 cm wide.
    expect(width / proj.pxPerMm, 'near shoe width (mm)').toBeGreaterThan(175);
    // Its lowest edge, column by column: the toe (toward the turn, nearer the camera) sits lower in the
    // image than the heel at the back.
    const bottom = new Float64Array(width).fill(-1);
    for (const p of near) bottom[(p % W) - x0] = Math.max(bottom[(p % W) - x0]!, Math.floor(p / W));
    const mean = (f: number, t: number) => {
      let s = 0;
      let n = 0;
      for (let i = Math.floor(f * width); i < Math.ceil(t * width); i++) {
        if (bottom[i]! < 0) continue;
        s += bottom[i]!;
        n++;
      }
      return s / n;
    };
    const heel = mean(0.02, 0.12);
    const toe = mean(0.8, 0.95);
    expect(toe - heel, `toe bottom row ${toe.toFixed(1)} below heel ${heel.toFixed(1)}`).toBeGreaterThan(8);
    // Between heel and ball the sole lifts off the floor (the waist of the shoe): the bottom edge rises
    // above the line from the heel's bottom to the ball's.
    const ball = mean(0.55, 0.65);
    let arch = 0;
    for (let i = Math.floor(0.14 * width); i < Math.floor(0.5 * width); i++) {
      const t = (i / width - 0.07) / (0.6 - 0.07);
      arch = Math.max(arch, heel + t * (ball - heel) - bottom[i]!);
    }
    expect(arch, 'the shank lifts between heel and ball (px)').toBeGreaterThan(3);
    // The toe box is domed: its top edge, column by column, rounds over to the tip, standing above the
    // line from the cap's top to the tip's (a profile eased point to point drew it as a straight slope,
    // a wedge: 0.1 px).
    const top = new Float64Array(width).fill(Infinity);
    for (const p of near) top[(p % W) - x0] = Math.min(top[(p % W) - x0]!, Math.floor(p / W));
    const at = (f: number) => top[Math.round(f * (width - 1))]!;
    let dome = 0;
    for (let f = 0.8; f < 0.97; f += 0.01) dome = Math.max(dome, at(0.78) + ((f - 0.78) / (0.98 - 0.78)) * (at(0.98) - at(0.78)) - at(f));
    console.log(`toe box above the line from cap to tip: ${dome.toFixed(1)} px`);
    expect(dome, 'the toe box rounds over to the tip (px)').toBeGreaterThan(1.5);
    // The far shoe stands behind: its heel is hidden by its own leg, part of it by the near shoe.
    expect(far.length / near.length, 'far shoe area over near').toBeLessThan(0.75);
  });

  // Behind the near leg only the heel shows. Its back is round in plan and faces the key light (upper
  // left): a heel is lit down its turning back and narrows to its top piece on the floor. Drawn as a
  // box it read as a dark block: flat, its back edge straight up.
  it('the near heel is a turned heel, not a block: lit down its round back, its back edge leaning in to the floor', async () => {
    // At HD: the lean is a few millimetres.
    const base = turnedProjection(34);
    const black = await render('three-quarter', 'black', 'hd');
    const brown = await render('three-quarter', 'brown', 'hd');
    const k = black.width / 1024;
    const proj = { pxPerMm: base.pxPerMm * k, project: (x: number, y: number) => base.project(x, y).map((v) => v * k) as [number, number] };
    const W = black.width;
    const diff = differing(black, brown);
    const mm = proj.pxPerMm;
    const leg = (proj.project(-180, 36)[0] + proj.project(-32, 36)[0]) / 2;
    // The heel: the near shoe's back, its leftmost pixels behind the leg, and its lowest row there
    // (the heel stands further back than the toe, so higher in the image than the floor's line).
    const floorLine = Math.round(proj.project(0, 0)[1]);
    let back = W;
    for (let y = floorLine - Math.round(80 * mm); y <= floorLine; y++)
      for (let x = Math.floor(leg - 110 * mm); x < leg; x++) if (diff[y * W + x]) back = Math.min(back, x);
    expect(back).toBeLessThan(leg - 40 * mm);
    let bottom = 0;
    for (let y = floorLine - Math.round(80 * mm); y <= floorLine; y++)
      for (let x = back; x < back + 15 * mm; x++) if (diff[y * W + x]) bottom = Math.max(bottom, y);
    const row = (z: number) => Math.round(bottom - z * mm);
    const left = (y: number) => {
      for (let x = back; x < leg; x++) if (diff[y * W + x]) return x;
      return Number.NaN;
    };
    // Mean L* of the black heel per column band, 5 to 20 mm up (below the hem).
    const band = (from: number, to: number) => {
      let sum = 0;
      let n = 0;
      for (let y = row(20); y <= row(5); y++) {
        for (let x = Math.round(back + from * mm); x < Math.round(back + to * mm); x++) {
          if (!diff[y * W + x]) continue;
          sum += lab(black, y * W + x)[0]!;
          n++;
        }
      }
      return sum / n;
    };
    const lit = Math.max(band(1, 5), band(3, 7), band(5, 9));
    const side = band(12, 24);
    expect(lit - side, `heel's back L* ${lit.toFixed(1)} over its side ${side.toFixed(1)}`).toBeGreaterThan(3);
    // Its back edge leans in toward the floor (the top piece is narrower than the seat).
    const lean = (left(row(3)) - left(row(15))) / mm;
    expect(lean, 'back edge 3 mm up, right of where it is 15 mm up (mm)').toBeGreaterThan(1);
  });
});

describe('front: shoes seen from a little above, not domes on a brim', () => {
  // Drawn as a dome on a flat brim, each front shoe read as a bowler hat: its sides curved in from the
  // welt, a band of shine across it (at 40 mm up it was 0.86 of its widest). A shoe's toe box stands
  // up its sides to where the hem hides it: the front shoes are the three-quarter view's solid last,
  // turned out a little, seen from a little above.
  it('each toe box stands up its sides to the hem (HD)', async () => {
    const { diff, W, mm, boxes } = await frontShoesHd('black');
    for (const { s, x0, x1, y0, y1 } of boxes) {
      const rowWidth = new Float64Array(y1 - y0);
      let lowest = 0;
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++)
          if (diff[y * W + x]) {
            rowWidth[y - y0]++;
            lowest = Math.max(lowest, y);
          }
      const widest = Math.max(...rowWidth);
      const widthAt = (z: number) => rowWidth[Math.round(lowest - z * mm) - y0]! / widest;
      console.log(`front shoe ${s}: width at 10/20/30/40 mm up, of its widest: ${[10, 20, 30, 40].map((z) => widthAt(z).toFixed(2)).join('/')}`);
      expect(widthAt(30), `shoe ${s}: width 30 mm up`).toBeGreaterThan(0.9);
      expect(widthAt(40), `shoe ${s}: width 40 mm up`).toBeGreaterThan(0.9);
    }
  });
});

describe('front: the toe is round in plan, not a box', () => {
  // Seen from a little above, a toe's round plan draws its lower edge (where the upper meets the
  // sole) as an arc: lowest at the tip, nearest the camera, and rising toward the sides, which lie
  // further back. Up to b138 the edge ran level (within 1.5 mm of the tip) across 73 % of the shoe's
  // width, 1.1-1.7 mm above it 10-30 % across and 0.0 at 70-80 %: a box. The toe's plan eased to
  // its tip through points closed its last 12 mm of half-width over 3 mm, and the welt's line bent
  // in to meet its mirror there: seen from above, a point in the round.
  it.each(['black', 'brown'] as const)('%s (HD): the lower edge of the upper arcs up from the tip toward the sides', async (shoes) => {
    const { diff, W, mm, boxes } = await frontShoesHd(shoes);
    for (const { s, x0, x1, y0, y1 } of boxes) {
      // Per column, the upper's lowest pixel.
      const low = new Map<number, number>();
      for (let x = x0; x < x1; x++)
        for (let y = y1 - 1; y >= y0; y--)
          if (diff[y * W + x]) {
            low.set(x, y);
            break;
          }
      const xs = [...low.keys()].sort((a, b) => a - b);
      const [a, b] = [xs[0]!, xs[xs.length - 1]!];
      const tip = Math.max(...low.values());
      // How far (mm) the edge lies above the tip at a fraction across the shoe's width.
      const rise = (f: number) => (tip - low.get(Math.round(a + f * (b - a)))!) / mm;
      const level = xs.filter((x) => tip - low.get(x)! <= 1.5 * mm).length / xs.length;
      console.log(
        `front ${shoes} shoe ${s}: ${((b - a) / mm).toFixed(0)} mm wide; its lower edge ${[0.1, 0.2, 0.3, 0.7, 0.8, 0.9].map((f) => rise(f).toFixed(1)).join(' / ')} mm above the tip at 10/20/30/70/80/90 %; level within 1.5 mm over ${(level * 100).toFixed(0)} %`,
      );
      expect(level, `shoe ${s}: the share of its width within 1.5 mm of the tip`).toBeLessThan(0.4);
      for (const f of [0.1, 0.9]) expect(rise(f), `shoe ${s}: the edge ${f * 100} % across`).toBeGreaterThan(4.5);
    }
  });
});

describe('front: the shine lies across the toe cap, not a glint drawn on', () => {
  // Seen from the front a polished cap reflects the key light as a soft band across its upper round.
  // Up to b135 ours was a spot 4 by 2 mm with a crisp core and, standing up from it, the crown's
  // streak foreshortened into a thin bright line: the dot and dash of a cartoon's glint. Measured on
  // the largest lit patch of each shoe (L* over 0.6 of the way from the leather's mode to its
  // lightest percent): its extent across (x) against its extent up (y), in mm. Up to b135 8.3-8.9
  // across and 16.7-17.8 up (the streak standing on the spot); now 27.8-28.3 across, 4.4-5.6 up.
  it.each(['black', 'brown'] as const)('%s (HD)', async (shoes) => {
    const { raw, diff, W, mm, boxes } = await frontShoesHd(shoes);
    for (const { s, x0, x1, y0, y1 } of boxes) {
      const px: Array<[number, number, number]> = [];
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (diff[y * W + x]) px.push([x, y, lab(raw, y * W + x)[0]!]);
      const ls = px.map((p) => p[2]).sort((a, b) => a - b);
      const mode = modeLab(px.map((p) => [p[2], 0, 0]))[0]!;
      const top = ls[Math.floor(ls.length * 0.99)]!;
      const litMask = new Uint8Array(raw.width * raw.height);
      for (const [x, y, l] of px) if (l > mode + 0.6 * (top - mode)) litMask[y * W + x] = 1;
      const lit = regions(litMask, W, raw.height)[0]!;
      const xs = lit.map((i) => i % W).sort((a, b) => a - b);
      const ys = lit.map((i) => Math.floor(i / W)).sort((a, b) => a - b);
      // Between the 2nd and 98th percentiles, so a stray pixel does not count.
      const extent = (v: number[]) => (v[Math.floor(v.length * 0.98)]! - v[Math.floor(v.length * 0.02)]!) / mm;
      const [across, up] = [extent(xs), extent(ys)];
      console.log(`front ${shoes} shoe ${s}: shine ${across.toFixed(1)} mm across, ${up.toFixed(1)} mm up (${lit.length} px)`);
      expect(across, `shoe ${s}: the shine's width`).toBeGreaterThan(12);
      expect(across / up, `shoe ${s}: the shine lies across the cap`).toBeGreaterThan(2);
    }
  });
});
