/**
 * The cuff buttons, which sit on the sleeve's vent round the back of the forearm from its outer side:
 * from the front a sliver standing on the sleeve's outline (the reference photo's are a third of their
 * width), from behind inside the outline, seen at a slant. Up to b151 both views drew the same ovals,
 * 0.45 of a button's width, on the outline: from behind they were still seen edge-on, as from the front.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import { TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import type { FabricSpec } from '../engines/types.ts';
import { resolveOptions } from './options.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const fabric: FabricSpec = { hex: '#5A5F66', design: { weave: 'twill', pattern: 'solid', threadMm: 0.22 } };
const BUTTON_MM = 14;

/** The image-left sleeve's cuff buttons (their opaque faces) against that sleeve's outline at their rows, in mm. */
async function cuffButtons(cut: string, view: 'front' | 'back') {
  const options = resolveOptions(cut, {});
  const [maps, cv] = await Promise.all([engine.shadingMaps(cut, view, fabric, 'hd', options), engine.template(cut, view, options)]);
  const pxPerMm = cv.levels.full.pxPerMm * 2;
  const W = maps.width;
  let [x0, x1, y0, y1] = [W, -1, maps.height, -1];
  for (let y = Math.round(maps.height * 0.35); y < maps.height * 0.6; y++)
    for (let x = 0; x < W * 0.35; x++)
      if (maps.overlay[y * W + x]! > 160) {
        [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      }
  const outline: number[] = [];
  for (let y = y0; y <= y1; y++) {
    let x = 0;
    while (x < W && maps.coverage[y * W + x]! < 128) x++;
    outline.push(x);
  }
  outline.sort((a, b) => a - b);
  const edge = outline[outline.length >> 1]!;
  return { width: (x1 - x0 + 1) / pxPerMm, height: (y1 - y0 + 1) / pxPerMm, inside: ((x0 + x1) / 2 - edge) / pxPerMm };
}

describe('cuff buttons', () => {
  it.each(['single-breasted', 'double-breasted', 'three-piece'])(
    '%s: a sliver on the outline from the front, a slanted row inside it from behind',
    async (cut) => {
      const front = await cuffButtons(cut, 'front');
      const back = await cuffButtons(cut, 'back');
      console.log(
        `${cut}: front ${front.width.toFixed(1)} mm wide, ${front.inside.toFixed(1)} mm inside the outline; back ${back.width.toFixed(1)} mm wide, ${back.inside.toFixed(1)} mm inside (rows ${front.height.toFixed(0)}/${back.height.toFixed(0)} mm)`,
      );
      // Four kissing buttons, 14 mm across, 15 mm apart: a row some 59 mm long either way.
      for (const b of [front, back]) expect(b.height).toBeGreaterThan(50);
      expect(front.width).toBeLessThan(0.4 * BUTTON_MM);
      expect(Math.abs(front.inside)).toBeLessThan(2);
      expect(back.width).toBeGreaterThan(0.5 * BUTTON_MM);
      expect(back.inside).toBeGreaterThan(5);
    },
  );
});
