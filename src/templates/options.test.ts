/**
 * Style options are drafting parameters: each one changes the drawing where a tailor would expect
 * and nowhere else (mask diffs of the drawn view), the garment stays symmetric where it is, every
 * combination of a cut's options drafts and renders (a property test over the option space), and a
 * refused combination says which option and what it allows.
 *
 * Shapes are compared on a flat "look" of the draft (underlay, each panel in its own colour, shading
 * marks in ink, overlay) rasterised at a quarter of the size; renders of whole option combinations are
 * built at a quarter of the size too, sixteen times faster than the shipped templates.
 */
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { finishFor, renderCloth } from '../engines/compose/render.ts';
import { TextureCache } from '../engines/compose/texture.ts';
import { buildDrawnLevels } from './build.ts';
import { frontProjection, type Projection, turnedProjection } from './geometry.ts';
import {
  CUT_PRESETS,
  draftAheadOrder,
  STYLE_OPTION_IDS,
  STYLE_OPTIONS,
  StyleOptionError,
  describeOptions,
  resolveOptions,
  type StyleOptionId,
  type StyleOptions,
} from './options.ts';
import { SHADE_ONE } from './types.ts';
import { draftCutView, HEM_Y } from './suits.ts';
import type { CutViewSource } from './types.ts';

const SCALE = 0.25;
const W = 1024 * SCALE;
const H = 1536 * SCALE;

/** A colour of its own per panel id: adding a panel must not recolour the others. */
function panelColour(id: string): string {
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return `rgb(${h & 255},${(h >>> 8) & 255},${(h >>> 16) & 255})`;
}

/** The draft as flat shapes: underlay, panels in their own colours, marks in ink, overlay. */
async function look(src: CutViewSource, parts: { marks?: boolean } = {}): Promise<Uint8Array> {
  const panels = src.panels.map((p) => `<path d="${p.path}" fill="${panelColour(p.id)}" shape-rendering="crispEdges"/>`).join('');
  const marks = parts.marks ? src.marks.map((m) => `<path d="${m.path}" fill="none" stroke="#000" stroke-width="${Math.max(2, m.width)}"/>`).join('') : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${src.width} ${src.height}">${src.underlay}${panels}${marks}${src.overlay}</svg>`;
  const out = await sharp(Buffer.from(svg)).flatten({ background: '#fff' }).removeAlpha().raw().toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

async function silhouette(src: CutViewSource): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${src.width} ${src.height}"><rect width="${src.width}" height="${src.height}" fill="#000"/>${src.panels.map((p) => `<path d="${p.path}" fill="#fff"/>`).join('')}</svg>`;
  const out = await sharp(Buffer.from(svg)).extractChannel(0).raw().toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

type Rect = { x0: number; x1: number; y0: number; y1: number };
/** A region of the figure in body millimetres (x from centre front, y up from the floor), as pixels. */
function region(x0: number, x1: number, y0: number, y1: number, p: Projection = frontProjection()): Rect {
  const corners = [p.project(x0, y0), p.project(x0, y1), p.project(x1, y0), p.project(x1, y1)];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  // Two pixels of slack for anti-aliasing at the quarter size.
  return { x0: Math.min(...xs) * SCALE - 2, x1: Math.max(...xs) * SCALE + 2, y0: Math.min(...ys) * SCALE - 2, y1: Math.max(...ys) * SCALE + 2 };
}
const turned = turnedProjection(34);
/** In the three-quarter view: the back hem of the near side, where the coat's back edge turns away. */
const nearBackHem = () => region(-235, -180, HEM_Y - 12, 1030, turned);

function diff(a: Uint8Array, b: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < W * H; i++) {
    const d = Math.abs(a[i * 3]! - b[i * 3]!) + Math.abs(a[i * 3 + 1]! - b[i * 3 + 1]!) + Math.abs(a[i * 3 + 2]! - b[i * 3 + 2]!);
    if (d > 24) out.push([i % W, Math.floor(i / W)]);
  }
  return out;
}

