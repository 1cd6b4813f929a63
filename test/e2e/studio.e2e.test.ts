/**
 * The client photo studio end to end, in real headless Chromium against the real server (embedded
 * PostgreSQL, in-process worker, compose engine). The "client" is a drawn suit (a real render of
 * the tan windowpane) standing in front of a teal wall. Each test opens its own browser context and
 * uploads its own photo; waits are on conditions, never on time. Screenshots go to test-results/.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { floodRegion } from '../../web/src/studio/wand.ts';
import { browserSuite, E2E_TEST_TIMEOUT_MS, E2E_TIMEOUT_MS, poll, screenshot } from '../helpers/browser.ts';
import { json, waitFor, type TestApp } from '../helpers/harness.ts';
import { associateSession, signInBrowser } from '../helpers/session.ts';

const suite = browserSuite();
let t: TestApp;
/** The client's photo (JPEG) and where its jacket is, in photo pixels. */
let photo: { jpeg: Buffer; width: number; height: number };
const TEAL: [number, number, number] = [38, 110, 118];

/**
 * A tan windowpane suit, rendered by the server like any suit, its light-grey backdrop replaced by
 * a teal wall (the backdrop's own shading kept): a photo with a garment, a shirt and tie, and a
 * background of another colour.
 */
async function clientPhoto(app: TestApp) {
  const session = await associateSession(app, { store: null });
  const batch = await json<{ renders: Array<{ id: string }> }>(
    await session.send('POST', '/api/renders', { family: 'windowpane', color: 'tan', cuts: ['single-breasted'], view: 'front' }),
  );
  const id = batch.renders[0]!.id;
  const done = await waitFor(
    async () => {
      const r = await json<{ status: string; images: Array<{ size: string; format: string; url: string }> }>(await session.fetch(`/api/renders/${id}`));
      return r.status === 'succeeded' ? r : r.status === 'failed' ? Promise.reject(new Error('the suit render failed')) : undefined;
    },
    // The first render of a cold server draws its templates: slow on a busy machine.
    5 * E2E_TIMEOUT_MS,
  );
  const full = done.images.find((i) => i.size === 'full' && i.format === 'jpeg')!;
  const suit = Buffer.from(await (await session.fetch(full.url)).arrayBuffer());
  const { data, info } = await sharp(suit).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, p = 0; i < width * height; i++, p += 4) rgba.set([data[i * 3]!, data[i * 3 + 1]!, data[i * 3 + 2]!, 255], p);
  // The backdrop: what is connected to the four corners and close to their colour.
  const wall = new Uint8Array(width * height);
  for (const [x, y] of [
    [2, 2],
    [width - 3, 2],
    [2, height - 3],
    [width - 3, height - 3],
  ] as const) {
    const region = floodRegion(rgba, width, height, x, y, 9);
    if (region) for (let i = 0; i < wall.length; i++) if (region.data[i]) wall[i] = 1;
  }
  const out = Buffer.from(data);
  for (let i = 0; i < wall.length; i++) {
    if (!wall[i]) continue;
    const shade = data[i * 3 + 1]! / 236;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.min(255, Math.round(TEAL[c]! * shade));
  }
  const jpeg = await sharp(out, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
  return { jpeg, width, height };
}

beforeAll(async () => {
  t = suite.t;
  photo = await clientPhoto(t);
}, E2E_TEST_TIMEOUT_MS);

async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
  return suite.newPage({ viewport: { width: 820, height: 1180 }, ...options }, async (context) => void (await signInBrowser(context, t, { store: null })));
}

/** The stylist app on its Studio tab, with the client's photo uploaded and its suggested mask shown. */
async function openStudioWithPhoto(options: BrowserContextOptions = {}): Promise<Page> {
  const page = await newPage(options);
  await page.goto(`${t.url}/`);
  await page.click('[data-tab=studio]');
  await page.setInputFiles('[data-testid=studio-choose]', { name: 'client.jpg', mimeType: 'image/jpeg', buffer: photo.jpeg });
  await page.locator('[data-testid=mask-status][data-suggestion=ready]').waitFor();
  await page.waitForFunction(() => {
    const img = (globalThis as any).document.querySelector('[data-testid=studio-photo]');
    return !!img && img.complete && img.naturalWidth > 0;
  });
  return page;
}

/** Pixels painted in the mask overlay (the mask at the photo's full resolution). */
const maskCount = (page: Page) =>
  page.evaluate(() => {
    const canvas = (globalThis as any).document.querySelector('[data-testid=mask-canvas]');
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data as Uint8ClampedArray;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i]) n++;
    return n;
  });

