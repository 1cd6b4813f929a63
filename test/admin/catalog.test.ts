import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { stylistFor } from '../helpers/session.ts';
import { consoleClient, createAccount, signIn, type Console } from './helpers.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let merch: Console;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url });
  await createAccount(t, 'merch@example.com', 'merchandiser');
  merch = consoleClient(t, await signIn(t, 'merch@example.com'));
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

const design = { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 12 } as const;
const stylistCatalog = async () => (await json(await fetch(`${t.url}/api/catalog`))).families as Array<{ id: string; colors: Array<{ id: string }> }>;

describe('families table', () => {
  it('lists the demo catalog in its order, with colour and render counts, paged', async () => {
    const page1 = await merch.json('GET', '/api/admin/families?pageSize=5');
    expect(page1.total).toBe(12);
    expect(page1.items).toHaveLength(5);
    expect(page1.items[0]).toMatchObject({ slug: 'super-120s-twill', colorCount: 5, renderCount: 0, active: true, archivedAt: null });
    const page3 = await merch.json('GET', '/api/admin/families?pageSize=5&page=3');
    expect(page3.items).toHaveLength(2);
    expect(page3.total).toBe(12);
    const past = await merch.json('GET', '/api/admin/families?pageSize=5&page=9');
    expect(past).toMatchObject({ items: [], total: 12 });
  });

  it('searches names, compositions and colour names; filters by season, weave, pattern; sorts both ways', async () => {
    const flannel = await merch.json('GET', '/api/admin/families?q=flannel');
    expect(flannel.items.map((f: any) => f.slug)).toContain('winter-flannel');
    const byColour = await merch.json('GET', '/api/admin/families?q=Midnight%20Blue');
    expect(byColour.items.map((f: any) => f.slug)).toContain('super-120s-twill');
    // "%" is a character to find, not a wildcard: "100% wool" matches "0%", nothing matches "%%".
    expect((await merch.json('GET', '/api/admin/families?q=0%25')).total).toBeGreaterThan(0);
    expect((await merch.json('GET', '/api/admin/families?q=%25%25')).total).toBe(0);
    const winter = await merch.json('GET', '/api/admin/families?season=autumn-winter');
    expect(winter.items.length).toBeGreaterThan(0);
    expect(winter.items.every((f: any) => f.season === 'autumn-winter')).toBe(true);
    const twill = await merch.json('GET', '/api/admin/families?weave=twill&pageSize=100');
    expect(twill.items.every((f: any) => f.design.weave === 'twill')).toBe(true);
    const solid = await merch.json('GET', '/api/admin/families?pattern=solid&pageSize=100');
    expect(solid.items.every((f: any) => f.design.pattern === 'solid')).toBe(true);
    const az = (await merch.json('GET', '/api/admin/families?sort=name&pageSize=100')).items.map((f: any) => f.name);
    const za = (await merch.json('GET', '/api/admin/families?sort=-name&pageSize=100')).items.map((f: any) => f.name);
    expect(az).toEqual([...az].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(za).toEqual([...az].reverse());
    const bad = await merch('GET', '/api/admin/families?sort=price');
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.message).toMatch(/^sort:/);
  });

  it('toggles a family off and on: the stylist catalog follows', async () => {
    const { items } = await merch.json('GET', '/api/admin/families?q=winter-flannel');
    const id = items[0].id;
    await merch.json('PATCH', `/api/admin/families/${id}`, { active: false });
    expect((await stylistCatalog()).map((f) => f.id)).not.toContain('winter-flannel');
    expect((await merch.json('GET', '/api/admin/families?status=inactive')).items.map((f: any) => f.slug)).toEqual(['winter-flannel']);
    await merch.json('PATCH', `/api/admin/families/${id}`, { active: true });
    expect((await stylistCatalog()).map((f) => f.id)).toContain('winter-flannel');
  });
});

