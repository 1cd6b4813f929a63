import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrate } from '../../src/db/database.ts';
import { startTestDatabase } from '../helpers/harness.ts';

/**
 * Migration 0006 gives every colour a catalogue-wide id for the replaced API, on a database that
 * already holds colours (written before it existed), and keeps giving one to every new colour.
 */
const MIGRATIONS = path.resolve(import.meta.dirname, '../../src/db/migrations');
const MIGRATION = '0006_color_legacy_ids';
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let pool: pg.Pool;

async function family(slug: string, legacy: object | null, sort: number): Promise<string> {
  const { rows } = await pool.query(
    `INSERT INTO fabric_families (slug, name, design, legacy, sort) VALUES ($1, $1, '{"weave":"twill","pattern":"solid","threadMm":0.25}', $2, $3) RETURNING id`,
    [slug, legacy && JSON.stringify(legacy), sort],
  );
  return rows[0].id;
}
async function color(familyId: string, slug: string, sort = 0, legacyId?: string): Promise<string> {
  const { rows } = await pool.query(
    `INSERT INTO fabric_colors (family_id, slug, name, hex, sort${legacyId ? ', legacy_id' : ''}) VALUES ($1, $2, $2, '#123456', $3${legacyId ? ', $4' : ''}) RETURNING *`,
    legacyId ? [familyId, slug, sort, legacyId] : [familyId, slug, sort],
  );
  return rows[0]?.legacy_id;
}
async function idsOf(familyId: string) {
  const { rows } = await pool.query('SELECT slug, legacy_id FROM fabric_colors WHERE family_id = $1 ORDER BY sort, slug', [familyId]);
  return Object.fromEntries(rows.map((r) => [r.slug, r.legacy_id]));
}

beforeAll(async () => {
  db = await startTestDatabase();
  // The app's pool: an idle client the stopping server drops at teardown is not an uncaught error
  // (a bare pg.Pool threw "terminating connection due to administrator command" after the tests).
  pool = createPool(db.url, { max: 2, acquireTimeoutMs: 10_000, statementTimeoutMs: 0 });
  // A database as Atelier left it before colours had catalogue-wide ids.
  await pool.query('CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  for (const file of (await readdir(MIGRATIONS)).filter((f) => /^\d{4}_.+\.sql$/.test(f) && f < MIGRATION).sort()) {
    await pool.query(await readFile(path.join(MIGRATIONS, file), 'utf8'));
    await pool.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file.replace(/\.sql$/, '')]);
  }
});
afterAll(async () => {
  await pool?.end();
  await db?.stop();
});

describe('colour ids for the replaced API', () => {
  it('migrates existing colours: fabrics.json ids kept, others prefixed with their family, all unique', async () => {
    const pinstripe = await family('city-pinstripe', null, 1);
    await color(pinstripe, 'navy', 0);
    await color(pinstripe, 'charcoal', 1);
    const twill = await family('twill', null, 2);
    await color(twill, 'navy', 0);
    // Imported from the replaced system's fabrics.json (family.legacy set): their own ids.
    const cachemir = await family('lana-cachemir', { lora_id: 'lora_wool_cachemere_v1' }, 3);
    await color(cachemir, 'lc-navy-001', 0);
    await color(cachemir, 'shared-001', 1);
    // A second imported family reusing an id: the first in catalogue order keeps it.
    const normal = await family('lana-normal', { lora_id: 'lora_wool_normal_v1' }, 4);
    await color(normal, 'shared-001', 0);
    // 'a-b' + 'c' and 'a' + 'b-c' both prefix to 'a-b-c'.
    const ab = await family('a-b', null, 5);
    await color(ab, 'c');
    const a = await family('a', null, 6);
    await color(a, 'b-c');

    expect(await migrate(pool)).toContain(MIGRATION);

    expect(await idsOf(pinstripe)).toEqual({ navy: 'city-pinstripe-navy', charcoal: 'city-pinstripe-charcoal' });
    expect(await idsOf(twill)).toEqual({ navy: 'twill-navy' });
    expect(await idsOf(cachemir)).toEqual({ 'lc-navy-001': 'lc-navy-001', 'shared-001': 'shared-001' });
    expect(await idsOf(normal)).toEqual({ 'shared-001': 'lana-normal-shared-001' });
    const collided = [...Object.values(await idsOf(ab)), ...Object.values(await idsOf(a))].sort();
    expect(collided).toEqual(['a-b-c', 'a-b-c-2']);
    const { rows } = await pool.query('SELECT count(*)::int AS n, count(DISTINCT legacy_id)::int AS d, count(legacy_id)::int AS set FROM fabric_colors');
    expect(rows[0].n).toBe(rows[0].d);
    expect(rows[0].set).toBe(rows[0].n);
  });

  it('gives every new colour one, whoever inserts it, and never hands one out twice', async () => {
    const { rows } = await pool.query(`SELECT id FROM fabric_families WHERE slug = 'twill'`);
    const twill = rows[0].id;
    expect(await color(twill, 'olive', 3)).toBe('twill-olive');
    // A wanted id is kept when free (an import of fabrics.json) ...
    expect(await color(twill, 'stone', 4, 'tw-stone-009')).toBe('tw-stone-009');
    // ... and replaced by the family-prefixed one when another colour has it.
    expect(await color(twill, 'sand', 5, 'lc-navy-001')).toBe('twill-sand');
    // Renaming a family later does not change its colours' ids: links stay valid.
    await pool.query(`UPDATE fabric_families SET slug = 'super-twill' WHERE id = $1`, [twill]);
    expect((await idsOf(twill)).olive).toBe('twill-olive');
    await expect(pool.query(`UPDATE fabric_colors SET legacy_id = 'lc-navy-001' WHERE legacy_id = 'twill-olive'`)).rejects.toThrow(
      /fabric_colors_legacy_id_key/,
    );
  });
});
