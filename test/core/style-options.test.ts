import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutsAnswer } from '../../src/contract/catalog.ts';
import { json, startTestApp, startTestDatabase, waitForRender, type TestApp } from '../helpers/harness.ts';
import { associateSession, type Session } from '../helpers/session.ts';

/** A client choosing the make of a suit: options listed per cut, ordered, refused when they make no sense. */

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url });
  associate = await associateSession(t);
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

/** Renders are ordered by a signed-in associate. */
let associate: Session;
const post = (path: string, body: unknown) => associate.send('POST', path, body);

const waitSucceeded = (id: string) => waitForRender(t, id, 120_000);

async function pixels(url: string) {
  const { data, info } = await sharp(Buffer.from(await (await fetch(t.url + url)).arrayBuffer()))
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('style options', () => {
  it('lists every shipped cut with its views and its options, defaults being the preset', async () => {
    const body = cutsAnswer.parse(await json(await fetch(`${t.url}/api/cuts`)));
    for (const cut of body.cuts) {
      expect(cut.views.map((v) => v.id)).toEqual(['front', 'three-quarter', 'back', 'detail']);
      const ids = cut.options.map((o) => o.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'lapel',
          'lapelWidth',
          'fastening',
          'pockets',
          'ticketPocket',
          'breastPocket',
          'vents',
          'trouserFront',
          'trouserHem',
          'waistcoat',
          'buttons',
          'shirt',
          'tie',
          'shoes',
        ]),
      );
      for (const o of cut.options) {
        expect(o.labelKey).toBe(`option.${o.id}`);
        expect(o.values.map((v) => v.id)).toContain(o.default);
        for (const v of o.values) expect(v.labelKey).toBe(`option.${o.id}.${v.id}`);
      }
    }
    const opt = (cut: string, id: string) => body.cuts.find((c) => c.id === cut)!.options.find((o) => o.id === id)!;
    expect(opt('single-breasted', 'lapel').values.map((v) => v.id)).toEqual(['notch', 'peak', 'shawl']);
    expect(opt('single-breasted', 'fastening').default).toBe('sb2');
    expect(opt('double-breasted', 'fastening').default).toBe('db6x2');
    expect(opt('double-breasted', 'lapel').default).toBe('peak');
    expect(opt('three-piece', 'waistcoat').default).toBe('sb');
    // An open three-piece is never double-breasted.
    expect(opt('three-piece', 'fastening').values.map((v) => v.id)).toEqual(['sb1', 'sb2', 'sb3']);
    expect(body.cuts.find((c) => c.id === 'single-breasted')!.legacyId).toBe('recto');
    expect(body.cuts.find((c) => c.id === 'double-breasted')!.legacyId).toBe('cruzado');
  });

  it('refuses an unknown option, an unknown value and an incompatible pair with 422 naming the option and what it allows', async () => {
    const base = { family: 'super-120s-twill', color: 'navy', cuts: ['single-breasted'], sizes: ['preview'] };
    const unknown = await post('/api/renders', { ...base, options: { collar: 'mandarin' } });
    expect(unknown.status).toBe(422);
    const u = await json(unknown);
    expect(u.error.message).toContain('collar');
    expect(u.error.details).toMatchObject({ option: 'collar' });
    expect(u.error.details.allowed).toContain('lapel');

    const badValue = await json(await post('/api/renders', { ...base, options: { lapel: 'clover' } }));
    expect(badValue.error.code).toBe('invalid_option');
    expect(badValue.error.details).toEqual({ field: 'options', option: 'lapel', allowed: ['notch', 'peak', 'shawl'] });
    expect(badValue.error.message).toMatch(/notch, peak, shawl/);

    const clash = await post('/api/renders', { ...base, options: { lapel: 'shawl', fastening: 'db6x2' } });
    expect(clash.status).toBe(422);
    const c = await json(clash);
    expect(c.error.details).toMatchObject({ option: 'fastening', allowed: ['sb1', 'sb2', 'sb3'] });
    expect(c.error.message).toContain('shawl');

    // The double-breasted preset itself refuses a shawl collar: the option the client chose is named.
    const preset = await json(await post('/api/renders', { ...base, cuts: ['double-breasted'], options: { lapel: 'shawl' } }));
    expect(preset.error.details.option).toBe('lapel');
    expect(preset.error.details.allowed).toEqual(['notch', 'peak']);

    const openDb = await json(await post('/api/renders', { ...base, cuts: ['three-piece'], options: { fastening: 'db4x1' } }));
    expect(openDb.error.details).toMatchObject({ option: 'fastening', allowed: ['sb1', 'sb2', 'sb3'] });
  });

  it('renders a chosen make: the options show on the render, change the picture, and are their own cache entry', async () => {
    const base = { family: 'super-120s-twill', color: 'navy', cuts: ['single-breasted'], sizes: ['preview'] };
    const plain = await json(await post('/api/renders', base));
    const styled = await json(await post('/api/renders', { ...base, options: { lapel: 'peak', tie: 'none', shoes: 'brown' } }));
    expect(styled.renders[0].id).not.toBe(plain.renders[0].id);
    const [a, b] = await Promise.all([waitSucceeded(plain.renders[0].id), waitSucceeded(styled.renders[0].id)]);
    expect(a.options).toMatchObject({ lapel: 'notch', tie: 'navy', shoes: 'black' });
    expect(b.options).toMatchObject({ lapel: 'peak', tie: 'none', shoes: 'brown', fastening: 'sb2' });
    const [pa, pb] = await Promise.all([pixels(a.images[0].url), pixels(b.images[0].url)]);
    expect([pb.width, pb.height]).toEqual([512, 768]);
    let changed = 0;
    for (let i = 0; i < pa.data.length; i += 3)
      if (Math.abs(pa.data[i]! - pb.data[i]!) + Math.abs(pa.data[i + 1]! - pb.data[i + 1]!) + Math.abs(pa.data[i + 2]! - pb.data[i + 2]!) > 30) changed++;
    expect(changed).toBeGreaterThan(500);
    // Asking for the preset's own values is the preset: the same render.
    const same = await post('/api/renders', { ...base, options: { lapel: 'notch' } });
    expect(same.status).toBe(200);
    expect((await json(same)).renders[0].id).toBe(plain.renders[0].id);
    // The replaced API's name for the cut is the same preset.
    const recto = await json(await post('/api/renders', { ...base, cuts: ['recto'] }));
    expect(recto.renders[0].id).toBe(plain.renders[0].id);
  });

  it('makes an HD image of the detail view when asked', async () => {
    const res = await json(await post('/api/renders', { family: 'city-pinstripe', color: 'charcoal', cuts: ['double-breasted'], view: 'detail', size: 'hd' }));
    const r = await waitSucceeded(res.renders[0].id);
    expect(r.view).toBe('detail');
    expect(r.images.map((i: any) => `${i.size}:${i.width}x${i.height}`)).toEqual(['hd:2048x3072', 'full:1024x1536', 'preview:512x768', 'thumb:256x384']);
    const hd = await pixels(r.images[0].url);
    expect([hd.width, hd.height]).toEqual([2048, 3072]);
  });
});
