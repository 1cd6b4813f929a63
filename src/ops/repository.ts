import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Db } from '../db/database.ts';

/**
 * SQL of the operations commands: backup and restore (a logical export of every table, on one
 * client inside one snapshot or transaction), and retention (what expires). The commands themselves
 * (backup.ts, retention.ts) decide what to do with the rows; nothing else in them speaks SQL.
 */

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** A connection (a pooled client inside a transaction) or the pool itself. */
type Queryable = Pick<pg.PoolClient, 'query'>;

/* Backup and restore: plain pg clients, because COPY streams need one. */

/** The archive's rows are all read from one snapshot: rows that refer to each other are exported together. */
export async function beginSnapshot(client: Queryable): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

export async function begin(client: Queryable): Promise<void> {
  await client.query('BEGIN');
}

export async function commit(client: Queryable): Promise<void> {
  await client.query('COMMIT');
}

export async function rollback(client: Queryable): Promise<void> {
  await client.query('ROLLBACK');
}

export async function serverVersion(client: Queryable): Promise<string> {
  return (await client.query<{ v: string }>('SHOW server_version')).rows[0]!.v;
}

/** Migrations applied to this database, in order (throws on a database that was never migrated). */
export async function appliedMigrations(client: Queryable): Promise<string[]> {
  return (await client.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
}

/** The public schema's tables, by name. */
export async function listTables(client: Queryable): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
  );
  return rows.map((r) => r.name);
}

/** A table's stored columns (not generated ones), in their order. */
export async function listColumns(client: Queryable, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [`public.${quoteIdent(table)}`],
  );
  return rows.map((r) => r.name);
}

/** A stable order for the export (the primary key, else every column), so the same rows always give the same checksum. */
async function exportOrder(client: Queryable, table: string, columns: string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    [`public.${quoteIdent(table)}`],
  );
  return rows.length ? rows.map((r) => r.name) : columns;
}

/** A table's rows as COPY text, in a stable order. */
export async function copyTableOut(client: pg.PoolClient, table: string, columns: string[]): Promise<NodeJS.ReadableStream> {
  const order = await exportOrder(client, table, columns);
  return client.query(
    copyTo(`COPY (SELECT ${columns.map(quoteIdent).join(', ')} FROM public.${quoteIdent(table)} ORDER BY ${order.map(quoteIdent).join(', ')}) TO STDOUT`),
  );
}

/** Where COPY text for these columns of a table is written. */
export function copyTableIn(client: pg.PoolClient, table: string, columns: string[]): NodeJS.WritableStream {
  return client.query(copyFrom(`COPY public.${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`));
}

export async function countRows(client: Queryable, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM public.${quoteIdent(table)}`);
  return Number(rows[0]!.n);
}

export async function tableExists(client: Queryable, table: string): Promise<boolean> {
  const { rows } = await client.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [`public.${quoteIdent(table)}`]);
  return rows[0]?.r != null;
}

/** Foreign keys between public tables (child refers to parent), as qualified names. */
export async function listForeignKeys(client: Queryable): Promise<Array<{ child: string; parent: string }>> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  return rows;
}

/** Identity and serial columns continue after the rows present. */
export async function resetSequences(client: Queryable): Promise<void> {
  await client.query(`
    DO $$ DECLARE r record; BEGIN
      FOR r IN SELECT a.attrelid::regclass::text AS tbl, a.attname AS col, pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) AS seq
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
                 AND pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) IS NOT NULL LOOP
        EXECUTE format('SELECT setval(%L, COALESCE((SELECT max(%I) FROM %s), 1), (SELECT max(%I) IS NOT NULL FROM %s))', r.seq, r.col, r.tbl, r.col, r.tbl);
      END LOOP;
    END $$`);
}

/**
 * Renders that were waiting or running when the backup was taken go back to the queue with a new job
 * each (queue jobs are not in an archive). Returns how many.
 */
export async function requeueInterruptedRenders(client: Queryable, maxAttempts: number): Promise<number> {
  const waiting = await client.query<{ id: string; request_id: string | null }>(
    `UPDATE renders SET status = 'queued', progress = 0, worker_id = NULL, started_at = NULL
     WHERE status IN ('queued', 'running') RETURNING id, request_id`,
  );
  for (const r of waiting.rows) {
    await client.query(`SELECT graphile_worker.add_job('render', $1::json, max_attempts => $2::int)`, [
      JSON.stringify({ renderId: r.id, requestId: r.request_id ?? 'restore' }),
      maxAttempts,
    ]);
  }
  return waiting.rowCount ?? 0;
}

/* Retention (retention.ts): each rule finds ids, then removes them. `excluded` = rows this run already removes. */

export async function relationExists(db: Db, name: string): Promise<boolean> {
  const { rows } = await sql<{ r: string | null }>`SELECT to_regclass(${`public.${name}`})::text AS r`.execute(db);
  return rows[0]?.r != null;
}

/** Whether the studio's table exists with the columns retention relies on (an older schema has none). */
export async function studioTableUsable(db: Db): Promise<boolean> {
  if (!(await relationExists(db, 'studio_photos'))) return false;
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name = 'studio_photos' AND column_name IN ('id', 'storage_key', 'created_at')`.execute(db);
  return Number(rows[0]!.n) === 3;
}