const inside =
  (rects: Rect[]) =>
  ([x, y]: [number, number]) =>
    rects.some((r) => x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1);

const sb = (over: Partial<StyleOptions>) => resolveOptions('single-breasted', over as Record<string, string>);

describe('option values: API shape and refusals', () => {
  it('every cut lists every option, with its preset as default', () => {
    for (const cut of Object.keys(CUT_PRESETS)) {
      const opts = describeOptions(cut);
      expect(opts.map((o) => o.id)).toEqual(STYLE_OPTION_IDS);
      for (const o of opts) expect(o.values.map((v) => v.id)).toContain(o.default);
    }
  });

  it('refuses with the option and its allowed values', () => {
    const refusal = (cut: string, chosen: Record<string, string>) => {
      try {
        resolveOptions(cut, chosen);
      } catch (e) {
        if (e instanceof StyleOptionError) return { option: e.option, allowed: e.allowed };
        throw e;
      }
      return undefined;
    };
    expect(refusal('single-breasted', { pockets: 'patch', ticketPocket: 'yes' })).toEqual({ option: 'ticketPocket', allowed: ['no'] });
    expect(refusal('single-breasted', { ticketPocket: 'yes', pockets: 'patch' })).toEqual({ option: 'ticketPocket', allowed: ['no'] });
    expect(refusal('single-breasted', { vents: 'triple' })).toEqual({ option: 'vents', allowed: ['none', 'single', 'double'] });
    expect(refusal('three-piece', { fastening: 'db6x2' })).toEqual({ option: 'fastening', allowed: ['sb1', 'sb2', 'sb3'] });
    expect(refusal('single-breasted', { lapel: 'shawl', fastening: 'sb1' })).toBeUndefined();
  });
});

describe('the order styles are drafted ahead in', () => {
  it('drafts the option just changed first, then the ones below it in the panel, then those above', () => {
    // Nothing changed yet (the first suit on screen): the panel from the top.
    expect(draftAheadOrder([])).toEqual(STYLE_OPTION_IDS);
    // Pockets just changed: the next tap is likelier another pocket, then a ticket pocket, than a lapel gone through already.
    const order = draftAheadOrder(['pockets']);
    expect(order.slice(0, 4)).toEqual(['pockets', 'ticketPocket', 'breastPocket', 'vents']);
    expect(order.indexOf('shoes')).toBeLessThan(order.indexOf('lapel'));
    expect(order.slice(-3)).toEqual(['lapel', 'lapelWidth', 'fastening']);
    expect([...order].sort()).toEqual([...STYLE_OPTION_IDS].sort());
    // Two changed by one tap (a shawl collar makes the coat single-breasted): both first, then the
    // options below the one tapped, the higher in the panel.
    expect(draftAheadOrder(['lapel', 'fastening']).slice(0, 4)).toEqual(['lapel', 'fastening', 'lapelWidth', 'pockets']);
    expect(draftAheadOrder(['shoes']).slice(0, 2)).toEqual(['shoes', 'lapel']);
  });
});

