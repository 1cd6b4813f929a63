import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { deltaE2000, hexToLab, makeSwatchTile, meanLab } from '../fabrics/index.ts';
import { createLocalStorage } from '../storage/index.ts';
import type { Storage } from '../storage/types.ts';
import { readCachedCutView, resolveOptions, shippedViews } from '../templates/index.ts';
import { referencePhotoTemplate } from '../templates/photo.ts';
import { createComposeEngine } from '../engines/compose/index.ts';
import { createRenderService, RenderPoolBusyError, type FabricDescriptor, type RenderService } from './index.ts';

const NAVY: FabricDescriptor = { design: { weave: 'twill', pattern: 'solid', threadMm: 0.22 }, hex: '#1C2841' };

/** Local storage that counts reads by key: how often the service went back to storage. */
function countingStorage(root: string): Storage & { reads: Map<string, number> } {
  const inner = createLocalStorage({ root, publicBaseUrl: '' });
  const reads = new Map<string, number>();
  return {
    ...inner,
    reads,
    async get(key) {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return inner.get(key);
    },
  };
}

/** A grey "model" photo with a lighter suit-shaped block, and its mask. */
async function photoTemplate(shade: number) {
  const w = 400,
    h = 600;
  const base = await sharp({ create: { width: w, height: h, channels: 3, background: { r: 230, g: 228, b: 225 } } })
    .composite([{ input: { create: { width: 240, height: 420, channels: 3, background: { r: shade, g: shade, b: shade } } }, left: 80, top: 120 }])
    .jpeg()
    .toBuffer();
  const mask = await sharp({ create: { width: w, height: h, channels: 3, background: '#000000' } })
    .composite([{ input: { create: { width: 240, height: 420, channels: 3, background: '#ffffff' } }, left: 80, top: 120 }])
    .png()
    .toBuffer();
  return { base, mask };
}

/** A photographed red-and-cream check, as a phone would give it. */
async function checkPhoto(w = 600, h = 450): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const on = (Math.floor(x / 30) + Math.floor(y / 30)) % 2 === 0;
      px.set(on ? [150, 30, 40] : [225, 215, 190], (y * w + x) * 3);
    }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

async function decode(data: Buffer) {
  const { data: px, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  return { px: new Uint8Array(px.buffer, px.byteOffset, px.length), width: info.width, height: info.height };
}

let dir: string;
let storage: ReturnType<typeof countingStorage>;
let service: RenderService;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'atelier-rendering-'));
  storage = countingStorage(dir);
  service = createRenderService({ threads: 2, textureCacheBytes: 32 << 20, templateCacheDir: TEST_TEMPLATE_CACHE, storage });
  await service.warm();
});

