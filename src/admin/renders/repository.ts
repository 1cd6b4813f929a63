import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { RenderStatus, StoredImage } from '../../db/schema.ts';
import type { RenderView } from '../../renders/repository.ts';

/** SQL for the renders monitor: filtered lists, queue figures, live workers, requeue, cancel, purge. */

export interface RenderFilter {
  status?: RenderStatus[];
  engine?: string;
  cut?: string;
  family?: string;
  from?: Date;
  to?: Date;
  before?: { createdAt: Date; id: string };
  limit: number;
}

export function listRenders(db: Db, f: RenderFilter): Promise<RenderView[]> {
  let q = db
    .selectFrom('renders as r')
    .innerJoin('fabric_families as f', 'f.id', 'r.family_id')
    .innerJoin('cuts as c', 'c.id', 'r.cut_id')
    .leftJoin('fabric_colors as k', 'k.id', 'r.color_id')
    .leftJoin('swatch_uploads as u', 'u.id', 'r.swatch_upload_id')
    .selectAll('r')
    .select([
      'f.slug as family_slug',
      'k.slug as color_slug',
      'k.legacy_id as color_legacy_id',
      'u.storage_key as swatch_upload_key',
      'k.hex as color_hex',
      'c.slug as cut_slug',
      'c.legacy_id as cut_legacy_id',
    ])
    .select([sql<string | null>`null`.as('studio_url_token'), sql<string | null>`null`.as('studio_owner_id')])
    // Studio renders show a client's own photo: not in the monitor's lists either (they have no cut).
    .where('r.studio_photo_id', 'is', null);
  if (f.status?.length) q = q.where('r.status', 'in', f.status);
  if (f.engine) q = q.where('r.engine', '=', f.engine);
  if (f.cut) q = q.where((eb) => eb.or([eb('c.slug', '=', f.cut!), eb('c.legacy_id', '=', f.cut!)]));
  if (f.family) q = q.where('f.slug', '=', f.family);
  if (f.from) q = q.where('r.created_at', '>=', f.from);
  if (f.to) q = q.where('r.created_at', '<', f.to);
  if (f.before) {
    const { createdAt, id } = f.before;
    q = q.where((eb) => eb.or([eb('r.created_at', '<', createdAt), eb.and([eb('r.created_at', '=', createdAt), eb('r.id', '<', id)])]));
  }
  return q.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(f.limit).execute();
}

export async function renderFigures(db: Db) {
  const [byStatus, failed24h, medians, queue] = await Promise.all([
    sql<{ status: RenderStatus; n: number }>`SELECT status, count(*)::int AS n FROM renders GROUP BY status`.execute(db),
    sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM renders WHERE status = 'failed' AND coalesce(finished_at, created_at) > now() - interval '24 hours'`.execute(db),
    sql<{ engine: string; median_ms: number; n: number }>`
      SELECT engine, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms)::float8 AS median_ms, count(*)::int AS n
      FROM renders WHERE status = 'succeeded' AND duration_ms IS NOT NULL AND finished_at > now() - interval '24 hours'
      GROUP BY engine ORDER BY engine`.execute(db),
    sql<{ waiting: number; locked: number; oldest: Date | null }>`
      SELECT count(*) FILTER (WHERE locked_at IS NULL)::int AS waiting, count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS locked,
             min(run_at) FILTER (WHERE locked_at IS NULL) AS oldest
      FROM graphile_worker.jobs WHERE task_identifier = 'render'`.execute(db),
  ]);
  return { byStatus: byStatus.rows, failedLast24h: failed24h.rows[0]!.n, medians: medians.rows, queue: queue.rows[0]! };
}

/** Workers whose last heartbeat is recent enough that the reaper still counts them alive. */
export function liveWorkers(db: Db, deadAfterMs: number) {
  return db
    .selectFrom('workers')
    .selectAll()
    .where('stopped_at', 'is', null)
    .where(sql<boolean>`last_heartbeat_at > now() - make_interval(secs => ${deadAfterMs / 1000})`)
    .orderBy('started_at')
    .execute();
}

/** A failed or canceled render back to the queue, as if new. Undefined when it is in another state. */
export function requeueRender(db: Db, id: string) {
  return db
    .updateTable('renders')
    .set({ status: 'queued', progress: 0, attempts: 0, error: null, started_at: null, finished_at: null, duration_ms: null, worker_id: null })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'canceled'])
    .returning(['id', 'status'])
    .executeTakeFirst();
}

export function cancelRender(db: Db, id: string) {
  return db
    .updateTable('renders')
    .set({ status: 'canceled', finished_at: new Date(), progress: 0 })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .returning(['id', 'status'])
    .executeTakeFirst();
}

/**
 * The queue's jobs for a render. graphile-worker's public `jobs` view leaves the payload out, and
 * render jobs carry no job key, so the lookup reads its jobs table (a key = render id would let
 * `remove_job` do this instead).
 */
export async function renderJobIds(db: Db, renderId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT j.id::text AS id FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = 'render' AND j.payload->>'renderId' = ${renderId}`.execute(db);
  return rows.map((r) => r.id);
}

export interface PurgeFilter {
  statuses: RenderStatus[];
  olderThan: Date;
}

/** How many renders a purge would remove (those a saved look shows are always kept). */
export async function countPurgeable(db: Db, f: PurgeFilter): Promise<{ n: number; kept: number }> {
  const { rows } = await sql<{ n: number; kept: number }>`
    SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM look_renders l WHERE l.render_id = r.id))::int AS n,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM look_renders l WHERE l.render_id = r.id))::int AS kept
    FROM renders r WHERE r.status IN (${sql.join(f.statuses)}) AND r.created_at < ${f.olderThan}`.execute(db);
  return rows[0]!;
}

/** Deletes up to `limit` purgeable renders; returns their stored images so the files can follow. */
export async function deletePurgeable(db: Db, f: PurgeFilter, limit: number): Promise<Array<{ id: string; images: StoredImage[] }>> {
  const { rows } = await sql<{ id: string; images: StoredImage[] }>`
    DELETE FROM renders WHERE id IN (
      SELECT r.id FROM renders r
      WHERE r.status IN (${sql.join(f.statuses)}) AND r.created_at < ${f.olderThan}
        AND NOT EXISTS (SELECT 1 FROM look_renders l WHERE l.render_id = r.id)
      ORDER BY r.created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, images`.execute(db);
  return rows;
}