describe('families and colours', () => {
  it('creates a family with colours, edits it, and refuses a taken slug or a bad field by name', async () => {
    const family = await merch.json('POST', '/api/admin/families', {
      slug: 'test-pinstripe',
      name: 'Test Pinstripe',
      composition: '100% wool',
      weightGsm: 250,
      design,
      colors: [
        { slug: 'navy', name: 'Navy', hex: '#1c2841' },
        { slug: 'grey', name: 'Grey', hex: '747778', repeatMm: 15 },
      ],
    });
    expect(family).toMatchObject({
      slug: 'test-pinstripe',
      active: true,
      colors: [
        { slug: 'navy', hex: '#1C2841' },
        { slug: 'grey', hex: '#747778', repeatMm: 15 },
      ],
    });
    const dup = await merch('POST', '/api/admin/families', { slug: 'test-pinstripe', name: 'Again', design, colors: [] });
    expect(dup.status).toBe(409);
    expect((await json(dup)).error.code).toBe('slug_taken');
    const bad = await merch('POST', '/api/admin/families', { slug: 'x', name: 'X', design: { ...design, weave: 'knit' } });
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.message).toMatch(/^design\.weave:/);

    const edited = await merch.json('PATCH', `/api/admin/families/${family.id}`, {
      name: 'Test Pinstripe II',
      weightGsm: null,
      design: { ...design, repeatMm: 16 },
    });
    expect(edited).toMatchObject({ name: 'Test Pinstripe II', weightGsm: null, design: { repeatMm: 16 } });
    const colour = await merch.json('POST', `/api/admin/families/${family.id}/colors`, { slug: 'black', name: 'Black', hex: '#161616' });
    expect(colour.sort).toBeGreaterThan(family.colors[1].sort);
    expect((await merch('POST', `/api/admin/families/${family.id}/colors`, { slug: 'black', name: 'Black', hex: '#161616' })).status).toBe(409);
    expect((await merch('POST', `/api/admin/families/${family.id}/colors`, { slug: 'nohex', name: 'No hex' })).status).toBe(422);

    const stylist = (await stylistCatalog()).find((f) => f.id === 'test-pinstripe')!;
    expect(stylist.colors.map((c) => c.id)).toEqual(['navy', 'grey', 'black']);
  });

  it('reorders families and colours; reordering a subset moves it within its own places', async () => {
    const family = (await merch.json('GET', '/api/admin/families?q=test-pinstripe')).items[0];
    const detail = await merch.json('GET', `/api/admin/families/${family.id}`);
    const [navy, grey, black] = detail.colors;
    const reordered = await merch.json('POST', `/api/admin/families/${family.id}/colors/reorder`, { ids: [black.id, navy.id, grey.id] });
    expect(reordered.colors.map((c: any) => c.slug)).toEqual(['black', 'navy', 'grey']);
    const bad = await merch('POST', `/api/admin/families/${family.id}/colors/reorder`, { ids: [black.id, black.id] });
    expect(bad.status).toBe(422);

    const before = (await merch.json('GET', '/api/admin/families?pageSize=100')).items.map((f: any) => f.id);
    // Move the last family of the list to the front of the first three: only those three change places.
    const subset = [before.at(-1), before[0], before[1]];
    const res = await merch('POST', '/api/admin/families/reorder', { ids: subset });
    expect(res.status).toBe(204);
    const after = (await merch.json('GET', '/api/admin/families?pageSize=100')).items.map((f: any) => f.id);
    const slots = [0, 1, before.length - 1];
    expect(slots.map((i) => after[i])).toEqual(subset);
    expect(after.filter((_: string, i: number) => !slots.includes(i))).toEqual(before.filter((id: string) => !subset.includes(id)));
    expect((await stylistCatalog())[0]!.id).toBe((await merch.json('GET', `/api/admin/families/${subset[0]}`)).slug);
  });

  it('deletes what nothing refers to, and archives what renders refer to', async () => {
    const family = (await merch.json('GET', '/api/admin/families?q=test-pinstripe')).items[0];
    const { colors } = await merch.json('GET', `/api/admin/families/${family.id}`);
    const black = colors.find((c: any) => c.slug === 'black');
    expect(await merch.json('DELETE', `/api/admin/colors/${black.id}`)).toEqual({ outcome: 'deleted' });

    const ordered = await json(
      await (await stylistFor(t)).fetch('/api/renders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ family: 'test-pinstripe', color: 'navy', cuts: ['single-breasted'] }),
      }),
    );
    await waitFor(async () => (await json(await fetch(`${t.url}/api/renders/${ordered.renders[0].id}`))).status === 'succeeded');

    const navy = colors.find((c: any) => c.slug === 'navy');
    expect(await merch.json('DELETE', `/api/admin/colors/${navy.id}`)).toEqual({ outcome: 'archived' });
    expect((await stylistCatalog()).find((f) => f.id === 'test-pinstripe')!.colors.map((c) => c.id)).toEqual(['grey']);
    // The render is still there, and still names its colour.
    expect((await json(await fetch(`${t.url}/api/renders/${ordered.renders[0].id}`))).color).toBe('navy');
    const restored = await merch.json('PATCH', `/api/admin/colors/${navy.id}`, { archived: false });
    expect(restored.archivedAt).toBeNull();

    expect(await merch.json('DELETE', `/api/admin/families/${family.id}`)).toEqual({ outcome: 'archived' });
    expect((await stylistCatalog()).map((f) => f.id)).not.toContain('test-pinstripe');
    expect((await merch.json('GET', '/api/admin/families?status=archived')).items.map((f: any) => f.slug)).toEqual(['test-pinstripe']);
    // An archived family cannot be ordered any more.
    const refused = await (await stylistFor(t)).fetch('/api/renders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ family: 'test-pinstripe', color: 'grey', cuts: ['single-breasted'] }),
    });
    expect(refused.status).toBe(422);

    const unused = await merch.json('POST', '/api/admin/families', {
      slug: 'short-lived',
      name: 'Short Lived',
      design,
      colors: [{ slug: 'a', name: 'A', hex: '#123456' }],
    });
    expect(await merch.json('DELETE', `/api/admin/families/${unused.id}`)).toEqual({ outcome: 'deleted' });
    expect((await merch('GET', `/api/admin/families/${unused.id}`)).status).toBe(404);
  });

  it('previews a colour on a suit before it is saved', async () => {
    const res = await merch('POST', '/api/admin/previews', { design, hex: '#7A2E2E', cut: 'double-breasted' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const image = sharp(Buffer.from(await res.arrayBuffer()));
    expect(await image.metadata()).toMatchObject({ format: 'jpeg', width: 512, height: 768 });
    expect((await merch('POST', '/api/admin/previews', { hex: '#7A2E2E' })).status).toBe(422);
    expect((await merch('POST', '/api/admin/previews', { design, cut: 'kimono' })).status).toBe(422);
  });
});

