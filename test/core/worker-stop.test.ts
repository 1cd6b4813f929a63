import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';

/**
 * Stopping a worker while its heartbeat's reap is under way: once stop() returns, that reap must not
 * go on to change renders the caller touches next (retention's test stops the worker, then plants a
 * stranded render for retention to find; a late reap failed it first on a loaded machine).
 */
describe('a stopped worker', { timeout: 120_000 }, () => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  let t: TestApp;
  let locker: pg.Client;

  beforeAll(async () => {
    db = await startTestDatabase();
    t = await startTestApp({ databaseUrl: db.url });
    locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    await t?.close();
    await db?.stop();
  });

  it('reaps nothing after stop() returns, even when its reap was held up in flight', async () => {
    const rdb = t.rt.db;
    // Another worker that falls silent while this test holds its row: the running worker's reap
    // then blocks on that row, in flight, until the lock is let go. (The checks below go through the
    // app's pool: the locker's transaction would see one frozen snapshot of pg_stat_activity.)
    await sql`INSERT INTO workers (id, hostname, pid, engines, job_worker_ids) VALUES ('silent', 'elsewhere', 1, '{compose}', '{}')`.execute(rdb);
    await locker.query('BEGIN');
    await locker.query(`SELECT 1 FROM workers WHERE id = 'silent' FOR UPDATE`);
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'update "workers"%'`.execute(rdb);
      return rows[0]!.n > 0;
    }, 30_000);

    await t.worker!.stop();
    // What retention's test plants once no worker runs: a render stuck 'queued' for ten days, no job.
    const { family_id, id: color_id } = await rdb.selectFrom('fabric_colors').select(['family_id', 'id']).limit(1).executeTakeFirstOrThrow();
    const cut = await rdb.selectFrom('cuts').select('id').limit(1).executeTakeFirstOrThrow();
    const { id: orphan } = await rdb
      .insertInto('renders')
      .values({
        cache_key: 'worker-stop:orphan',
        status: 'queued',
        engine: 'compose',
        engine_version: 'test',
        family_id,
        color_id,
        cut_id: cut.id,
        view: 'front',
        params: JSON.stringify({}),
        error: null,
        created_at: sql`now() - interval '10 days'` as never,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    await locker.query('COMMIT');
    // The held-up reap goes on: it takes the silent worker for dead, and then stops short.
    await waitFor(
      async () => (await rdb.selectFrom('workers').select('stopped_at').where('id', '=', 'silent').executeTakeFirstOrThrow()).stopped_at !== null,
      30_000,
    );
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()`.execute(rdb);
      return rows[0]!.n === 0;
    }, 30_000);

    const row = await rdb.selectFrom('renders').select(['status', 'finished_at']).where('id', '=', orphan).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'queued', finished_at: null });
  });
});
