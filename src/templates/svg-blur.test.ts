import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { svgGaussianBlur } from './svg-blur.ts';

/** Grey of an SVG as librsvg draws it (the channel a mark tile reads). */
async function grey(svg: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(Buffer.from(svg)).extractChannel(0).raw().toBuffer());
}

// Tiles drawn at half their native size, as the previews are; shapes that reach the canvas's edges
// (the cut tails) as well as ones inside it.
const W = 96;
const H = 72;
const SCALE = 0.5;
const shapes = (sigma: number) => [
  '<path d="M30,30 L150,60 L40,120 Z" fill="#fff" FILTER/>',
  `<path d="M20,100 C60,20 120,20 160,100" fill="none" stroke="#fff" stroke-width="${3 + sigma}" stroke-linecap="round" FILTER/>`,
  '<path d="M-10,10 L200,20 L190,40 L-10,30 Z" fill="#fff" FILTER/>',
  '<path d="M100,0 L104,0 L104,144 L100,144 Z" fill="#fff" FILTER/>',
  `<path d="M10,130 L180,70" fill="none" stroke="#fff" stroke-width="2.4" stroke-dasharray="6 4" FILTER/>`,
];

describe("librsvg's feGaussianBlur worked in JS", () => {
  // Both of librsvg's ways: the convolution below 2 px, three box blurs (odd and even) from 2 px.
  it.each([0.35, 0.6, 0.9, 1.25, 1.6, 1.99, 2, 2.2, 2.7, 3.3, 4.1, 5.6, 8])('gives librsvg’s bytes at σ %s px', async (sigma) => {
    const user = sigma / SCALE;
    const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W / SCALE} ${H / SCALE}">`;
    const black = `<rect width="${W / SCALE}" height="${H / SCALE}" fill="#000"/>`;
    // A region wider than the canvas, as a mark's is: librsvg's bounds are then the canvas.
    const defs = `<defs><filter id="f" filterUnits="userSpaceOnUse" x="-500" y="-500" width="1200" height="1200"><feGaussianBlur stdDeviation="${user}"/></filter></defs>`;
    let softened = 0;
    for (const shape of shapes(sigma)) {
      const drawn = await grey(`${head}${black}${defs}${shape.replace('FILTER', 'filter="url(#f)"')}</svg>`);
      const plain = await grey(`${head}${black}${shape.replace('FILTER', '')}</svg>`);
      const ours = svgGaussianBlur(plain, W, H, sigma);
      let differing = 0;
      for (let i = 0; i < drawn.length; i++) if (drawn[i] !== ours[i]) differing++;
      expect(differing, shape).toBe(0);
      for (let i = 0; i < ours.length; i++) if (ours[i] !== plain[i]) softened++;
    }
    // And it did blur. Below about σ 0.4 librsvg's kernel leaves every byte as it was: its
    // neighbouring taps are sampled from 1.5 px out, where such a Gaussian is all but zero.
    if (sigma < 0.4) expect(softened).toBe(0);
    else expect(softened).toBeGreaterThan(sigma < 1 ? 20 : 500);
  });

  it('leaves its input alone', () => {
    const plane = Uint8Array.from({ length: 20 * 10 }, (_, i) => (i % 7 === 0 ? 255 : 0));
    const copy = plane.slice();
    svgGaussianBlur(plane, 20, 10, 1.2);
    svgGaussianBlur(plane, 20, 10, 3.1);
    expect(plane).toEqual(copy);
  });
});