describe('each option changes the drawing where it should and nowhere else', () => {
  // [option, value, cut, view, regions in body mm where the drawing may change]
  const front = 'front';
  const cases: Array<[StyleOptionId, string, string, string, Rect[]]> = [
    ['lapel', 'peak', 'single-breasted', front, [region(-260, 260, 1040, 1545)]],
    ['lapel', 'shawl', 'single-breasted', front, [region(-260, 260, 1040, 1545)]],
    ['lapelWidth', 'slim', 'single-breasted', front, [region(-260, 260, 1040, 1545)]],
    ['lapelWidth', 'wide', 'double-breasted', front, [region(-260, 260, 1040, 1545)]],
    ['fastening', 'sb1', 'single-breasted', front, [region(-260, 260, HEM_Y - 12, 1545)]],
    ['fastening', 'sb3', 'single-breasted', front, [region(-200, 200, HEM_Y - 12, 1480)]],
    ['fastening', 'db4x1', 'double-breasted', front, [region(-110, 110, 1170, 1220)]],
    ['pockets', 'jetted', 'single-breasted', front, [region(-200, 200, 760, 1010)]],
    ['pockets', 'patch', 'single-breasted', front, [region(-200, 200, 760, 1010)]],
    ['ticketPocket', 'yes', 'single-breasted', front, [region(-200, 0, 930, 1025)]],
    ['breastPocket', 'no', 'single-breasted', front, [region(85, 215, 1265, 1335)]],
    ['trouserFront', 'pleated', 'three-piece', front, [region(-215, 215, 0, 1030)]],
    ['trouserHem', 'turnups', 'single-breasted', front, [region(-215, 215, 0, 140)]],
    ['waistcoat', 'db', 'three-piece', front, [region(-200, 200, 930, 1480)]],
    ['waistcoat', 'none', 'three-piece', front, [region(-200, 200, 930, 1480)]],
    ['waistcoat', 'sb', 'single-breasted', front, [region(-200, 200, 930, 1480)]],
    ['buttons', 'horn-light', 'double-breasted', front, [region(-100, 100, 960, 1220), region(-290, -240, 860, 960), region(240, 290, 860, 960)]],
    ['shirt', 'light-blue', 'single-breasted', front, [region(-130, 130, 920, 1535), region(-300, -190, 820, 870), region(190, 300, 820, 870)]],
    ['tie', 'none', 'single-breasted', front, [region(-70, 70, 1020, 1505)]],
    ['tie', 'forest', 'single-breasted', front, [region(-70, 70, 1020, 1505)]],
    ['shoes', 'brown', 'single-breasted', front, [region(-200, 200, -20, 80)]],
    ['vents', 'none', 'single-breasted', 'back', [region(-200, 200, HEM_Y - 12, 1030)]],
    ['vents', 'single', 'single-breasted', 'back', [region(-200, 200, HEM_Y - 12, 1030)]],
    ['trouserHem', 'turnups', 'double-breasted', 'back', [region(-215, 215, 0, 140)]],
    // Turned, the near side shows the coat's side and the edge of its back: the vents show there.
    ['vents', 'none', 'single-breasted', 'three-quarter', [nearBackHem()]],
    ['vents', 'single', 'single-breasted', 'three-quarter', [nearBackHem()]],
    ['vents', 'none', 'double-breasted', 'three-quarter', [nearBackHem()]],
    ['vents', 'single', 'three-piece', 'three-quarter', [nearBackHem()]],
  ];
  it.each(cases)('%s: %s on the %s %s view', async (id, value, cut, view, regions) => {
    const preset = resolveOptions(cut);
    expect(preset[id], 'the case changes something').not.toBe(value);
    const marks = id === 'vents';
    const a = await look(draftCutView(cut, view, preset), { marks });
    const b = await look(draftCutView(cut, view, resolveOptions(cut, { [id]: value })), { marks });
    const changed = diff(a, b);
    expect(changed.length, 'the option shows').toBeGreaterThan(12);
    const outside = changed.filter((p) => !inside(regions)(p));
    expect(outside.length, `changed outside its region, e.g. at ${JSON.stringify(outside.slice(0, 3))}`).toBe(0);
  });

  it('vents do not show from the front', async () => {
    const a = await look(draftCutView('single-breasted', 'front', sb({})), { marks: true });
    const b = await look(draftCutView('single-breasted', 'front', sb({ vents: 'none' })), { marks: true });
    expect(diff(a, b)).toHaveLength(0);
  });
});

describe('symmetry', () => {
  it.each([
    ['single-breasted', 'front'],
    ['double-breasted', 'front'],
    ['three-piece', 'front'],
    ['single-breasted', 'back'],
  ])('the %s %s silhouette mirrors about centre front', async (cut, view) => {
    for (const over of [{}, { trouserFront: 'pleated', trouserHem: 'turnups' }, { lapel: 'peak', lapelWidth: 'wide' }] as Array<Record<string, string>>) {
      const m = await silhouette(draftCutView(cut, view, resolveOptions(cut, over)));
      // The figure's centre line is the image's centre column.
      const cx = 512 * SCALE;
      let mismatch = 0;
      let area = 0;
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const v = m[y * W + x]! > 127;
          if (v) area++;
          const mx = Math.round(2 * cx - 1 - x);
          if (mx >= 0 && mx < W && v !== m[y * W + mx]! > 127) mismatch++;
        }
      expect(mismatch / area).toBeLessThan(0.01);
    }
  });
});

