import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { SHADE_ONE, loadCutView, readCachedCutView, shippedViews, templateVersion, type CutView } from './index.ts';

const views = shippedViews();

describe('shipped templates', () => {
  it('cover three cuts, each with a front, three-quarter, back and detail view', () => {
    expect(new Set(views.map((v) => v.cut))).toEqual(new Set(['single-breasted', 'double-breasted', 'three-piece']));
    for (const cut of ['single-breasted', 'double-breasted', 'three-piece'])
      expect(
        views
          .filter((v) => v.cut === cut)
          .map((v) => v.view)
          .sort(),
      ).toEqual(['back', 'detail', 'front', 'three-quarter']);
  });

  describe.each(views.map((v) => [`${v.cut}/${v.view}`, v.cut, v.view]))('%s', (_label, cut, view) => {
    let cv: CutView;
    const load = async () => (cv ??= await loadCutView(cut, view, { cacheDir: TEST_TEMPLATE_CACHE }));

    it('is 1024×1536 native with half and quarter levels', async () => {
      const t = await load();
      expect([t.width, t.height]).toEqual([1024, 1536]);
      expect([t.levels.full.width, t.levels.full.height]).toEqual([1024, 1536]);
      expect([t.levels.preview.width, t.levels.preview.height]).toEqual([512, 768]);
      expect([t.levels.thumb.width, t.levels.thumb.height]).toEqual([256, 384]);
      expect(t.version).toBe(templateVersion(cut, view));
    });

    it('has non-empty, anti-aliased masks for every panel', async () => {
      const t = await load();
      const lv = t.levels.full;
      const perPanel = new Map<number, { full: number; partial: number }>();
      for (let k = 0; k < lv.pix.length; k++) {
        const e = perPanel.get(lv.panel[k]) ?? { full: 0, partial: 0 };
        if (lv.cov[k] === 255) e.full++;
        else e.partial++;
        perPanel.set(lv.panel[k], e);
      }
      // Every panel owns pixels (except those a turned view hides entirely, or a detail crops away).
      const visible = t.panels.filter((_, i) => (perPanel.get(i)?.full ?? 0) > 0);
      if (view !== 'detail') expect(visible.length).toBeGreaterThanOrEqual(t.panels.length - 2);
      // Edges carry intermediate coverage: a garment silhouette of this size has thousands of them.
      const partial = [...perPanel.values()].reduce((a, e) => a + e.partial, 0);
      expect(partial).toBeGreaterThan(2000);
      const levels = new Set<number>();
      for (let k = 0; k < lv.cov.length; k++) if (lv.cov[k] < 255) levels.add(lv.cov[k]);
      expect(levels.size).toBeGreaterThan(100);
      // The garment is a figure, not a smudge: it fills a good part of the frame.
      expect(lv.pix.length).toBeGreaterThan(0.2 * 1024 * 1536);
    });

    it('has the panels a tailor expects, with their own grain and a real-world scale', async () => {
      const t = await load();
      const ids = new Set(t.panels.map((p) => p.id));
      if (view === 'back') {
        for (const id of ['back-left', 'back-right', 'collar-back', 'sleeve-left', 'sleeve-right', 'trouser-left', 'trouser-right'])
          expect(ids, id).toContain(id);
        return;
      }
      for (const id of [
        'forepart-left',
        'forepart-right',
        'sleeve-left',
        'sleeve-right',
        'lapel-left',
        'lapel-right',
        'collar-left',
        'collar-right',
        'pocket-left',
        'pocket-right',
        'breast-welt',
        'trouser-left',
        'trouser-right',
      ])
        expect(ids, id).toContain(id);
      if (view === 'detail') {
        // Close up: the weave at 4 px/mm.
        for (const p of t.panels) expect(p.pxPerMm).toBe(4);
        return;
      }
      if (cut === 'three-piece') expect(ids).toContain('waistcoat-left');
      const grain = (id: string) => t.panels.find((p) => p.id === id)!.grainAngle;
      // Lapels are the forepart turned back over the roll line: their stripes run at an angle.
      expect(Math.abs(grain('lapel-left') - grain('forepart-left'))).toBeGreaterThan(5);
      expect(Math.abs(grain('lapel-right') - grain('forepart-right'))).toBeGreaterThan(2);
      // Sleeves hang along the arm, not the body's vertical.
      expect(Math.abs(grain('sleeve-left') - grain('forepart-left'))).toBeGreaterThan(0.1);
      for (const p of t.panels) {
        expect(p.pxPerMm).toBeGreaterThanOrEqual(0.75);
        expect(p.pxPerMm).toBeLessThanOrEqual(0.9);
      }
    });

    it('has a shading layer with folds, normalised to a mean of 1 in linear light', async () => {
      const t = await load();
      for (const lv of Object.values(t.levels)) {
        let s = 0;
        let w = 0;
        let lo = 0;
        let hi = 0;
        for (let k = 0; k < lv.pix.length; k++) {
          const v = lv.shadeQ[k] / SHADE_ONE;
          s += v * lv.cov[k];
          w += lv.cov[k];
          if (v < 0.7) lo++;
          if (v > 1.1) hi++;
        }
        expect(s / w).toBeCloseTo(1, 2);
        // Folds and shadows: a real spread of light, not a flat fill.
        expect(lo / lv.pix.length).toBeGreaterThan(0.01);
        expect(hi / lv.pix.length).toBeGreaterThan(0.01);
      }
    });

    it('has overlays (buttons) over the cloth', async () => {
      const t = await load();
      expect(t.levels.full.overlayPix.length).toBeGreaterThan(500);
    });
  });
});

