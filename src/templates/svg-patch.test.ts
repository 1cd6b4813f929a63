/**
 * A changed underlay is redrawn on a canvas cropped to the change; elements that draw nothing there
 * are left out of that canvas (librsvg gives each filtered one a canvas-sized surface). The crop's
 * pixels must be those of the whole drawing's crop.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cutViewSource } from './index.ts';
import { svgWithin } from './svg-patch.ts';

const DEFS = '<defs><filter id="soft" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="3"/></filter></defs>';

async function crop(body: string, x: number, y: number, w: number, h: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w / 2}" height="${h / 2}" viewBox="${x} ${y} ${w} ${h}">${body}</svg>`;
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
    const out = svgWithin(`${DEFS}${inside}${far}${blurredNear}${strokedNear}${transformed}`, { x0: 0, y0: 0, x1: 100, y1: 100 });
    expect(out).toContain(DEFS);
    expect(out).toContain(inside);
    expect(out).not.toContain(far);
    expect(out).toContain(blurredNear);
    expect(out).toContain(strokedNear);
    expect(out).toContain(transformed);
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
});