describe('audit log', () => {
  it('records who changed what with before and after, filterable by entity, action, actor and text', async () => {
    const family = (await merch.json('GET', '/api/admin/families?status=all&q=test-pinstripe')).items[0];
    const log = await merch.json('GET', `/api/admin/audit?entity=family&entityId=${family.id}`);
    const actions = log.items.map((e: any) => e.action).reverse();
    expect(actions).toEqual(['family.create', 'family.update', 'color.reorder', 'family.archive']);
    const update = log.items.find((e: any) => e.action === 'family.update');
    expect(update).toMatchObject({
      actor: 'merch@example.com',
      before: { name: 'Test Pinstripe', weightGsm: 250 },
      after: { name: 'Test Pinstripe II', weightGsm: null },
    });
    expect(update.requestId).toBeTruthy();

    const colours = await merch.json('GET', '/api/admin/audit?action=color.');
    expect(colours.items.every((e: any) => e.action.startsWith('color.'))).toBe(true);
    expect(colours.items.map((e: any) => e.action)).toEqual(
      expect.arrayContaining(['color.create', 'color.delete', 'color.archive', 'color.restore', 'color.reorder']),
    );
    const mine = await merch.json('GET', '/api/admin/audit?actor=merch@&limit=3');
    expect(mine.items).toHaveLength(3);
    expect(mine.nextCursor).toBeTruthy();
    const next = await merch.json('GET', `/api/admin/audit?actor=merch@&limit=3&cursor=${mine.nextCursor}`);
    expect(Number(next.items[0].id)).toBeLessThan(Number(mine.items[2].id));
    const text = await merch.json('GET', '/api/admin/audit?q=Short%20Lived');
    expect(text.items.map((e: any) => e.action)).toEqual(expect.arrayContaining(['family.create', 'family.delete']));
  });
});
