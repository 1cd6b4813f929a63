/**
 * A changed underlay is redrawn on a canvas cropped to the change; elements that draw nothing there
 * are left out of that canvas (librsvg gives each filtered one a canvas-sized surface). The crop's
 * pixels must be those of the whole drawing's crop.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cutViewSource, resolveOptions, shippedViews } from './index.ts';
import { DEFINITION, definitions, extent, indexSvg, svgChangeOf, svgWithin, topLevel } from './svg-patch.ts';

const svgChange = (a: string, b: string) => svgChangeOf(indexSvg(a)!, indexSvg(b)!);

const DEFS = '<defs><filter id="soft" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="3"/></filter></defs>';

async function crop(body: string, x: number, y: number, w: number, h: number, pw = w / 2, ph = h / 2): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${pw}" height="${ph}" viewBox="${x} ${y} ${w} ${h}">${body}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer();
}

describe('an SVG fragment cut to a rectangle', () => {
  it('leaves out what draws wholly outside, blur and stroke included, and keeps what it cannot bound', () => {
    const inside = '<path d="M10,10 L40,10 L40,40 Z" fill="#000"/>';
    const far = '<path d="M300,300 L340,300 L340,340 Z" fill="#000" filter="url(#soft)"/>';
    // Its geometry ends at x=95, but its filter region (half its box beyond it) reaches the rectangle.
    const blurredNear = '<path d="M60,10 L95,10 L95,40 Z" fill="#000" filter="url(#soft)"/>';
    const strokedNear = '<path d="M103,10 L103,40" stroke="#000" stroke-width="4"/>';
    const transformed = '<path d="M300,300 L340,300 Z" transform="scale(2)"/>';
    // A blur whose region is given in user units: a straight line (its box zero wide) far away, and
    // one whose region keeps it out of the rectangle although its line runs through it.
    const userRegion = (id: string, x: number) =>
      `<defs><filter id="${id}" filterUnits="userSpaceOnUse" x="${x}" y="0" width="40" height="400"><feGaussianBlur stdDeviation="1.4"/></filter></defs>`;
    const farLine = `${userRegion('u1', 280)}<path d="M300,0 L300,400" stroke="#000" stroke-width="2" filter="url(#u1)"/>`;
    const cutLine = `${userRegion('u2', 150)}<path d="M0,50 L400,50" stroke="#000" stroke-width="2" filter="url(#u2)"/>`;
    const out = svgWithin(`${DEFS}${inside}${far}${blurredNear}${strokedNear}${transformed}${farLine}${cutLine}`, { x0: 0, y0: 0, x1: 100, y1: 100 });
    expect(out).toContain(DEFS);
    expect(out).toContain(inside);
    expect(out).not.toContain(far);
    expect(out).toContain(blurredNear);
    expect(out).toContain(strokedNear);
    expect(out).toContain(transformed);
    expect(out).not.toContain('url(#u1)');
    expect(out).not.toContain('url(#u2)');
  });

  it('gives the pixels of the whole drawing on a crop of a real underlay', async () => {
    const { underlay } = cutViewSource('single-breasted', 'front');
    for (const [x, y, w, h] of [
      [292, 0, 440, 1208],
      [0, 900, 400, 636],
      [600, 200, 200, 300],
    ]) {
      const r = { x0: x, y0: y, x1: x + w, y1: y + h };
      const cut = svgWithin(underlay, r);
      expect(cut.length, `${x},${y}`).toBeLessThan(underlay.length);
      expect(Buffer.compare(await crop(cut, x, y, w, h), await crop(underlay, x, y, w, h)), `${x},${y}`).toBe(0);
    }
  });

  it('bounds a blurred change by its blur tails, and nothing differs outside the bound', async () => {
    // A tall shadow stroke moved: its filter region (half its box beyond it) is ±175 units tall, its
    // blur's reach a few σ.
    const soft = (sd: number) => `<defs><filter id="s" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${sd}"/></filter></defs>`;
    for (const sd of [1.4, 3, 8]) {
      const bg = '<rect x="0" y="0" width="1024" height="1536" fill="#e8e5e1"/><path d="M300,200 L700,200 L700,900 Z" fill="#334"/>';
      const a = `${soft(sd)}${bg}<path d="M450,170 L450,200 L535,525" stroke="#0b1020" stroke-width="14" fill="none" opacity="0.3" filter="url(#s)"/>`;
      const b = `${soft(sd)}${bg}<path d="M470,170 L470,200 L555,525" stroke="#0b1020" stroke-width="14" fill="none" opacity="0.3" filter="url(#s)"/>`;
      const r = svgChange(a, b)!;
      expect(r.y1 - r.y0, `σ ${sd}`).toBeLessThan(355 + 2 * (28 + 4 * sd + 4) + 1);
      for (const scale of [0.5, 1]) {
        const w = 1024 * scale;
        const h = 1536 * scale;
        const [pa, pb] = await Promise.all([crop(a, 0, 0, 1024, 1536, w, h), crop(b, 0, 0, 1024, 1536, w, h)]);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const i = (y * w + x) * 3;
            if (pa[i] === pb[i] && pa[i + 1] === pb[i + 1] && pa[i + 2] === pb[i + 2]) continue;
            const ux = (x + 0.5) / scale;
            const uy = (y + 0.5) / scale;
            expect(ux >= r.x0 && ux <= r.x1 && uy >= r.y0 && uy <= r.y1, `σ ${sd} scale ${scale}: ${x},${y} outside`).toBe(true);
          }
        }
      }
    }
  });

  it("bounds an ellipse turned about a point (a shoe's contact shadow), and nothing differs outside", async () => {
    const shadow = (deg: number) =>
      `<ellipse cx="620.7" cy="1487.7" rx="80.3" ry="8.1" transform="rotate(${deg} 600 1480)" fill="#000" opacity="0.4" filter="url(#soft)"/>`;
    const bg = '<rect x="0" y="0" width="1024" height="1536" fill="#e8e5e1"/>';
    for (const deg of [10.09, -24, 90]) {
      const a = `${DEFS}${bg}`;
      const b = `${DEFS}${bg}${shadow(deg)}`;
      const r = svgChange(a, b)!;
      // Bounded, not the whole drawing: at most the ellipse's reach turned, and its blur's tails.
      expect(r.x1 - r.x0, `${deg}°`).toBeLessThan(2 * 80.3 + 2 * (4 * 3 + 4) + 1);
      const [pa, pb] = await Promise.all([crop(a, 400, 1300, 400, 236, 400, 236), crop(b, 400, 1300, 400, 236, 400, 236)]);
      let inked = 0;
      for (let y = 0; y < 236; y++) {
        for (let x = 0; x < 400; x++) {
          if (pa[(y * 400 + x) * 3] === pb[(y * 400 + x) * 3]) continue;
          inked++;
          const [ux, uy] = [400 + x + 0.5, 1300 + y + 0.5];
          expect(ux >= r.x0 && ux <= r.x1 && uy >= r.y0 && uy <= r.y1, `${deg}°: ${ux},${uy} outside`).toBe(true);
        }
      }
      expect(inked).toBeGreaterThan(500);
    }
    // Far from a crop, it is left out of it.
    expect(svgWithin(`${DEFS}${shadow(10.09)}`, { x0: 0, y0: 0, x1: 300, y1: 300 })).not.toContain('<ellipse');
  });

  it('bounds a change inside a group with its own definitions (the three-quarter cuff), and nothing differs outside', async () => {
    // The near cuff is one group carrying its gradient, clip and blur: a shirt of another colour
    // redrew the whole overlay (300 ms at preview size) while its bound could not be read.
    const a = cutViewSource('single-breasted', 'three-quarter', resolveOptions('single-breasted')).overlay;
    const b = cutViewSource('single-breasted', 'three-quarter', resolveOptions('single-breasted', { shirt: 'light-blue' })).overlay;
    expect(a).not.toBe(b);
    const r = svgChange(a, b);
    expect(r).toBeDefined();
    const bound = r!;
    expect((bound.x1 - bound.x0) * (bound.y1 - bound.y0)).toBeLessThan(0.05 * 1024 * 1536);
    const rgba = async (body: string, w: number, h: number) =>
      sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 1024 1536">${body}</svg>`))
        .ensureAlpha()
        .raw()
        .toBuffer();
    for (const scale of [0.5, 1]) {
      const w = 1024 * scale;
      const h = 1536 * scale;
      const [pa, pb] = await Promise.all([rgba(a, w, h), rgba(b, w, h)]);
      let differing = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 4;
          if (pa.readUInt32LE(i) === pb.readUInt32LE(i)) continue;
          differing++;
          const ux = (x + 0.5) / scale;
          const uy = (y + 0.5) / scale;
          expect(ux >= bound.x0 && ux <= bound.x1 && uy >= bound.y0 && uy <= bound.y1, `scale ${scale}: ${x},${y} outside`).toBe(true);
        }
      }
      expect(differing, `scale ${scale}`).toBeGreaterThan(100);
    }
  });
});

/** The top-level elements of a layer whose extent svg-patch cannot read (their first characters). */
function unbound(layer: string): string[] {
  const elements = topLevel(layer)!;
  const defs = definitions(elements);
  return elements.filter((e) => !DEFINITION.has(e.tag) && !extent(e, defs)).map((e) => e.text.slice(0, 120));
}