describe('template disk cache', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes a view once by version and reads back identical arrays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-tpl-'));
    dirs.push(dir);
    const a = await loadCutView('single-breasted', 'front', { cacheDir: dir });
    const files = await readdir(dir);
    expect(files).toEqual([expect.stringMatching(new RegExp(`^single-breasted\\.front\\.[0-9a-f]{8}\\.${a.version}\\.bin$`))]);
    const t = performance.now();
    const b = (await readCachedCutView(dir, 'single-breasted', 'front'))!;
    expect(performance.now() - t).toBeLessThan(1000);
    expect(b.version).toBe(a.version);
    expect(b.panels).toEqual(a.panels);
    for (const size of ['full', 'preview', 'thumb'] as const)
      for (const f of ['pix', 'cov', 'panel', 'u', 'v', 'shadeQ', 'base', 'overlayRgba'] as const)
        expect(
          Buffer.compare(
            Buffer.from(b.levels[size][f].buffer, b.levels[size][f].byteOffset, b.levels[size][f].byteLength),
            Buffer.from(a.levels[size][f].buffer, a.levels[size][f].byteOffset, a.levels[size][f].byteLength),
          ),
          `${size}.${f}`,
        ).toBe(0);
  });
});

describe('trims on a suit already built', () => {
  it('redraws only the surroundings, identical to a build from scratch', async () => {
    const { buildDrawnLevels } = await import('./build.ts');
    const { cutViewSource, resolveOptions } = await import('./index.ts');
    const cacheDir = TEST_TEMPLATE_CACHE;
    await loadCutView('single-breasted', 'front', { cacheDir });
    const options = resolveOptions('single-breasted', { tie: 'forest', shirt: 'light-blue', shoes: 'brown', buttons: 'horn-light' });
    const restyled = await loadCutView('single-breasted', 'front', { options });
    const scratch = await buildDrawnLevels(cutViewSource('single-breasted', 'front', options));
    for (const size of ['full', 'preview', 'thumb'] as const) {
      for (const f of ['pix', 'cov', 'panel', 'u', 'v', 'shadeQ', 'base', 'overlayPix', 'overlayRgba'] as const) {
        const a = restyled.levels[size][f];
        const b = scratch[size][f];
        expect(Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)), `${size}.${f}`).toBe(0);
      }
    }
  });
});
