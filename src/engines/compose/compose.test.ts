import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from './index.ts';
import { TEST_TEMPLATE_CACHE } from './test-helpers.ts';
import type { FabricSpec, RenderRequest } from '../types.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });

const navyTwill: FabricSpec = { hex: '#0A1D3A', design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.2 } };
const watermark = { text: 'ATELIER SAMPLE', opacity: 0.7, position: 'bottom-right' as const };

async function decode(data: Buffer) {
  const { data: px, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  return { px, width: info.width, height: info.height, channels: info.channels };
}

describe('compose engine', () => {
  it('is named compose and lists every shipped cut and view', () => {
    expect(engine.name).toBe('compose');
    const views = engine.views();
    for (const cut of ['single-breasted', 'double-breasted', 'three-piece'])
      for (const view of ['front', 'three-quarter']) {
        const v = views.find((x) => x.cut === cut && x.view === view);
        expect(v, `${cut}/${view}`).toBeDefined();
        expect(v!.width).toBe(1024);
        expect(v!.height).toBe(1536);
        expect(v!.version).toMatch(/^[0-9a-f]{16}$/);
      }
  });

  it.each(['single-breasted', 'double-breasted'])('renders %s front as three JPEG sizes', async (cut) => {
    const progress: number[] = [];
    const res = await engine.render({ cut, view: 'front', fabric: navyTwill, watermark, onProgress: (p) => progress.push(p) });
    const sizes = Object.fromEntries(res.images.map((i) => [i.size, i]));
    expect(Object.keys(sizes).sort()).toEqual(['full', 'preview', 'thumb']);
    for (const [size, w, h] of [
      ['full', 1024, 1536],
      ['preview', 512, 768],
      ['thumb', 256, 384],
    ] as const) {
      const img = sizes[size];
      expect(img.format).toBe('jpeg');
      const d = await decode(img.data);
      expect([d.width, d.height]).toEqual([w, h]);
      expect([img.width, img.height]).toEqual([w, h]);
    }
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
    expect(res.timings.total).toBeGreaterThan(0);
  });

  it.each(engine.views().map((v) => [`${v.cut}/${v.view}`, v.cut, v.view]))('renders %s at 1024×1536 with cloth on the figure', async (_l, cut, view) => {
    const res = await engine.render({ cut, view, fabric: navyTwill, watermark });
    const full = await decode(res.images.find((i) => i.size === 'full')!.data);
    expect([full.width, full.height]).toEqual([1024, 1536]);
    // The centre of the chest is navy cloth, not backdrop.
    const i = (600 * 1024 + 430) * 3;
    expect(full.px[i + 2]).toBeGreaterThan(full.px[i]);
    expect(full.px[i]).toBeLessThan(80);
  });

  it('stops a render aborted while it runs', async () => {
    const ac = new AbortController();
    const run = engine.render({
      cut: 'double-breasted',
      view: 'front',
      fabric: { ...navyTwill, hex: '#123456' },
      watermark,
      signal: ac.signal,
      onProgress: (p) => {
        if (p > 0.3) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('encodes WebP and AVIF only when asked', async () => {
    const base: RenderRequest = { cut: 'single-breasted', view: 'front', fabric: navyTwill, watermark };
    const plain = await engine.render(base);
    expect(new Set(plain.images.map((i) => i.format))).toEqual(new Set(['jpeg']));
    const all = await engine.render({ ...base, formats: ['webp', 'avif'] });
    for (const format of ['jpeg', 'webp', 'avif'] as const) {
      for (const [size, w, h] of [
        ['full', 1024, 1536],
        ['preview', 512, 768],
        ['thumb', 256, 384],
      ] as const) {
        const img = all.images.find((i) => i.format === format && i.size === size);
        expect(img, `${format} ${size}`).toBeDefined();
        const meta = await sharp(img!.data).metadata();
        expect(meta.format).toBe(format === 'avif' ? 'heif' : format);
        expect([meta.width, meta.height]).toEqual([w, h]);
      }
    }
  });

  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(engine.render({ cut: 'single-breasted', view: 'front', fabric: navyTwill, watermark, signal: ac.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('stamps the watermark at the configured position', async () => {
    const req = { cut: 'single-breasted', view: 'front', fabric: navyTwill };
    const off = await decode((await engine.render({ ...req, watermark: { ...watermark, opacity: 0 } })).images.find((i) => i.size === 'full')!.data);
    for (const position of ['bottom-right', 'top-left', 'center'] as const) {
      const on = await decode((await engine.render({ ...req, watermark: { ...watermark, position } })).images.find((i) => i.size === 'full')!.data);
      // Mean absolute difference per quadrant-ish region: the stamp's region changes, the others don't.
      const regionDiff = (x0: number, y0: number, x1: number, y1: number) => {
        let s = 0;
        let n = 0;
        for (let y = y0; y < y1; y++)
          for (let x = x0; x < x1; x++) {
            const i = (y * on.width + x) * 3;
            s += Math.abs(on.px[i] - off.px[i]) + Math.abs(on.px[i + 1] - off.px[i + 1]) + Math.abs(on.px[i + 2] - off.px[i + 2]);
            n++;
          }
        return s / n;
      };
      const regions = {
        'bottom-right': regionDiff(624, 1436, 1024, 1536),
        'top-left': regionDiff(0, 0, 400, 100),
        center: regionDiff(312, 718, 712, 818),
      };
      for (const [name, diff] of Object.entries(regions)) {
        if (name === position) expect(diff, name).toBeGreaterThan(3);
        else expect(diff, name).toBeLessThan(1.5);
      }
    }
  });
});