export interface RetentionExclusions {
  renders: string[];
  uploads: string[];
  studio: string[];
}

/** Storage keys rows still refer to, ignoring the excluded rows; and the swatch uploads' hashes (their tiles are named after them). */
export async function listReferencedKeys(db: Db, excluded: RetentionExclusions): Promise<{ keys: string[]; swatchHashes: string[] }> {
  const keys: string[] = [];
  const { rows: renderKeys } = await sql<{ key: string | null }>`
    SELECT img->>'key' AS key FROM renders r, jsonb_array_elements(r.images) img WHERE NOT (r.id = ANY(${excluded.renders}::uuid[]))
    UNION SELECT r.params #>> '{fabric,swatch,key}' FROM renders r WHERE NOT (r.id = ANY(${excluded.renders}::uuid[]))
    UNION SELECT r.params #>> '{fabric,tile,key}' FROM renders r WHERE NOT (r.id = ANY(${excluded.renders}::uuid[]))
    UNION SELECT swatch_key FROM fabric_colors
    UNION SELECT base_key FROM cut_views UNION SELECT mask_key FROM cut_views
    UNION SELECT storage_key FROM swatch_uploads WHERE NOT (id = ANY(${excluded.uploads}::uuid[]))`.execute(db);
  for (const r of renderKeys) if (r.key) keys.push(r.key);
  if (await studioTableUsable(db)) {
    const { rows } = await sql<{ key: string | null }>`
      SELECT storage_key AS key FROM studio_photos WHERE NOT (id = ANY(${excluded.studio}::uuid[]))
      UNION SELECT suggested_mask_key FROM studio_photos WHERE NOT (id = ANY(${excluded.studio}::uuid[]))
      UNION SELECT r.params #>> '{studio,maskKey}' FROM renders r
             WHERE r.studio_photo_id IS NOT NULL AND NOT (r.studio_photo_id = ANY(${excluded.studio}::uuid[]))`.execute(db);
    for (const r of rows) if (r.key) keys.push(r.key);
  }
  const { rows: shas } = await sql<{ sha256: string }>`
    SELECT DISTINCT sha256 FROM swatch_uploads WHERE NOT (id = ANY(${excluded.uploads}::uuid[]))`.execute(db);
  return { keys, swatchHashes: shas.map((s) => s.sha256) };
}