describe('a layer redrawn only where it changed', () => {
  // An option change redraws the overlay only around what changed, leaving out what draws elsewhere,
  // when every element can be bounded from its source. Sewn on with a mask and outlined with H
  // commands, or cut with arcs, the buttons redrew the whole overlay on a fastening or waistcoat
  // change: librsvg's share of an option change's first preview went from 0.8 s to 1.7-3.0 s summed
  // over every option (bench/option-stages.ts).
  it.each(shippedViews().flatMap((v) => ['horn-dark', 'horn-light', 'matching'].map((buttons) => [v.cut, v.view, buttons] as const)))(
    '%s %s, %s buttons: every element has a bound',
    (cut, view, buttons) => {
      expect(unbound(cutViewSource(cut, view, resolveOptions(cut, { buttons })).overlay)).toEqual([]);
    },
  );
  // The underlay holds the shirt and tie. The detail view's poplin grain, a filter whose region was
  // given as bare fractions svg-patch does not read, was its one element without a bound.
  it.each(shippedViews().flatMap((v) => ['none', 'silver'].map((tie) => [v.cut, v.view, tie] as const)))(
    '%s %s underlay, tie %s: every element has a bound',
    (cut, view, tie) => {
      expect(unbound(cutViewSource(cut, view, resolveOptions(cut, { tie, shirt: 'light-blue' })).underlay)).toEqual([]);
    },
  );
});
