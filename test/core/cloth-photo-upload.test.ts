import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFabricTexture } from '../../src/fabrics/index.ts';
import { photographCloth } from '../../src/fabrics/cloth-photo/synthetic.ts';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { stylistFor } from '../helpers/session.ts';

/**
 * Issue 12 part 2: an associate uploads a whole phone photo of cloth, with no width and no crop. The
 * answer says where the cloth was found and how big it is; the stored swatch is the cloth alone, at
 * the scale read from its weave (truth here: 0.1 mm per photo px, a houndstooth of 9 mm).
 */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let photo: Buffer;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false });
  const cloth = generateFabricTexture({ hex: '#8A8A86', design: { weave: 'twill', pattern: 'houndstooth', threadMm: 0.28, repeatMm: 9, heather: 0.1 } }, 20);
  const floor = { kind: 'floor' as const, side: 'bottom' as const, fraction: 0.2 };
  photo = (
    await photographCloth(cloth, {
      width: 1400,
      height: 1050,
      mmPerPx: 0.1,
      rotationDeg: 6,
      tiltDeg: 10,
      tiltAxisDeg: 30,
      light: { gx: 0.2, gy: 0.1 },
      noise: 2,
      jpegQuality: 88,
      seed: 3,
      intruders: [floor],
    })
  ).jpeg;
}, 120_000);
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

function form(data: Buffer, fields: Record<string, string> = {}) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('file', new Blob([new Uint8Array(data)], { type: 'image/jpeg' }), 'phone.jpg');
  return body;
}

describe('a phone photo uploaded with no width', () => {
  it('the stylist app gets the cloth found, straightened and measured; overriding the width makes another swatch', async () => {
    const res = await (await stylistFor(t)).fetch('/api/swatch-uploads', { method: 'POST', body: form(photo) });
    expect(res.status).toBe(201);
    const up = await json(res);
    const e = up.estimate;
    expect(e.scaleSource).toBe('weave');
    expect(Math.abs(e.photoMmPerPx / 0.1 - 1)).toBeLessThan(0.1);
    expect(Math.abs(e.rotationDeg - 6)).toBeLessThan(1);
    expect(Math.abs(e.repeatMm.x / 9 - 1)).toBeLessThan(0.1);
    // The box leaves the floor (the bottom 20 % of the frame) out.
    expect(e.box.top + e.box.height).toBeLessThanOrEqual(1050 * 0.82);
    expect(up.widthMm).toBeCloseTo(e.widthMm, 1);
    // What is stored is the cloth alone, as wide as the answer says.
    const stored = await fetch(new URL(up.url, t.url)).then((r) => r.arrayBuffer());
    const meta = await sharp(Buffer.from(stored)).metadata();
    expect(meta.width).toBe(up.width);
    expect(up.width * e.mmPerPx).toBeCloseTo(up.widthMm, 0);

    // The associate measures it otherwise: the same cloth at another width is another swatch.
    const other = await (await stylistFor(t))
      .fetch('/api/swatch-uploads', { method: 'POST', body: form(Buffer.from(stored), { widthMm: String(Math.round(e.widthMm * 2)) }) })
      .then((r) => json(r));
    expect(other.id).not.toBe(up.id);
    expect(other.widthMm).toBe(Math.round(e.widthMm * 2));
    expect(other.estimate).toBeUndefined();
  }, 120_000);

  it('the replaced front end’s /upload-swatch measures it the same way', async () => {
    const res = await fetch(`${t.url}/upload-swatch`, { method: 'POST', body: form(photo) });
    expect(res.status).toBe(200);
    const up = await json(res);
    expect(up.swatch_url).toMatch(/\/files\/swatches\//);
    expect(up.cloth_estimate.scaleSource).toBe('weave');
    expect(Math.abs(up.cloth_estimate.photoMmPerPx / 0.1 - 1)).toBeLessThan(0.1);
  }, 120_000);
});