afterAll(async () => {
  await service?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the render service', () => {
  it('renders a shipped view on its threads: the sizes and formats asked for, real images', async () => {
    const { images, timings } = await service.render({ cut: 'single-breasted', view: 'front', fabric: NAVY, sizes: ['preview', 'thumb'], formats: ['webp'] });
    expect(images.map((i) => `${i.size}.${i.format}`).sort()).toEqual(['preview.jpeg', 'preview.webp', 'thumb.jpeg', 'thumb.webp']);
    const preview = images.find((i) => i.size === 'preview' && i.format === 'jpeg')!;
    expect(Buffer.isBuffer(preview.data)).toBe(true);
    const img = await decode(preview.data);
    expect([img.width, img.height]).toEqual([preview.width, preview.height]);
    // The chest of the jacket is navy cloth.
    const region = {
      left: Math.round(img.width * 0.38),
      top: Math.round(img.height * 0.3),
      width: Math.round(img.width * 0.08),
      height: Math.round(img.height * 0.08),
    };
    expect(deltaE2000(meanLab(img.px, img.width, img.height, { region }), hexToLab(NAVY.hex))).toBeLessThan(12);
    expect(timings.total).toBeGreaterThan(0);
  });

  it('makes a colourway’s cloth once per process: made ahead, or by one thread, it is handed to the others, pixel for pixel', async () => {
    const design = { weave: 'twill', pattern: 'glencheck', threadMm: 0.24, heather: 0.1 } as const;
    const [ahead1, ahead2, later] = ['#5A2E2E', '#2E5A3C', '#6B5B3A'].map((hex): FabricDescriptor => ({ design, hex, repeatMm: 70 }));
    const job = (fabric: FabricDescriptor) => service.render({ cut: 'three-piece', view: 'three-quarter', fabric, sizes: ['preview'] });

    await service.prepareCloth({ cut: 'three-piece', view: 'three-quarter', sizes: ['preview'] }, [ahead1, ahead2]);
    // Both threads at once: neither generates the cloth made ahead.
    const prepared = await Promise.all([job(ahead1), job(ahead1), job(ahead2), job(ahead2)]);
    expect(prepared.map((r) => r.timings.clothMade)).toEqual([undefined, undefined, undefined, undefined]);

    // Not made ahead: the first render makes it, and it is handed on; no thread makes it again.
    expect((await job(later)).timings.clothMade).toBe(1);
    const again = await Promise.all([job(later), job(later)]);
    expect(again.map((r) => r.timings.clothMade)).toEqual([undefined, undefined]);

    // The same pixels as a thread that made everything itself.
    const plain = createRenderService({ threads: 1, textureCacheBytes: 32 << 20, templateCacheDir: TEST_TEMPLATE_CACHE });
    try {
      for (const [fabric, shared] of [
        [ahead1, prepared[1]!],
        [later, again[1]!],
      ] as const) {
        const own = await plain.render({ cut: 'three-piece', view: 'three-quarter', fabric, sizes: ['preview'] });
        expect(own.timings.clothMade).toBe(1);
        expect(Buffer.compare(own.images[0]!.data, shared.images[0]!.data)).toBe(0);
      }
    } finally {
      await plain.close();
    }
  });

  it('without a background thread, makes cloth ahead only on a thread no render asked for could use: with two threads, not while a render is out', async () => {
    const service = createRenderService({ threads: 2, textureCacheBytes: 32 << 20, templateCacheDir: TEST_TEMPLATE_CACHE, backgroundThread: false });
    onTestFinished(() => service.close());
    const design = { weave: 'twill', pattern: 'houndstooth', threadMm: 0.23 } as const;
    const ahead: FabricDescriptor = { design, hex: '#3A4A5A', repeatMm: 8 };
    const done: string[] = [];
    // A style nobody asked for before, at HD: hundreds of milliseconds (its template is drafted and built),
    // against a few for the cloth.
    const slow = service
      .render({
        cut: 'double-breasted',
        view: 'back',
        fabric: NAVY,
        sizes: ['hd'],
        options: { ...resolveOptions('double-breasted'), vents: 'none', trouserHem: 'turnups' },
      })
      .then(() => done.push('render'));
    await new Promise((r) => setTimeout(r, 20));
    const prepared = service.prepareCloth({ cut: 'single-breasted', view: 'front', sizes: ['preview'] }, [ahead]).then(() => done.push('cloth'));
    await Promise.all([slow, prepared]);
    expect(done).toEqual(['render', 'cloth']);
    // Made all the same, once the render was answered.
    expect((await service.render({ cut: 'single-breasted', view: 'front', fabric: ahead, sizes: ['preview'] })).timings.clothMade).toBeUndefined();
  });

  it('loads a stored photo template from storage once per version, not once per render', async () => {
    const v1 = await photoTemplate(200);
    await storage.put('views/a/base.jpg', v1.base, 'image/jpeg');
    await storage.put('views/a/mask.png', v1.mask, 'image/png');
    const template = { kind: 'stored' as const, version: 'v1', baseKey: 'views/a/base.jpg', maskKey: 'views/a/mask.png' };
    const job = { cut: 'house-cut', view: 'front', template, fabric: NAVY, sizes: ['preview' as const] };
    const first = await decode((await service.render(job)).images[0]!.data);
    for (let i = 0; i < 7; i++) await service.render({ ...job, fabric: { ...NAVY, hex: i % 2 ? '#6E6F70' : '#1C2841' } });
    // Once: the template is prepared on one thread and shared with the other.
    expect(storage.reads.get('views/a/base.jpg')).toBe(1);
    expect(storage.reads.get('views/a/mask.png')).toBe(1);
    // The photo's own grey has become the cloth's navy inside the mask.
    const inside = { left: Math.round(first.width * 0.4), top: Math.round(first.height * 0.45), width: 20, height: 20 };
    expect(deltaE2000(meanLab(first.px, first.width, first.height, { region: inside }), hexToLab(NAVY.hex))).toBeLessThan(15);

    // A new version (the admin replaced the photo: stored files are never overwritten, a new one has
    // a new key) is read.
    const v2 = await photoTemplate(120);
    await storage.put('views/a/base-2.jpg', v2.base, 'image/jpeg');
    await service.render({ ...job, template: { ...template, version: 'v2', baseKey: 'views/a/base-2.jpg' } });
    expect(storage.reads.get('views/a/base-2.jpg')).toBe(1);
  });

  it('a photo template is prepared once and shared: both threads render it, pixel for pixel the template made in place', async () => {
    const scene = await photoTemplate(180);
    await storage.put('views/b/base.jpg', scene.base, 'image/jpeg');
    await storage.put('views/b/mask.png', scene.mask, 'image/png');
    const template = { kind: 'stored' as const, version: 'b1', baseKey: 'views/b/base.jpg', maskKey: 'views/b/mask.png' };
    const job = { cut: 'house-cut', view: 'back', template, fabric: NAVY, sizes: ['full' as const] };
    const before = service.preparedStats();
    // Eight at once on two threads: both get the template, neither makes its own.
    const renders = await Promise.all(Array.from({ length: 8 }, () => service.render(job)));
    expect(storage.reads.get('views/b/base.jpg')).toBe(1);
    const after = service.preparedStats();
    expect(after.entries - before.entries).toBe(2); // the photo's fields and its template
    const images = renders.map((r) => r.images[0]!.data);
    for (const img of images) expect(img.equals(images[0]!)).toBe(true);

    // The same template made in place, the reference way, renders the same pixels.
    const engine = createComposeEngine();
    const cv = await referencePhotoTemplate(scene.base, scene.mask, { cut: 'house-cut', view: 'back' });
    const local = await engine.render({
      cut: 'house-cut',
      view: 'back',
      template: cv,
      fabric: { design: NAVY.design, hex: NAVY.hex },
      sizes: ['full'],
      watermark: { text: '', opacity: 0, position: 'bottom-right' },
    });
    const a = await decode(images[0]!);
    const b = await decode(local.images[0]!.data);
    let differ = 0;
    for (let i = 0; i < a.px.length; i++) if (a.px[i] !== b.px[i]) differ++;
    expect(differ / a.px.length).toBeLessThan(0.001);
  });

  it('a drawn view is read or built once and shared: renders on both threads are byte for byte the same', async () => {
    const job = { cut: 'double-breasted', view: 'back', fabric: NAVY, sizes: ['full' as const] };
    const before = service.preparedStats();
    const renders = await Promise.all(Array.from({ length: 6 }, (_, i) => service.render({ ...job, fabric: { ...NAVY, hex: i % 2 ? '#1C2841' : '#6E6F70' } })));
    const after = service.preparedStats();
    expect(after.entries - before.entries).toBe(1);
    expect(after.misses - before.misses).toBe(1);
    // Its memory went with one task per thread, not with each of the six: every task that carried
    // it was ~16 MB of fresh external memory to V8.
    expect(after.viewsCarried - before.viewsCarried).toBeGreaterThanOrEqual(1);
    expect(after.viewsCarried - before.viewsCarried).toBeLessThanOrEqual(2);
    for (let i = 2; i < renders.length; i++) expect(renders[i]!.images[0]!.data.equals(renders[i % 2]!.images[0]!.data)).toBe(true);
    expect(renders[0]!.images[0]!.data.equals(renders[1]!.images[0]!.data)).toBe(false);
  });

  it('a studio photo prepared ahead: its first mask reads only the mask, and renders what a cold start renders', async () => {
    const scene = await photoTemplate(150);
    await storage.put('studio/p1/photo.jpg', scene.base, 'image/jpeg');
    await storage.put('studio/p1/mask-a.png', scene.mask, 'image/png');
    const options = { width: 400, height: 600, pxPerMm: 0.3 };
    await service.preparePhoto({ baseKey: 'studio/p1/photo.jpg', width: 400, height: 600, bytes: scene.base });
    expect(storage.reads.get('studio/p1/photo.jpg')).toBeUndefined();
    const template = { kind: 'stored' as const, version: 'm-a', baseKey: 'studio/p1/photo.jpg', maskKey: 'studio/p1/mask-a.png', options };
    const warm = await service.render({ cut: 'studio', view: 'p1', template, fabric: NAVY, sizes: ['full'] });
    expect(storage.reads.get('studio/p1/photo.jpg')).toBeUndefined();
    expect(storage.reads.get('studio/p1/mask-a.png')).toBe(1);
    // The same photo and mask through a service that never saw the photo.
    const cold = createRenderService({ threads: 1, textureCacheBytes: 32 << 20, storage });
    try {
      const again = await cold.render({ cut: 'studio', view: 'p1', template, fabric: NAVY, sizes: ['full'] });
      expect(again.images[0]!.data.equals(warm.images[0]!.data)).toBe(true);
    } finally {
      await cold.close();
    }
  });

  it('masks sent ahead: only a photo’s latest is made, and its render reads no mask and is what the plain path renders', async () => {
    const scene = await photoTemplate(150);
    await storage.put('studio/p2/photo.jpg', scene.base, 'image/jpeg');
    await service.preparePhoto({ baseKey: 'studio/p2/photo.jpg', width: 400, height: 600, bytes: scene.base });
    const masks = {
      a: scene.mask,
      b: await sharp(scene.mask).flop().png().toBuffer(),
      c: await sharp(scene.mask).flip().png().toBuffer(),
    };
    await storage.put('studio/p2/mask-c.png', masks.c, 'image/png');
    const ahead = (name: 'a' | 'b' | 'c') =>
      service.prepareMask({
        slot: 'p2',
        cut: 'studio',
        view: 'p2',
        baseKey: 'studio/p2/photo.jpg',
        maskVersion: name,
        mask: masks[name],
        width: 400,
        height: 600,
      });
    const made = service.preparedStats().templatesMade;
    // Three pauses in a row: the first is being made, the second is replaced by the third before it starts.
    const [a, b, c] = [ahead('a'), ahead('b'), ahead('c')];
    // The first is begun (counted) at once; the third waits its turn.
    expect(service.preparedStats()).toMatchObject({ templatesMade: made + 1, masksPreparing: 1 });
    expect(await b).toBe(false);
    // The first, made meanwhile, is not kept: the third is the photo's latest.
    expect([await a, await c]).toEqual([false, true]);
    expect(service.preparedStats()).toMatchObject({ templatesMade: made + 2, masksPreparing: 0 });
    // Sent again: found made.
    expect(await ahead('c')).toBe(true);
    expect(service.preparedStats().templatesMade - made).toBe(2);
    // The apply with it, at a scale of its own: nothing read, nothing made.
    const options = { width: 400, height: 600, pxPerMm: 0.3 };
    const template = { kind: 'stored' as const, version: 'c@0.3', maskVersion: 'c', baseKey: 'studio/p2/photo.jpg', maskKey: 'studio/p2/mask-c.png', options };
    const fromAhead = await service.render({ cut: 'studio', view: 'p2', template, fabric: NAVY, sizes: ['full'] });
    expect(storage.reads.get('studio/p2/mask-c.png')).toBeUndefined();
    expect(service.preparedStats().templatesMade - made).toBe(2);
    // The same photo and mask made the plain way, at that scale: the same image.
    const cold = createRenderService({ threads: 1, textureCacheBytes: 32 << 20, storage });
    try {
      const plain = await cold.render({ cut: 'studio', view: 'p2', template: { ...template, maskVersion: undefined }, fabric: NAVY, sizes: ['full'] });
      expect(plain.images[0]!.data.equals(fromAhead.images[0]!.data)).toBe(true);
    } finally {
      await cold.close();
    }

    // An edit, then its undo: the second mask is being made when the first (kept) is sent again. The
    // first stays the photo's latest: the one made meanwhile neither replaces it nor is kept beside it.
    const maskReads = storage.reads.get('studio/p2/mask-c.png');
    const [b2, c2] = [ahead('b'), ahead('c')];
    expect(await c2).toBe(true);
    expect(await b2).toBe(false);
    expect(service.preparedStats()).toMatchObject({ templatesMade: made + 3, masksPreparing: 0 });
    await service.render({ cut: 'studio', view: 'p2', template, fabric: NAVY, sizes: ['preview'] });
    expect(service.preparedStats().templatesMade - made).toBe(3);
    expect(storage.reads.get('studio/p2/mask-c.png')).toBe(maskReads);
    // The same while a third waits its turn behind the second: the undo takes its place as well.
    const [b3, a3, c3] = [ahead('b'), ahead('a'), ahead('c')];
    expect(await a3).toBe(false);
    expect(await c3).toBe(true);
    expect(await b3).toBe(false);
    await service.render({ cut: 'studio', view: 'p2', template, fabric: NAVY, sizes: ['preview'] });
    expect(service.preparedStats()).toMatchObject({ templatesMade: made + 4, masksPreparing: 0 });
  });

  it('drapes a photographed swatch, made into a tile on a thread and kept there', async () => {
    const photo = await checkPhoto();
    await storage.put('swatches/ab/check.jpg', photo, 'image/jpeg');
    const fabric: FabricDescriptor = { ...NAVY, swatch: { uploadId: 'u1', key: 'swatches/ab/check.jpg', sha256: 'check', widthMm: 120 } };
    const job = { cut: 'single-breasted', view: 'front', fabric, sizes: ['preview' as const] };
    const draped = await decode((await service.render(job)).images[0]!.data);
    for (let i = 0; i < 5; i++) await service.render(job);
    expect(storage.reads.get('swatches/ab/check.jpg')).toBeLessThanOrEqual(2);
    const region = {
      left: Math.round(draped.width * 0.36),
      top: Math.round(draped.height * 0.3),
      width: Math.round(draped.width * 0.1),
      height: Math.round(draped.height * 0.1),
    };
    const expected = (await makeSwatchTile(photo, { widthMm: 120 })).lab;
    expect(deltaE2000(meanLab(draped.px, draped.width, draped.height, { region }), expected)).toBeLessThan(12);
    expect(deltaE2000(meanLab(draped.px, draped.width, draped.height, { region }), hexToLab(NAVY.hex))).toBeGreaterThan(20);
  });

  it('makes swatch tiles on its threads, identical to making them in place', async () => {
    const photo = await checkPhoto(800, 600);
    const [pooled, local] = await Promise.all([service.swatchTile(photo, { widthMm: 150 }), makeSwatchTile(photo, { widthMm: 150 })]);
    expect(pooled.meanHex).toBe(local.meanHex);
    expect(Buffer.isBuffer(pooled.png)).toBe(true);
    expect(Buffer.compare(pooled.png, local.png)).toBe(0);
    expect([pooled.tile.width, pooled.tile.height]).toEqual([local.tile.width, local.tile.height]);
  });

  it('warm start: every shipped view is built once into an empty template cache before warm() resolves, with a queue of one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'atelier-warm-'));
    const fresh = createRenderService({ threads: 2, maxQueue: 1, textureCacheBytes: 8 << 20, templateCacheDir: dir });
    try {
      const warming = fresh.warm();
      // Asked again (the worker starts after serve did), it is the same start.
      expect(fresh.warm()).toBe(warming);
      await warming;
      for (const { cut, view } of shippedViews()) expect(await readCachedCutView(dir, cut, view), `${cut}/${view}`).toBeDefined();
      const res = await fresh.render({ cut: 'three-piece', view: 'back', fabric: NAVY, sizes: ['thumb'] });
      expect(res.images).toHaveLength(1);
    } finally {
      await fresh.close();
      await rm(dir, { recursive: true, force: true });
    }
    // Twelve views built from nothing: a minute on a loaded two-core machine, over five at load 20.
  }, 900_000);

  it('refuses work with a 503-shaped error when its queue is full, and still renders afterwards', async () => {
    const small = createRenderService({ threads: 1, maxQueue: 1, textureCacheBytes: 8 << 20, templateCacheDir: TEST_TEMPLATE_CACHE });
    try {
      await small.warm();
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => small.render({ cut: 'single-breasted', view: 'front', fabric: { ...NAVY, hex: `#1C28${(40 + i).toString(16)}` } })),
      );
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
      expect(refused.length).toBeGreaterThan(0);
      for (const e of refused) {
        expect(e).toBeInstanceOf(RenderPoolBusyError);
        expect(e.status).toBe(503);
      }
      expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
      await expect(small.render({ cut: 'single-breasted', view: 'front', fabric: NAVY, sizes: ['thumb'] })).resolves.toBeTruthy();
    } finally {
      await small.close();
    }
  });

  it('stops a render when its signal aborts', async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    // Long enough that the abort, sent when the first progress reaches this thread, arrives while the
    // render thread still works: a full render alone (~30 ms with the WebAssembly loop) can finish first.
    const p = service.render({
      cut: 'double-breasted',
      view: 'front',
      fabric: { ...NAVY, hex: '#203040' },
      sizes: ['hd', 'full', 'preview', 'thumb'],
      formats: ['avif'],
      signal: controller.signal,
      onProgress: (x) => {
        progress.push(x);
        if (x > 0) controller.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(progress.length).toBeGreaterThan(0);
  });
});
