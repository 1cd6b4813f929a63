/**
 * Acceptance: phone photos of cloths of known truth (synthetic: tilted, rotated, unevenly lit,
 * noisy, JPEG q85 4:2:0, other cloths, floor and shoes in the frame) come out at their true scale,
 * straight, in their colour, and as contrasted on the suit as the cloth rendered from its definition.
 * Set CLOTH_PHOTO_DUMP=/some/dir to write the photos, rectified cloths, tiles and suits as PNGs.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../../engines/compose/index.ts';
import { TEST_TEMPLATE_CACHE } from '../../engines/compose/test-helpers.ts';
import { ACCEPTANCE_CASES, runAcceptanceCase, type AcceptanceRow } from './acceptance.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });

describe('cloth photos of known truth', () => {
  const rows: AcceptanceRow[] = [];
  it.each(ACCEPTANCE_CASES.map((c) => [c.name, c] as const))(
    '%s: scale and repeat within 10 %, straight within 1°, ΔE2000 < 3, suit contrast ≥ 70 %',
    async (_name, c) => {
      const row = await runAcceptanceCase(c, engine, { dump: process.env.CLOTH_PHOTO_DUMP });
      rows.push(row);
      const { analysis: _a, ...shown } = row;
      console.log(JSON.stringify(shown));
      expect(row.foreignPct, 'the photo must hold foreign things').toBeGreaterThan(10);
      expect(row.analysis.scaleSource).toBe('weave');
      expect(row.scaleErrPct).toBeLessThan(10);
      expect(row.repeatErrPct).toBeLessThan(10);
      expect(row.straightnessDeg).toBeLessThan(1);
      expect(row.deltaE).toBeLessThan(3);
      expect(row.contrastRatio).toBeGreaterThanOrEqual(0.7);
    },
    300_000,
  );
  it.sequential('prints the table', () => {
    console.table(rows.map(({ analysis: _a, ...r }) => r));
    expect(rows.length).toBeGreaterThan(0);
  });
});
