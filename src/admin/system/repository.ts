import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/** The migrations applied to this database, oldest first. */
export async function listAppliedMigrations(db: Db): Promise<Array<{ version: string; applied_at: Date }>> {
  const { rows } = await sql<{ version: string; applied_at: Date }>`SELECT version, applied_at FROM schema_migrations ORDER BY version`.execute(db);
  return rows;
}
