/**
 * The sleeve's crown, where the shoulder line runs on round the deltoid into the arm: a tailor's
 * French curve, whose curvature changes gradually. Joined to the shoulder by its tangent only, the
 * crown's 10 cm round began at once after the nearly straight shoulder, and a step in curvature
 * reads on a silhouette as a corner (the outline of a drawing, not of cloth over a shoulder).
 *
 * Measured on the drafted outline as the view draws it (the sleeve panel's SVG path, px): the
 * curvature over successive 2 px arcs from the top of the armhole seam over the crown to the arm's
 * outer edge; its largest change from one arc to the next, as a share of the crown's largest
 * curvature. A step shows as a large share whatever the arc (0.3 to 0.5 before); a gradual change as
 * a small one (0.1 after on the front and back).
 */
import { describe, expect, it } from 'vitest';
import { crownCurvatureStep } from '../../test/helpers/outline-curvature.ts';
import { draftCutView } from './suits.ts';

describe('the sleeve crown takes over the shoulder line without a step in curvature', () => {
  for (const cut of ['single-breasted', 'double-breasted', 'three-piece']) {
    for (const view of ['front', 'three-quarter', 'back']) {
      it(`${cut} ${view}`, () => {
        const src = draftCutView(cut, view);
        const sleeves = src.panels.filter((p) => p.kind === 'sleeve' && !p.behind);
        expect(sleeves.length).toBeGreaterThan(0);
        for (const s of sleeves) {
          const r = crownCurvatureStep(s.path, 2);
          // The crown is a round (radius under 60 px at 0.9 px/mm), so a share is measured against something.
          expect(r.maxCurvature).toBeGreaterThan(1 / 60);
          // Before: 0.30 on the front and back, 0.31 on the three-quarter (whose turned projection
          // bends the shoulder line itself, and cuts each drafted curve into pieces: 0.21 after).
          expect(r.step).toBeLessThan(view === 'three-quarter' ? 0.25 : 0.15);
        }
      });
    }
  }
});
