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
