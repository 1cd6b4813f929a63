import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { forgetPreviewPlans } from '../../src/renders/preview-memo.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { stylistFor } from '../helpers/session.ts';
import { itWithReference, referencePath } from '../helpers/reference.ts';

/** What the admin console saves — photographed colours and photo views — renders in the workers. */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url });
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

async function render(body: unknown) {
  const res = await json(
    await (await stylistFor(t)).fetch('/api/renders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );
  expect(res.renders, JSON.stringify(res)).toBeDefined();
  const done = await waitFor(async () => {
    const r = await json(await fetch(`${t.url}/api/renders/${res.renders[0].id}`));
    if (r.status === 'failed') throw new Error(r.error);
    return r.status === 'succeeded' ? r : undefined;
  }, 60_000);
  const full = done.images.find((i: any) => i.size === 'full' && i.format === 'jpeg');
  return sharp(Buffer.from(await (await fetch(t.url + full.url)).arrayBuffer()))
    .raw()
    .toBuffer({ resolveWithObject: true });
}

/** Mean RGB of a central box on the jacket front. */
function jacketMean({ data, info }: { data: Buffer; info: { width: number; channels: number } }) {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = 560; y < 640; y++)
    for (let x = 380; x < 440; x++) {
      const i = (y * info.width + x) * info.channels;
      for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
      n++;
    }
  return sum.map((v) => v / n);
}

describe('cloth and views made in the admin console', () => {
  it('a colour whose cloth is a photographed swatch tile renders in that cloth', async () => {
    const w = 240;
    const rgb = Buffer.alloc(w * w * 3);
    for (let y = 0; y < w; y++)
      for (let x = 0; x < w; x++) {
        const red = (Math.floor(x / 30) + Math.floor(y / 30)) % 2 === 0;
        rgb.set(red ? [170, 30, 40] : [200, 60, 70], (y * w + x) * 3);
      }
    const key = 'swatch-tiles/ab/test-check-40mm.png';
    await t.rt.storage.put(
      key,
      await sharp(rgb, { raw: { width: w, height: w, channels: 3 } })
        .png()
        .toBuffer(),
      'image/png',
    );
    await t.rt.pool.query(
      `UPDATE fabric_colors SET swatch_key = $1, swatch_width_mm = 40 WHERE slug = 'navy' AND family_id = (SELECT id FROM fabric_families WHERE slug = 'super-120s-twill')`,
      [key],
    );
    const [r, g, b] = jacketMean(await render({ family: 'super-120s-twill', color: 'navy', cuts: ['single-breasted'] }));
    // Navy would be blue-dominant; the photographed cloth is red.
    expect(r).toBeGreaterThan(b! + 40);
    expect(r).toBeGreaterThan(g! + 40);
  });

  itWithReference(
    ['photo-templates/recto_reference.jpg', 'photo-templates/recto_mask.png'],
    'a photo view uploaded for a cut renders with the photo as its template',
    async () => {
      const [base, mask] = await Promise.all([
        readFile(referencePath('photo-templates/recto_reference.jpg')),
        readFile(referencePath('photo-templates/recto_mask.png')),
      ]);
      await t.rt.storage.put('templates/test/base.jpg', base, 'image/jpeg');
      await t.rt.storage.put('templates/test/mask.png', mask, 'image/png');
      await t.rt.pool.query(
        `INSERT INTO cut_views (cut_id, view, kind, base_key, mask_key, version, sort)
       SELECT id, 'photo', 'photo', 'templates/test/base.jpg', 'templates/test/mask.png', 'v1', 9 FROM cuts WHERE slug = 'single-breasted'`,
      );
      // Written behind the API's back: its catalogue memory hears of it by NOTIFY a moment later (the
      // console's own writes drop it at once), so drop it here as the console would.
      t.rt.catalog.invalidate();
      forgetPreviewPlans(t.rt.db);
      const image = await render({ family: 'super-120s-twill', color: 'charcoal', cuts: ['single-breasted'], view: 'photo' });
      expect([image.info.width, image.info.height]).toEqual([1024, 1536]);
      // The photo's salmon suit is gone: the garment reads as charcoal, a near-neutral grey.
      const maskPx = await sharp(mask).resize(1024, 1536, { fit: 'cover' }).greyscale().raw().toBuffer();
      let sum = [0, 0, 0],
        n = 0;
      for (let p = 0; p < 1024 * 1536; p++) {
        if (maskPx[p]! < 250) continue;
        for (let c = 0; c < 3; c++) sum[c]! += image.data[p * image.info.channels + c]!;
        n++;
      }
      const [r, , b] = sum.map((v) => v / n);
      expect(n).toBeGreaterThan(100_000);
      expect(Math.abs(r! - b!)).toBeLessThan(20);
      expect(r).toBeLessThan(110);
    },
  );
});
