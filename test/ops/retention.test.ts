import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStoredObjects } from '../../src/ops/inventory.ts';
import { clothPhoto } from '../admin/helpers.ts';
import { json, startTestApp, startTestDatabase, testEnv, waitFor, type TestApp } from '../helpers/harness.ts';
import { startAtelier } from '../helpers/processes.ts';
import { associateSession, type Session } from '../helpers/session.ts';

const RETENTION_ENV = {
  RETENTION_FAILED_RENDERS_DAYS: '7',
  RETENTION_UNUSED_RENDERS_DAYS: '90',
  RETENTION_EXPIRED_LOOKS_DAYS: '30',
  RETENTION_SWATCH_UPLOADS_DAYS: '30',
  RETENTION_ORPHAN_FILES_HOURS: '24',
  STUDIO_RETENTION_DAYS: '30',
};

// Each CLI run is a process of its own (tsx start-up included): minutes on a loaded machine.
describe('retention', { timeout: 600_000 }, () => {
  let pg: Awaited<ReturnType<typeof startTestDatabase>>;
  let t: TestApp;
  const ids: Record<string, string> = {};
  const filesRoot = () => (t.config.storage as { root: string }).root;

  let associate: Session;
  const post = async (p: string, body: unknown) => json(await associate.send('POST', p, body));
  const render = async (order: Record<string, unknown>) => {
    const id = (await post('/api/renders', { family: 'city-pinstripe', cuts: ['single-breasted'], sizes: ['preview'], ...order })).renders[0].id as string;
    await waitFor(async () => (await json(await fetch(`${t.url}/api/renders/${id}`))).status === 'succeeded', 60_000);
    return id;
  };
  const upload = async (hex: string) => {
    const form = new FormData();
    form.append('file', new Blob([(await clothPhoto(hex)).jpeg], { type: 'image/jpeg' }), 'cloth.jpg');
    return (await json(await associate.fetch('/api/swatch-uploads', { method: 'POST', body: form }))).id as string;
  };
  const exists = async (table: string, id: string) =>
    (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE id = ${id}`.execute(t.rt.db)).rows[0]!.n === '1';
  const keys = async () => new Set((await listStoredObjects(t.config.storage)).map((o) => o.key));
  const imageKeys = async (id: string) =>
    (await t.rt.db.selectFrom('renders').select('images').where('id', '=', id).executeTakeFirstOrThrow()).images.map((i) => i.key);
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const p = startAtelier(args, testEnv({ DATABASE_URL: pg.url, FILES_DIR: filesRoot(), LOG_LEVEL: 'info', ...RETENTION_ENV, ...env }));
    const code = await p.exited;
    return { code, output: p.output() };
  };

  beforeAll(async () => {
    pg = await startTestDatabase();
    t = await startTestApp({ databaseUrl: pg.url, env: RETENTION_ENV });
    associate = await associateSession(t);
    const db = t.rt.db;
    const daysAgo = (n: number) => sql`now() - make_interval(days => ${n})`;

    ids.fresh = await render({ color: 'navy' });
    ids.unused = await render({ color: 'charcoal' });
    ids.inExpiredLook = await render({ color: 'black' });
    ids.inLiveLook = await render({ family: 'winter-flannel', color: 'brown' });
    ids.oldUpload = await upload('#5A3D2B');
    ids.usedUpload = await upload('#2B3D5A');
    ids.newUpload = await upload('#3D5A2B');
    ids.renderOfUpload = await render({ swatchUploadId: ids.usedUpload });
    for (const id of [ids.unused, ids.inExpiredLook, ids.inLiveLook, ids.renderOfUpload]) {
      await sql`UPDATE renders SET created_at = ${daysAgo(100)} WHERE id = ${id}`.execute(db);
      await sql`UPDATE render_batches SET created_at = ${daysAgo(100)} WHERE id IN (SELECT batch_id FROM render_batch_items WHERE render_id = ${id})`.execute(
        db,
      );
    }
    for (const id of [ids.oldUpload, ids.usedUpload]) await sql`UPDATE swatch_uploads SET created_at = ${daysAgo(40)} WHERE id = ${id}`.execute(db);

    // Looks are saved by a signed-in associate, for a client record.
    const lookId = async (body: Record<string, unknown>) => {
      const { token } = await json(await associate.send('POST', '/api/looks', { clientName: 'Retention client', ...body }));
      return (await sql<{ id: string }>`SELECT id FROM looks WHERE token = ${token}`.execute(db)).rows[0]!.id;
    };
    const expired = await lookId({ title: 'Expired look', renderIds: [ids.inExpiredLook] });
    await sql`UPDATE looks SET created_at = ${daysAgo(80)}, expires_at = ${daysAgo(40)} WHERE id = ${expired}`.execute(db);
    ids.expiredLook = expired;
    // The render of the photographed cloth is old too, but a live look shows it: it and its photo stay.
    ids.liveLook = await lookId({ title: 'Live look', renderIds: [ids.inLiveLook, ids.renderOfUpload] });

    // From here on no worker runs (as when every worker is down): the workers' own sweep would
    // otherwise fail the stranded render below before retention sees it.
    await t.worker?.stop();
    // A failed render from ten days ago, and one whose queue job is gone (stuck 'queued' for ten days).
    const template = await db.selectFrom('renders').selectAll().where('id', '=', ids.fresh).executeTakeFirstOrThrow();
    for (const [name, status] of [
      ['failed', 'failed'],
      ['orphan', 'queued'],
    ] as const) {
      const row = await db
        .insertInto('renders')
        .values({
          cache_key: `${template.cache_key}:${name}`,
          status,
          engine: template.engine,
          engine_version: template.engine_version,
          family_id: template.family_id,
          color_id: template.color_id,
          cut_id: template.cut_id,
          view: template.view,
          params: JSON.stringify(template.params),
          error: status === 'failed' ? 'The render failed' : null,
          created_at: sql`now() - interval '10 days'` as never,
          finished_at: status === 'failed' ? (sql`now() - interval '10 days'` as never) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    }

    // Files nothing refers to: one two days old, one just written (it may belong to a write in flight).
    await t.rt.storage.put('renders/zz/forgotten/full.jpg', Buffer.from('old orphan'), 'image/jpeg');
    const old = new Date(Date.now() - 48 * 3600_000);
    await utimes(path.join(filesRoot(), 'renders/zz/forgotten/full.jpg'), old, old);
    await t.rt.storage.put('renders/zz/just-written/full.jpg', Buffer.from('new orphan'), 'image/jpeg');
  });
  afterAll(async () => {
    await t?.close();
    await pg?.stop();
  });

  it('a dry run lists what would go and removes nothing', async () => {
    const before = await keys();
    const { code, output } = await run(['retention', '--dry-run']);
    expect(code, output).toBe(0);
    expect(output).toContain('Retention dry run: nothing was removed.');
    expect(output).toMatch(/expired_looks\s+would remove 1 /);
    expect(output).toMatch(/failed_renders\s+would remove 1 /);
    expect(output).toMatch(/orphan_renders\s+would remove 1 /);
    // The render of the expired look is free once the look goes.
    expect(output).toMatch(/unused_renders\s+would remove 2 /);
    expect(output).toMatch(/studio_photos\s+would remove 0 /);
    expect(output).toMatch(/swatch_uploads\s+would remove 1 /);
    expect(output).toContain(ids.oldUpload);
    expect(output).toContain('renders/zz/forgotten/full.jpg');
    expect(output).not.toContain('renders/zz/just-written/full.jpg');
    for (const id of [ids.unused, ids.inExpiredLook, ids.failed, ids.orphan]) expect(await exists('renders', id!)).toBe(true);
    expect(await exists('looks', ids.expiredLook!)).toBe(true);
    expect(await keys()).toEqual(before);
  });

  it('removes expired rows and the files nobody refers to, logs each removal, and keeps the rest', async () => {
    const doomedFiles = [...(await imageKeys(ids.unused!)), ...(await imageKeys(ids.inExpiredLook!))];
    const keptFiles = [...(await imageKeys(ids.fresh!)), ...(await imageKeys(ids.inLiveLook!)), ...(await imageKeys(ids.renderOfUpload!))];
    const oldUploadKey = (await t.rt.db.selectFrom('swatch_uploads').select('storage_key').where('id', '=', ids.oldUpload!).executeTakeFirstOrThrow())
      .storage_key;
    const { code, output } = await run(['retention']);
    expect(code).toBe(0);
    for (const id of [ids.unused, ids.inExpiredLook, ids.failed, ids.orphan]) {
      expect(output).toMatch(new RegExp(`"id":"${id}".*"msg":"removed"`));
      expect(await exists('renders', id!)).toBe(false);
    }
    expect(await exists('looks', ids.expiredLook!)).toBe(false);
    expect(await exists('swatch_uploads', ids.oldUpload!)).toBe(false);
    for (const id of [ids.fresh, ids.inLiveLook, ids.renderOfUpload]) expect(await exists('renders', id!)).toBe(true);
    expect(await exists('looks', ids.liveLook!)).toBe(true);
    expect(await exists('swatch_uploads', ids.usedUpload!)).toBe(true);
    expect(await exists('swatch_uploads', ids.newUpload!)).toBe(true);

    const now = await keys();
    for (const key of [...doomedFiles, oldUploadKey, 'renders/zz/forgotten/full.jpg']) expect(now.has(key), key).toBe(false);
    for (const key of [...keptFiles, 'renders/zz/just-written/full.jpg']) expect(now.has(key), key).toBe(true);
    // The catalogue's demo swatches and the kept renders still load.
    expect((await fetch(`${t.url}/api/renders/${ids.inLiveLook}`)).status).toBe(200);

    const again = await run(['retention']);
    expect(again.output).toMatch(/failed_renders\s+removed 0 /);
    expect(again.output).toMatch(/files\s+removed 0 /);
  });

  it('keeps renders within RETENTION_RENDERS_MAX_BYTES: the least recently used go first, never a look’s', async () => {
    const db = t.rt.db;
    // Three more finished renders, last ordered three, two and one day ago; the live look's renders are older still.
    const aged: string[] = [];
    for (const [days, color] of [
      [3, 'grey'],
      [2, 'brown'],
      [1, 'olive'],
    ] as const) {
      const id = await render({ family: 'herringbone', color });
      await sql`UPDATE renders SET created_at = now() - make_interval(days => ${days}) WHERE id = ${id}`.execute(db);
      await sql`UPDATE render_batches SET created_at = now() - make_interval(days => ${days}) WHERE id IN (SELECT batch_id FROM render_batch_items WHERE render_id = ${id})`.execute(
        db,
      );
      aged.push(id);
    }
    const [oldest, older, recent] = aged as [string, string, string];
    const sizes = new Map((await listStoredObjects(t.config.storage)).map((o) => [o.key, o.size]));
    const bytesOf = async (id: string) => (await imageKeys(id)).reduce((n, k) => n + (sizes.get(k) ?? 0), 0);
    const { rows } = await sql<{ id: string }>`SELECT id FROM renders`.execute(db);
    let total = 0;
    for (const r of rows) total += await bytesOf(r.id);
    expect(await bytesOf(oldest)).toBeGreaterThan(0);
    // Removing the oldest alone leaves one byte too many: the next oldest goes too, and nothing else.
    const budget = total - (await bytesOf(oldest)) - 1;
    const doomedFiles = [...(await imageKeys(oldest)), ...(await imageKeys(older))];
    const keptFiles = [
      ...(await imageKeys(recent)),
      ...(await imageKeys(ids.fresh!)),
      ...(await imageKeys(ids.inLiveLook!)),
      ...(await imageKeys(ids.renderOfUpload!)),
    ];

    const dry = await run(['retention', '--dry-run'], { RETENTION_RENDERS_MAX_BYTES: String(budget) });
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toMatch(/renders_budget\s+would remove 2 /);
    expect(await exists('renders', oldest)).toBe(true);

    const { code, output } = await run(['retention'], { RETENTION_RENDERS_MAX_BYTES: String(budget) });
    expect(code, output).toBe(0);
    expect(output).toMatch(/renders_budget\s+removed 2 /);
    for (const id of [oldest, older]) {
      expect(output).toMatch(new RegExp(`"rule":"renders_budget","id":"${id}".*"msg":"removed"`));
      expect(await exists('renders', id)).toBe(false);
    }
    // The live look's renders are the oldest of all, and stay; so do the recent ones.
    for (const id of [recent, ids.fresh!, ids.inLiveLook!, ids.renderOfUpload!]) expect(await exists('renders', id)).toBe(true);
    const now = await keys();
    for (const key of doomedFiles) expect(now.has(key), key).toBe(false);
    for (const key of keptFiles) expect(now.has(key), key).toBe(true);

    // Within budget now: nothing more goes. A budget only the look's renders could meet removes every
    // other finished render and keeps the look whole.
    expect((await run(['retention'], { RETENTION_RENDERS_MAX_BYTES: String(budget) })).output).toMatch(/renders_budget\s+removed 0 /);
    const tight = await run(['retention'], { RETENTION_RENDERS_MAX_BYTES: '1' });
    expect(tight.output).toMatch(/renders_budget\s+removed 2 /);
    for (const id of [recent, ids.fresh!]) expect(await exists('renders', id)).toBe(false);
    for (const id of [ids.inLiveLook!, ids.renderOfUpload!]) expect(await exists('renders', id)).toBe(true);
    expect((await fetch(`${t.url}/api/renders/${ids.inLiveLook}`)).status).toBe(200);
  });

  it('removes studio photos past STUDIO_RETENTION_DAYS with their files', async () => {
    // The whole studio path (masks, renders) is in test/studio; here the rule as the CLI runs it.
    const owner = await associateSession(t);
    const { rows } = await sql<{ id: string }>`
      INSERT INTO studio_photos (owner_id, storage_key, suggested_mask_key, width, height, sha256, url_token, created_at)
      VALUES (${owner.id}, 'studio/tmp-old/photo.jpg', 'studio/tmp-old/suggested-mask.png', 10, 10, 'x', ${'o'.repeat(43)}, now() - interval '31 days'),
             (${owner.id}, 'studio/tmp-new/photo.jpg', 'studio/tmp-new/suggested-mask.png', 10, 10, 'y', ${'n'.repeat(43)}, now())
      RETURNING id::text`.execute(t.rt.db);
    for (const k of ['studio/tmp-old/photo.jpg', 'studio/tmp-old/suggested-mask.png', 'studio/tmp-new/photo.jpg', 'studio/tmp-new/suggested-mask.png']) {
      await t.rt.storage.put(k, Buffer.from(`client photo ${k}`), 'image/jpeg');
    }
    const { code, output } = await run(['retention']);
    expect(code).toBe(0);
    expect(output).toMatch(/studio_photos\s+removed 1 /);
    expect(output).toContain(rows[0]!.id);
    const now = await keys();
    expect(now.has('studio/tmp-old/photo.jpg')).toBe(false);
    expect(now.has('studio/tmp-old/suggested-mask.png')).toBe(false);
    expect(now.has('studio/tmp-new/photo.jpg')).toBe(true);
    expect(now.has('studio/tmp-new/suggested-mask.png')).toBe(true);
    expect(await exists('studio_photos', rows[0]!.id)).toBe(false);
    expect(await exists('studio_photos', rows[1]!.id)).toBe(true);
  });

  it('is on the workers’ schedule', async () => {
    const { rows } = await sql<{ identifier: string }>`SELECT identifier FROM graphile_worker._private_known_crontabs`.execute(t.rt.db);
    expect(rows.map((r) => r.identifier)).toContain('atelier-retention');
  });
});