/** Looks whose link expired more than `days` ago, oldest first. */
export async function findExpiredLooks(db: Db, days: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM looks WHERE expires_at < now() - make_interval(days => ${days}) ORDER BY expires_at`.execute(db);
  return rows.map((x) => x.id);
}

export async function deleteLooks(db: Db, ids: string[]): Promise<void> {
  await sql`DELETE FROM looks WHERE id = ANY(${ids}::uuid[])`.execute(db);
}

export async function deleteRenders(db: Db, ids: string[]): Promise<void> {
  await sql`DELETE FROM renders WHERE id = ANY(${ids}::uuid[])`.execute(db);
}

/** The stored images' keys of these renders. */
export async function listRenderImageKeys(db: Db, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const { rows } = await sql<{ key: string }>`
    SELECT img->>'key' AS key FROM renders r, jsonb_array_elements(r.images) img WHERE r.id = ANY(${ids}::uuid[])`.execute(db);
  return rows.map((x) => x.key);
}

/** Not shown by any look but those in `lookIdsGoing` (looks this run removes). */
function notInKeptLook(lookIdsGoing: string[]) {
  return sql`NOT EXISTS (SELECT 1 FROM look_renders lr WHERE lr.render_id = r.id AND NOT (lr.look_id = ANY(${lookIdsGoing}::uuid[])))`;
}

/** When a render was last asked for: its creation or the newest order that reused it. */
const lastUsed = sql`greatest(r.created_at, (SELECT max(b.created_at) FROM render_batch_items i JOIN render_batches b ON b.id = i.batch_id WHERE i.render_id = r.id))`;

export type RenderRetentionRule = 'failed_renders' | 'orphan_renders' | 'unused_renders';

/**
 * Renders a rule retires, oldest first, out of any kept look and not already excluded:
 * - failed_renders: failed or canceled more than `days` ago;
 * - orphan_renders: waiting or running for more than `days` with no queue job behind them (nothing will finish them);
 * - unused_renders: finished, and nobody asked for them for `days`.
 */
export async function findRetiredRenders(
  db: Db,
  rule: RenderRetentionRule,
  days: number,
  lookIdsGoing: string[],
  excludedRenders: string[],
): Promise<string[]> {
  const condition = {
    failed_renders: sql`r.status IN ('failed', 'canceled') AND coalesce(r.finished_at, r.created_at) < now() - make_interval(days => ${days})`,
    orphan_renders: sql`r.status IN ('queued', 'running') AND r.created_at < now() - make_interval(days => ${days})
          AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
                          WHERE k.identifier = 'render' AND j.payload->>'renderId' = r.id::text)`,
    unused_renders: sql`r.status = 'succeeded' AND ${lastUsed} < now() - make_interval(days => ${days})`,
  }[rule];
  const { rows } = await sql<{ id: string }>`
    SELECT r.id FROM renders r WHERE ${condition} AND ${notInKeptLook(lookIdsGoing)} AND NOT (r.id = ANY(${excludedRenders}::uuid[])) ORDER BY r.created_at`.execute(
    db,
  );
  return rows.map((x) => x.id);
}

/** Every render not excluded, least recently used first, with its images' keys and whether retention may remove it. */
export async function listRendersByLastUse(
  db: Db,
  lookIdsGoing: string[],
  excludedRenders: string[],
): Promise<Array<{ id: string; keys: string[]; removable: boolean }>> {
  const { rows } = await sql<{ id: string; keys: string[]; removable: boolean }>`
    SELECT r.id,
           coalesce((SELECT array_agg(img->>'key') FROM jsonb_array_elements(r.images) img), '{}') AS keys,
           (r.status IN ('succeeded', 'failed', 'canceled') AND ${notInKeptLook(lookIdsGoing)}) AS removable
    FROM renders r
    WHERE NOT (r.id = ANY(${excludedRenders}::uuid[]))
    ORDER BY ${lastUsed}, r.id`.execute(db);
  return rows;
}

/** Photos of cloth older than `days` that no remaining render and no catalogue colour uses, oldest first. */
export async function findUnusedSwatchUploads(db: Db, days: number, excludedRenders: string[]): Promise<Array<{ id: string; key: string }>> {
  const { rows } = await sql<{ id: string; key: string }>`
    SELECT u.id, u.storage_key AS key FROM swatch_uploads u
    WHERE u.created_at < now() - make_interval(days => ${days})
      AND NOT EXISTS (SELECT 1 FROM renders x WHERE x.swatch_upload_id = u.id AND NOT (x.id = ANY(${excludedRenders}::uuid[])))
      AND NOT EXISTS (SELECT 1 FROM fabric_colors c WHERE c.swatch_key LIKE 'swatch-tiles/' || left(u.sha256, 2) || '/' || u.sha256 || '-%')
    ORDER BY u.created_at`.execute(db);
  return rows;
}

export async function deleteSwatchUploads(db: Db, ids: string[]): Promise<void> {
  await sql`DELETE FROM swatch_uploads WHERE id = ANY(${ids}::uuid[])`.execute(db);
}

/* Metrics (metrics.ts): the queue's figures, read on every scrape. */

export interface QueueFigures {
  queued: number;
  running: number;
  retrying: number;
  oldestQueuedSeconds: number;
  workersAlive: number;
}

export async function queueFigures(pool: Queryable, deadAfterMs: number): Promise<QueueFigures> {
  const { rows } = await pool.query<{ queued: string; running: string; retrying: string; oldest: number | null; alive: string }>(
    `SELECT
       count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now() AND attempts = 0) AS queued,
       count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
       count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND attempts > 0) AS retrying,
       extract(epoch FROM now() - min(run_at) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now()))::float8 AS oldest,
       (SELECT count(*) FROM workers WHERE stopped_at IS NULL AND last_heartbeat_at > now() - make_interval(secs => $1)) AS alive
     FROM graphile_worker.jobs`,
    [deadAfterMs / 1000],
  );
  const r = rows[0]!;
  return {
    queued: Number(r.queued),
    running: Number(r.running),
    retrying: Number(r.retrying),
    oldestQueuedSeconds: Math.max(0, r.oldest ?? 0),
    workersAlive: Number(r.alive),
  };
}
