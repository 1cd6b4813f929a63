import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, NewRender, RenderRow, RenderStatus, StoredImage } from '../db/schema.ts';
import { addJob } from '../jobs/repository.ts';
import { GPU_RENDER_TASK, RENDER_TASK, type RenderJobPayload } from '../jobs/tasks.ts';

export const LIVE_STATUSES: RenderStatus[] = ['queued', 'running', 'succeeded'];
export const TERMINAL_STATUSES: RenderStatus[] = ['succeeded', 'failed', 'canceled'];

/** A render with the slugs people and clients know it by. */
export interface RenderView extends RenderRow {
  family_slug: string;
  color_slug: string | null;
  /** The colour's catalogue-wide id in the replaced API. */
  color_legacy_id: string | null;
  /** The photographed cloth's stored photo, for a render of one. */
  swatch_upload_key: string | null;
  color_hex: string | null;
  /** 'studio' for a studio render (it has no cut). */
  cut_slug: string;
  cut_legacy_id: string | null;
  /** A studio render's photo's URL token: its images are reached only through it. */
  studio_url_token: string | null;
  studio_owner_id: string | null;
}

/** Inserts the render unless a live one with the same cache key exists; returns null then. */
export async function insertRenderUnlessLive(trx: Transaction<Database>, render: NewRender): Promise<RenderRow | null> {
  const row = await trx
    .insertInto('renders')
    .values(render)
    .onConflict((oc) => oc.column('cache_key').where('status', 'in', LIVE_STATUSES).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export function findLiveRenderByCacheKey(trx: Transaction<Database> | Db, cacheKey: string): Promise<RenderRow | undefined> {
  return trx.selectFrom('renders').selectAll().where('cache_key', '=', cacheKey).where('status', 'in', LIVE_STATUSES).executeTakeFirst();
}

/**
 * Queues the render's job in the same transaction that wrote the row: no row without a job. A GPU
 * engine's render goes under its own task, which only workers listing that engine (ENGINES) run: a
 * CPU-only worker never fetches it, and it waits while no GPU worker runs.
 */
export async function enqueueRenderJob(trx: Transaction<Database>, payload: RenderJobPayload, maxAttempts: number, engine = 'compose'): Promise<void> {
  await addJob(trx, engine === 'comfyui' ? GPU_RENDER_TASK : RENDER_TASK, payload, { maxAttempts });
}

function renderViewQuery(db: Db) {
  return db
    .selectFrom('renders as r')
    .innerJoin('fabric_families as f', 'f.id', 'r.family_id')
    .leftJoin('cuts as c', 'c.id', 'r.cut_id')
    .leftJoin('fabric_colors as k', 'k.id', 'r.color_id')
    .leftJoin('swatch_uploads as u', 'u.id', 'r.swatch_upload_id')
    .leftJoin('studio_photos as sp', 'sp.id', 'r.studio_photo_id')
    .selectAll('r')
    .select((eb) => [
      'f.slug as family_slug',
      'k.slug as color_slug',
      'k.legacy_id as color_legacy_id',
      'u.storage_key as swatch_upload_key',
      'k.hex as color_hex',
      eb.fn.coalesce('c.slug', sql<string>`'studio'`).as('cut_slug'),
      'c.legacy_id as cut_legacy_id',
      'sp.url_token as studio_url_token',
      'sp.owner_id as studio_owner_id',
    ]);
}

export function findRenderView(db: Db, id: string): Promise<RenderView | undefined> {
  return renderViewQuery(db).where('r.id', '=', id).executeTakeFirst();
}

/** The finished renders with these cache keys (the live-preview cache's one read). */
export async function findSucceededRenderViews(db: Db, cacheKeys: string[]): Promise<RenderView[]> {
  if (cacheKeys.length === 0) return [];
  return renderViewQuery(db).where('r.cache_key', 'in', cacheKeys).where('r.status', '=', 'succeeded').execute();
}

export async function listRenderViews(db: Db, ids: string[]): Promise<RenderView[]> {
  if (ids.length === 0) return [];
  return renderViewQuery(db).where('r.id', 'in', ids).execute();
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while renders arrive. */
/** Whose renders a History shows: everyone's (admins), or a person's own and their store's. */
export type HistoryScope = { everyone: true } | { userId: string; store: string | null };

export function listRenderHistory(db: Db, options: { limit: number; before?: { createdAt: Date; id: string }; scope: HistoryScope }) {
  // Studio renders (a client's own photo) are private: never in any History.
  let q = renderViewQuery(db).where('r.studio_photo_id', 'is', null);
  const scope = options.scope;
  if (!('everyone' in scope)) {
    // A render is shared by identical requests: it is someone's when one of their requests asked for it.
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('render_batch_items as bi')
          .innerJoin('render_batches as b', 'b.id', 'bi.batch_id')
          .select(sql`1`.as('one'))
          .whereRef('bi.render_id', '=', 'r.id')
          .where((w) => (scope.store ? w.or([w('b.user_id', '=', scope.userId), w('b.store', '=', scope.store)]) : w('b.user_id', '=', scope.userId))),
      ),
    );
  }
  if (options.before) {
    const { createdAt, id } = options.before;
    q = q.where((eb) => eb.or([eb('r.created_at', '<', createdAt), eb.and([eb('r.created_at', '=', createdAt), eb('r.id', '<', id)])]));
  }
  return q.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(options.limit).execute();
}

export interface NewBatch {
  /** Chosen by the caller when the batch is answered before it is written. */
  id?: string;
  source: 'api' | 'legacy';
  requestId: string;
  params: Record<string, unknown>;
  orderedBy?: { userId: string; store: string | null };
}

export async function createBatch(trx: Transaction<Database>, batch: NewBatch): Promise<string> {
  const row = await trx
    .insertInto('render_batches')
    .values({
      ...(batch.id ? { id: batch.id } : {}),
      source: batch.source,
      request_id: batch.requestId,
      params: JSON.stringify(batch.params),
      user_id: batch.orderedBy?.userId ?? null,
      store: batch.orderedBy?.store ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addBatchItem(trx: Transaction<Database>, batchId: string, renderId: string, position: number): Promise<void> {
  await trx
    .insertInto('render_batch_items')
    .values({ batch_id: batchId, render_id: renderId, position })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** A batch of renders that exist already, with its items, in one transaction. */
export async function recordBatch(db: Db, batch: NewBatch, renderIds: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const batchId = await createBatch(trx, batch);
    for (const [position, renderId] of renderIds.entries()) await addBatchItem(trx, batchId, renderId, position);
  });
}

/** Several such batches in one transaction (cached previews filed together). */
export async function recordBatches(db: Db, filings: Array<{ batch: NewBatch & { id: string }; renderIds: string[] }>): Promise<void> {
  if (filings.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('render_batches')
      .values(
        filings.map(({ batch }) => ({
          id: batch.id,
          source: batch.source,
          request_id: batch.requestId,
          params: JSON.stringify(batch.params),
          user_id: batch.orderedBy?.userId ?? null,
          store: batch.orderedBy?.store ?? null,
        })),
      )
      .execute();
    const items = filings.flatMap(({ batch, renderIds }) => renderIds.map((renderId, position) => ({ batch_id: batch.id, render_id: renderId, position })));
    if (items.length)
      await trx
        .insertInto('render_batch_items')
        .values(items)
        .onConflict((oc) => oc.doNothing())
        .execute();
  });
}

export async function findBatch(db: Db, id: string) {
  const batch = await db.selectFrom('render_batches').selectAll().where('id', '=', id).executeTakeFirst();
  if (!batch) return undefined;
  const items = await db.selectFrom('render_batch_items').select(['render_id', 'position']).where('batch_id', '=', id).orderBy('position').execute();
  return { batch, renderIds: items.map((i) => i.render_id) };
}

/** A render drawn before its row was written: the row is written finished, in the order's one statement. */
export interface FinishedRender {
  id: string;
  cache_key: string;
  engine: string;
  engine_version: string;
  family_id: string;
  color_id: string | null;
  swatch_upload_id: string | null;
  cut_id: string;
  view: string;
  /** JSON. */
  params: string;
  /** JSON: the stored images. */
  images: string;
  request_id: string;
  ordered_by: string | null;
  worker_id: string;
  /** When it was ordered, when its drawing started, when it was stored. */
  created_at: Date;
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
}

/**
 * A live preview's whole write, in ONE statement (its own transaction, one round trip): the renders
 * drawn for it inserted finished unless a live render with the same cache key exists (which the order
 * joins instead), and its batch with one item per cache key, in the order's positions. The batch is
 * written only when every cache key has its render; `batchId` is null otherwise (a render with the same
 * key was being written by another transaction at that very moment: the caller looks again). Returns
 * the renders written here and the live ones found, by cache key.
 */
export async function insertFinishedRenders(
  db: Db,
  batch: NewBatch & { id: string },
  renders: FinishedRender[],
  /** Every cache key of the order, by position (those not in `renders` must name a live render). */
  cacheKeys: string[],
): Promise<{ batchId: string | null; inserted: RenderRow[]; live: RenderRow[] }> {
  const live = sql.join(LIVE_STATUSES.map((s) => sql.lit(s)));
  const inserting = renders.length
    ? sql`INSERT INTO renders (id, cache_key, status, progress, engine, engine_version, family_id, color_id, swatch_upload_id, cut_id, view,
                               params, attempts, images, request_id, ordered_by, worker_id, created_at, started_at, finished_at, duration_ms)
          VALUES ${sql.join(
            renders.map(
              (r) => sql`(${r.id}::uuid, ${r.cache_key}, 'succeeded', 1, ${r.engine}, ${r.engine_version},
                          ${r.family_id}::uuid, ${r.color_id}::uuid, ${r.swatch_upload_id}::uuid, ${r.cut_id}::uuid, ${r.view},
                          ${r.params}::jsonb, 1, ${r.images}::jsonb, ${r.request_id}, ${r.ordered_by},
                          ${r.worker_id}, ${r.created_at}::timestamptz, ${r.started_at}::timestamptz, ${r.finished_at}::timestamptz, ${r.duration_ms}::int)`,
            ),
          )}
          ON CONFLICT (cache_key) WHERE status IN (${live}) DO NOTHING
          RETURNING *`
    : sql`SELECT * FROM renders WHERE false`;
  const { rows } = await sql<RenderRow & { inserted: boolean; batch_id: string | null }>`
    WITH ins AS (${inserting}),
    found AS (
      SELECT p.position - 1 AS position, coalesce(i.id, l.id) AS render_id
        FROM unnest(${cacheKeys}::text[]) WITH ORDINALITY AS p(cache_key, position)
        -- This statement's commit does not wait for its WAL to reach disk (other sessions see it at once
        -- all the same). A live preview is a cache entry: a crash in the next fraction of a second loses
        -- the row, never its consistency, and the preview is drawn again when next asked for; the tap
        -- saves the flush (most of this write's time on an ordinary disk).
        CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS no_flush
        LEFT JOIN ins i ON i.cache_key = p.cache_key
        LEFT JOIN renders l ON l.cache_key = p.cache_key AND l.status IN (${live})
    ),
    batch AS (
      INSERT INTO render_batches (id, source, request_id, params, user_id, store)
      SELECT ${batch.id}::uuid, ${batch.source}, ${batch.requestId}, ${JSON.stringify(batch.params)}::jsonb, ${batch.orderedBy?.userId ?? null}::uuid,
             ${batch.orderedBy?.store ?? null}
       WHERE NOT EXISTS (SELECT 1 FROM found WHERE render_id IS NULL)
      RETURNING id
    ),
    items AS (
      INSERT INTO render_batch_items (batch_id, render_id, position)
      SELECT b.id, f.render_id, f.position FROM batch b CROSS JOIN found f
      ON CONFLICT DO NOTHING
    )
    SELECT i.*, true AS inserted, (SELECT id FROM batch) AS batch_id FROM ins i
    UNION ALL
    SELECT l.*, false AS inserted, (SELECT id FROM batch) AS batch_id FROM renders l
     WHERE l.cache_key = ANY(${cacheKeys}::text[]) AND l.status IN (${live})
`.execute(db);
  const strip = ({ inserted: _i, batch_id: _b, ...row }: RenderRow & { inserted: boolean; batch_id: string | null }) => row as RenderRow;
  return {
    batchId: rows[0]?.batch_id ?? null,
    inserted: rows.filter((r) => r.inserted).map(strip),
    live: rows.filter((r) => !r.inserted).map(strip),
  };
}

/** Worker side: claim a render for an attempt. Returns undefined when it was canceled meanwhile. */
export function markRunning(db: Db, id: string, workerId: string) {
  return db
    .updateTable('renders')
    .set((eb) => ({
      status: 'running',
      progress: 0,
      attempts: eb('attempts', '+', 1),
      started_at: new Date(),
      worker_id: workerId,
      error: null,
    }))
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .returningAll()
    .executeTakeFirst();
}

/**
 * Writes by a worker are fenced by its attempt (the `attempts` value its markRunning returned): a
 * worker wrongly taken for dead whose render was re-run by another can no longer touch the render.
 */
export async function setProgress(db: Db, id: string, attempt: number, progress: number): Promise<void> {
  await db.updateTable('renders').set({ progress }).where('id', '=', id).where('status', '=', 'running').where('attempts', '=', attempt).execute();
}

export function markSucceeded(db: Db, id: string, attempt: number, images: StoredImage[], durationMs: number, details?: Record<string, unknown>) {
  return db
    .updateTable('renders')
    .set({
      status: 'succeeded',
      progress: 1,
      images: JSON.stringify(images),
      finished_at: new Date(),
      duration_ms: durationMs,
      error: null,
      details: details ? JSON.stringify(details) : null,
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('attempts', '=', attempt)
    .returningAll()
    .executeTakeFirst();
}

/**
 * A failed attempt: back to 'queued' when graphile-worker will retry, 'failed' after the last one.
 * Returns false when the attempt is no longer the render's current one (nothing was changed).
 */
export async function markAttemptFailed(db: Db, id: string, attempt: number, error: string, final: boolean): Promise<boolean> {
  const row = await db
    .updateTable('renders')
    .set({ status: final ? 'failed' : 'queued', error, finished_at: final ? new Date() : null, progress: 0 })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .where('attempts', '=', attempt)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/**
 * Renders that nothing will ever finish: queued or running, older than `graceMs`, and with no job
 * that can still run them (none at all — a live preview whose replica died — or one whose attempts
 * are spent and that no live worker holds: JOB_MAX_ATTEMPTS reached, or a worker lost on the last
 * attempt). Failing them with a reason lets an identical request render afresh instead of joining
 * a render that stays 'running' forever. graphile-worker's public view has no payload, hence its table.
 */
export async function failStrandedRenders(db: Db, graceMs: number, error: string): Promise<string[]> {
  // A render without any job is a live preview rendering on an API replica: give it far longer.
  const orphanGraceMs = Math.max(graceMs, 120_000);
  const { rows } = await sql<{ id: string }>`
    UPDATE renders r
       SET status = 'failed', error = ${error}, finished_at = now(), progress = 0
      FROM (
        SELECT r2.id, EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.payload->>'renderId' = r2.id::text) AS has_job
          FROM renders r2
         WHERE r2.status IN ('queued', 'running')
           AND coalesce(r2.started_at, r2.created_at) < now() - make_interval(secs => ${graceMs / 1000})
           AND NOT EXISTS (
             SELECT 1 FROM graphile_worker._private_jobs j
              WHERE j.payload->>'renderId' = r2.id::text
                AND (j.attempts < j.max_attempts OR j.locked_at IS NOT NULL))
      ) s
     WHERE r.id = s.id
       AND r.status IN ('queued', 'running')
       AND (s.has_job OR coalesce(r.started_at, r.created_at) < now() - make_interval(secs => ${orphanGraceMs / 1000}))
    RETURNING r.id`.execute(db);
  return rows.map((r) => r.id);
}

/** Renders waiting or running: ordered by one client, and in all (the queue caps). */
export async function countWaitingRenders(trx: Transaction<Database> | Db, client: string): Promise<{ byClient: number; total: number }> {
  const row = await trx
    .selectFrom('renders')
    .select([sql<number>`count(*) FILTER (WHERE ordered_by = ${client})::int`.as('byClient'), sql<number>`count(*)::int`.as('total')])
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirstOrThrow();
  return row;
}

/** Serialises one client's orders for the length of a transaction, so parallel orders cannot overshoot its cap. */
export async function lockClientOrders(trx: Transaction<Database>, client: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`atelier:render-orders:${client}`}))`.execute(trx);
}