const maskAt = (page: Page, x: number, y: number) =>
  page.evaluate(
    ([px, py]) => {
      const canvas = (globalThis as any).document.querySelector('[data-testid=mask-canvas]');
      return canvas.getContext('2d').getImageData(px, py, 1, 1).data[3] > 0;
    },
    [x, y] as const,
  );

/** Where a photo pixel is on the screen now (the editor scales and moves the photo). */
async function screenPoint(page: Page, x: number, y: number) {
  const box = (await page.locator('[data-testid=mask-canvas]').boundingBox())!;
  return { x: box.x + (x / photo.width) * box.width, y: box.y + (y / photo.height) * box.height };
}

/** A stroke with the mouse from one photo point to another, in small moves as a hand makes. */
async function stroke(page: Page, from: [number, number], to: [number, number]) {
  const a = await screenPoint(page, ...from);
  const b = await screenPoint(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 12 });
  await page.mouse.up();
}

/** Mean RGB of a rectangle of an image (fractions of its width and height). */
async function meanColour(image: Buffer, box: { left: number; top: number; width: number; height: number }) {
  const meta = await sharp(image).metadata();
  const region = {
    left: Math.round(box.left * meta.width!),
    top: Math.round(box.top * meta.height!),
    width: Math.round(box.width * meta.width!),
    height: Math.round(box.height * meta.height!),
  };
  const { data } = await sharp(image).removeAlpha().extract(region).raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += 3) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
  return sum.map((s) => s / (data.length / 3)) as [number, number, number];
}

/** Photo points (fractions) on the drawn suit: the jacket's front below the lapels, a trouser leg, the wall. */
const JACKET = { left: 0.36, top: 0.4, width: 0.08, height: 0.06 };
const TROUSER = { left: 0.36, top: 0.7, width: 0.06, height: 0.1 };
const at = (fx: number, fy: number): [number, number] => [Math.round(fx * photo.width), Math.round(fy * photo.height)];