describe('every option combination of every cut drafts and renders', () => {
  const textures = new TextureCache(64 * 1024 * 1024);
  const fabric = { hex: '#2A3148', design: { weave: 'twill' as const, pattern: 'pinstripe' as const, threadMm: 0.22, repeatMm: 12 } };
  for (const cut of Object.keys(CUT_PRESETS)) {
    it(`${cut}: any options are drawn, or refused naming the option`, async () => {
      const arb = fc.record(
        Object.fromEntries(STYLE_OPTION_IDS.map((id) => [id, fc.constantFrom(...(STYLE_OPTIONS[id] as readonly string[]))])) as Record<
          StyleOptionId,
          fc.Arbitrary<string>
        >,
      );
      await fc.assert(
        fc.asyncProperty(arb, fc.constantFrom('front', 'three-quarter', 'back'), async (chosen, view) => {
          let options: StyleOptions;
          try {
            options = resolveOptions(cut, chosen);
          } catch (e) {
            expect(e).toBeInstanceOf(StyleOptionError);
            const err = e as StyleOptionError;
            expect(STYLE_OPTION_IDS).toContain(err.option);
            expect(err.allowed.length).toBeGreaterThan(0);
            expect(err.allowed).not.toContain(chosen[err.option as StyleOptionId]);
            return;
          }
          const src = draftCutView(cut, view, options);
          const levels = await buildDrawnLevels(src, SCALE);
          const lv = levels.full;
          expect([lv.width, lv.height]).toEqual([W, H]);
          // A figure, not a smudge; finite texture coordinates; shading normalised.
          expect(lv.pix.length).toBeGreaterThan(0.15 * W * H);
          let s = 0;
          let w = 0;
          for (let k = 0; k < lv.pix.length; k++) {
            expect(Number.isFinite(lv.u[k]! + lv.v[k]!)).toBe(true);
            // Each entry weighs what it shows: the lower piece of an internal edge (two entries on
            // one pixel) only what the upper leaves of it.
            const share = lv.pix[k + 1] === lv.pix[k] ? lv.cov[k]! * (1 - lv.cov[k + 1]! / 255) : lv.cov[k]!;
            s += (lv.shadeQ[k]! / SHADE_ONE) * share;
            w += share;
          }
          expect(s / w).toBeCloseTo(1, 2);
          // Anti-aliased edges, and no cloth beyond the drawn silhouette.
          expect(new Set(lv.cov).size).toBeGreaterThan(40);
          const sil = await silhouette(src);
          const out = new Uint8Array(lv.base);
          renderCloth(lv, textures.get(fabric, lv.pxPerMm), finishFor(fabric.design, lv.shadeHist), out);
          const cloth = new Uint8Array(W * H);
          for (let k = 0; k < lv.pix.length; k++) cloth[lv.pix[k]!] = 1;
          for (let i = 0; i < W * H; i++) {
            if (!cloth[i]) expect(out[i * 3]).toBe(lv.base[i * 3]);
            else {
              // Within one pixel of the silhouette (coverage is area-weighted at the edge).
              const x = i % W;
              const y = (i / W) | 0;
              let near = false;
              for (let dy = -1; dy <= 1 && !near; dy++)
                for (let dx = -1; dx <= 1 && !near; dx++)
                  near = (sil[Math.min(H - 1, Math.max(0, y + dy)) * W + Math.min(W - 1, Math.max(0, x + dx))] ?? 0) > 0;
              expect(near).toBe(true);
            }
          }
        }),
        { numRuns: 5, seed: 1405 },
      );
    });
  }
});
