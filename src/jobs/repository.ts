import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { TaskName } from './tasks.ts';

/**
 * Enqueues a job through graphile-worker's SQL API, inside the caller's transaction: a render's job
 * exists exactly when its row does. The payload is checked against the task map (tasks.ts).
 */
export async function addJob<K extends TaskName>(db: Db, task: K, payload: GraphileWorker.Tasks[K], spec: { maxAttempts: number }): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json, max_attempts => ${spec.maxAttempts}::int)`.execute(db);
}

/** Worker processes (the workers table): registration, heartbeats, and who is taken for dead. */
export async function registerWorker(db: Db, worker: { id: string; hostname: string; pid: number; engines: string[] }): Promise<void> {
  await db
    .insertInto('workers')
    .values({ ...worker, job_worker_ids: [] })
    .execute();
}

/** graphile-worker's own ids for this process's runners, so another process can unlock them. */
export async function saveWorkerJobIds(db: Db, id: string, jobWorkerIds: string[]): Promise<void> {
  await db
    .updateTable('workers')
    .set({ job_worker_ids: jobWorkerIds, last_heartbeat_at: sql`now()` as never })
    .where('id', '=', id)
    .execute();
}

/** A beat; a worker wrongly given up for dead comes back to life with it. */
export async function beatWorker(db: Db, id: string): Promise<void> {
  await db
    .updateTable('workers')
    .set({ last_heartbeat_at: sql`now()` as never, stopped_at: null })
    .where('id', '=', id)
    .execute();
}

/** Marks stopped every other worker silent for longer than deadAfterMs; returns them with their runners' ids. */
export function markSilentWorkersDead(db: Db, exceptId: string, deadAfterMs: number) {
  return db
    .updateTable('workers')
    .set({ stopped_at: sql`now()` as never })
    .where('stopped_at', 'is', null)
    .where('id', '!=', exceptId)
    .where(sql<boolean>`last_heartbeat_at < now() - make_interval(secs => ${deadAfterMs / 1000})`)
    .returning(['id', 'job_worker_ids'])
    .execute();
}

export async function markWorkerStopped(db: Db, id: string): Promise<void> {
  await db
    .updateTable('workers')
    .set({ stopped_at: sql`now()` as never })
    .where('id', '=', id)
    .execute();
}

/** Whether the database answers at all (a reconnecting worker's probe). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