describe('client photo studio', () => {
  it(
    'photographs a client, corrects the suggested mask (paint, erase, undo, redo) and puts a navy cloth on the suit',
    async () => {
      const page = await openStudioWithPhoto();
      // A suggestion is on screen at once, at the photo's full resolution.
      expect(await page.getByTestId('mask-canvas').evaluate((c: any) => [c.width, c.height])).toEqual([photo.width, photo.height]);
      expect(await maskCount(page)).toBeGreaterThan(0);
      await screenshot(page, 'studio-suggested-portrait');
      // This client stands before a plain wall: the quickest outline is the wall by magic wand, inverted.
      await page.click('[data-testid=clear]');
      await poll(() => maskCount(page)).toBe(0);
      await page.click('[data-tool=wand]');
      const wall = await screenPoint(page, ...at(0.08, 0.25));
      await page.mouse.click(wall.x, wall.y);
      await poll(() => maskAt(page, ...at(0.08, 0.25))).toBe(true);
      await page.click('[data-testid=invert]');
      await poll(() => maskAt(page, ...at(0.4, 0.43))).toBe(true);
      expect(await maskAt(page, ...at(0.4, 0.75))).toBe(true);
      expect(await maskAt(page, ...at(0.08, 0.25))).toBe(false);
      const suggested = await maskCount(page);
      expect(suggested).toBeGreaterThan(0.1 * photo.width * photo.height);
      expect(suggested).toBeLessThan(0.5 * photo.width * photo.height);

      // Paint a stroke on the wall: the mask grows there; undo takes exactly that back; redo again.
      await page.click('[data-tool=brush]');
      await stroke(page, at(0.05, 0.2), at(0.05, 0.4));
      await poll(() => maskAt(page, ...at(0.05, 0.3))).toBe(true);
      const painted = await maskCount(page);
      expect(painted).toBeGreaterThan(suggested);
      await page.click('[data-testid=undo]');
      await poll(() => maskCount(page)).toBe(suggested);
      await page.click('[data-testid=redo]');
      await poll(() => maskCount(page)).toBe(painted);
      await page.click('[data-testid=undo]');
      await poll(() => maskCount(page)).toBe(suggested);

      // Erase across the jacket: those pixels leave the mask; undo brings them back.
      await page.click('[data-tool=eraser]');
      await stroke(page, at(0.3, 0.5), at(0.5, 0.5));
      await poll(() => maskAt(page, ...at(0.4, 0.5))).toBe(false);
      expect(await maskCount(page)).toBeLessThan(suggested);
      await page.click('[data-testid=undo]');
      await poll(() => maskCount(page)).toBe(suggested);

      // The cloth: the navy twill. Apply, follow the progress, see the result.
      await page.click('[data-studio-family=super-120s-twill]');
      await page.click('.pstudio__side [data-color=navy]');
      // A pause in the editing: the mask has gone ahead, and its template is made (or being made) on
      // the server; the apply renders from it, preparing nothing more.
      await page.locator('[data-testid=photo-studio][data-mask-ahead=sent]').waitFor();
      // On a loaded machine an earlier pause's mask may still be in preparation, with this one next.
      await poll(() => t.rt.rendering.preparedStats().masksPreparing).toBe(0);
      const templatesMade = t.rt.rendering.preparedStats().templatesMade;
      await page.click('[data-testid=studio-apply]');
      await page.locator('[data-testid=studio-result-image]').waitFor({ timeout: 2 * E2E_TIMEOUT_MS });
      expect(t.rt.rendering.preparedStats().templatesMade).toBe(templatesMade);
      await page.waitForFunction(() => {
        const img = (globalThis as any).document.querySelector('[data-testid=studio-result-image]');
        return !!img && img.complete && img.naturalWidth > 0;
      });
      await page.locator('[data-testid=studio-result]').scrollIntoViewIfNeeded();
      await screenshot(page, 'studio-result-portrait');

      // The garment moved toward navy (#1C2841); the wall did not move.
      const url = await page.locator('[data-testid=studio-result-image]').getAttribute('src');
      const result = Buffer.from(await (await page.request.get(new URL(url!, t.url).href)).body());
      const navy = [0x1c, 0x28, 0x41];
      const distance = (c: number[]) => Math.hypot(c[0]! - navy[0]!, c[1]! - navy[1]!, c[2]! - navy[2]!);
      for (const box of [JACKET, TROUSER]) {
        const before = await meanColour(photo.jpeg, box);
        const after = await meanColour(result, box);
        expect(distance(after), `${JSON.stringify(box)}: ${before.map(Math.round)} → ${after.map(Math.round)}`).toBeLessThan(distance(before) * 0.6);
        expect(after[2]! - after[0]!).toBeGreaterThan(before[2]! - before[0]! + 20); // bluer than tan
      }
      const wallBefore = await meanColour(photo.jpeg, { left: 0.02, top: 0.05, width: 0.1, height: 0.1 });
      const wallAfter = await meanColour(result, { left: 0.02, top: 0.05, width: 0.1, height: 0.1 });
      expect(Math.hypot(...wallAfter.map((v, i) => v - wallBefore[i]!))).toBeLessThan(12);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    'selects the wall with the magic wand, inverts and clears the outline, each undoable',
    async () => {
      const page = await openStudioWithPhoto();
      const suggested = await maskCount(page);
      await page.click('[data-tool=wand]');
      const wall = await screenPoint(page, ...at(0.08, 0.25));
      await page.mouse.click(wall.x, wall.y);
      await poll(() => maskAt(page, ...at(0.08, 0.25))).toBe(true);
      // The whole wall, down to the floor on the other side, but not the suit's shirt.
      expect(await maskAt(page, ...at(0.94, 0.9))).toBe(true);
      expect(await maskCount(page)).toBeGreaterThan(suggested + 0.3 * photo.width * photo.height);
      await page.click('[data-testid=undo]');
      await poll(() => maskCount(page)).toBe(suggested);

      const probes = [at(0.08, 0.25), at(0.4, 0.43), at(0.4, 0.75), at(0.5, 0.2)];
      const before = await Promise.all(probes.map((p) => maskAt(page, ...p)));
      await page.click('[data-testid=invert]');
      await poll(() => maskCount(page)).toBe(photo.width * photo.height - suggested);
      expect(await Promise.all(probes.map((p) => maskAt(page, ...p)))).toEqual(before.map((v) => !v));
      await page.click('[data-testid=clear]');
      await poll(() => maskCount(page)).toBe(0);
      await page.click('[data-testid=undo]');
      await page.click('[data-testid=undo]');
      await poll(() => maskCount(page)).toBe(suggested);
      expect(await Promise.all(probes.map((p) => maskAt(page, ...p)))).toEqual(before);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    'sets the pattern scale from two taps on a known length',
    async () => {
      const page = await openStudioWithPhoto();
      expect(await page.getByTestId('scale-auto').isChecked()).toBe(true);
      await page.click('[data-testid=measure]');
      // The trouser leg from the jacket's hem to the shoe: 600 photo pixels, said to be 60 cm.
      for (const p of [at(0.4, 0.5), at(0.4, 0.5 + 600 / photo.height)]) {
        const s = await screenPoint(page, ...p);
        await page.mouse.click(s.x, s.y);
      }
      await poll(() => page.getByTestId('measure-hint').textContent()).toContain('de nuevo');
      await page.fill('[data-testid=measure-length]', '60');
      await page.click('[data-testid=measure-use]');
      // 600 mm over 600 px (within a pixel of tapping on the screen's scale).
      await poll(() => page.getByTestId('scale').getAttribute('aria-valuetext')).toMatch(/^1(,0\d*)? mm por píxel$|^0,9\d* mm por píxel$/);
      expect(await page.getByTestId('scale-auto').isChecked()).toBe(false);
      // Taps closer than the measure can trust are refused, not used.
      await page.click('[data-testid=measure]');
      const near = await screenPoint(page, ...at(0.4, 0.5));
      await page.mouse.click(near.x, near.y);
      await page.mouse.click(near.x + 2, near.y);
      await page.fill('[data-testid=measure-length]', '60');
      expect(await page.getByTestId('measure-use').isDisabled()).toBe(true);
      // No painting happened while measuring.
      expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    'refuses a HEIC photo with a message saying what to do',
    async () => {
      const page = await newPage();
      await page.goto(`${t.url}/`);
      await page.click('[data-tab=studio]');
      // The start of a real HEIC file: an ISO-BMFF "ftyp" box of brand heic.
      const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(2000, 7)]);
      await page.setInputFiles('[data-testid=studio-choose]', { name: 'IMG_0042.HEIC', mimeType: 'image/heic', buffer: heic });
      await poll(() => page.getByTestId('studio-error').textContent()).toContain('HEIC');
      expect(await page.getByTestId('studio-error').textContent()).toContain('JPEG');
      await screenshot(page, 'studio-heic-portrait');
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    'removes an object: paints over the tie, fills it, and goes on editing the filled photo',
    async () => {
      const page = await openStudioWithPhoto();
      const garment = await maskCount(page);
      const first = await page.getByTestId('photo-studio').getAttribute('data-photo');
      await page.click('[data-mode=fill]');
      await page.click('[data-tool=brush]');
      // The tie runs down the middle of the shirt front.
      await stroke(page, at(0.5, 0.15), at(0.5, 0.27));
      await page.click('[data-testid=studio-fill]');
      await poll(() => page.getByTestId('photo-studio').getAttribute('data-photo')).not.toBe(first);
      await page.waitForFunction(() => {
        const img = (globalThis as any).document.querySelector('[data-testid=studio-photo]');
        return !!img && img.complete && img.naturalWidth > 0;
      });
      // The filled photo is on screen: the tie's dark purple gave way to something lighter.
      const src = await page.getByTestId('studio-photo').getAttribute('src');
      const filled = Buffer.from(await (await page.request.get(new URL(src!, t.url).href)).body());
      const tie = { left: 0.49, top: 0.17, width: 0.02, height: 0.08 };
      const before = await meanColour(photo.jpeg, tie);
      const after = await meanColour(filled, tie);
      expect(after[1]!, `${before.map(Math.round)} → ${after.map(Math.round)}`).toBeGreaterThan(before[1]! + 30);
      // The fill mask is empty again, and the garment mask is as it was.
      expect(await maskCount(page)).toBe(0);
      await page.click('[data-mode=garment]');
      await poll(() => maskCount(page)).toBe(garment);
      await screenshot(page, 'studio-filled-portrait');
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    'deletes the client photo after asking, and the server no longer serves it',
    async () => {
      const page = await openStudioWithPhoto({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await screenshot(page, 'studio-phone');
      const src = await page.getByTestId('studio-photo').getAttribute('src');
      expect((await page.request.get(new URL(src!, t.url).href)).status()).toBe(200);
      await page.click('[data-testid=studio-delete]');
      await page.getByTestId('studio-delete-confirm').waitFor();
      await page.click('[data-testid=studio-delete-confirm]');
      await page.getByTestId('studio-start').waitFor();
      const status = (await page.request.get(new URL(src!, t.url).href)).status();
      expect([404, 410]).toContain(status);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    'zooms with two fingers and pans, without painting',
    async () => {
      const page = await openStudioWithPhoto({ viewport: { width: 1280, height: 800 }, hasTouch: true });
      await screenshot(page, 'studio-landscape');
      const before = await maskCount(page);
      const viewport = page.getByTestId('mask-viewport');
      const scale0 = Number(await viewport.getAttribute('data-scale'));
      const box = (await viewport.boundingBox())!;
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      const cdp = await page.context().newCDPSession(page);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', points: Array<[number, number]>) =>
        cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
      await touch('touchStart', [
        [cx - 40, cy],
        [cx + 40, cy],
      ]);
      for (let k = 1; k <= 10; k++)
        await touch('touchMove', [
          [cx - 40 - 12 * k, cy],
          [cx + 40 + 12 * k, cy],
        ]);
      await touch('touchEnd', []);
      await poll(async () => Number(await viewport.getAttribute('data-scale'))).toBeGreaterThan(scale0 * 2);
      expect(await maskCount(page)).toBe(before);
      await screenshot(page, 'studio-zoomed');
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
