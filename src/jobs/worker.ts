import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Logger as GraphileLogger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';
import { sql } from 'kysely';
import type { Runtime } from '../runtime.ts';
import { createRenderPool } from '../engines/render-pool.ts';
import type { Engine } from '../engines/types.ts';
import { createRenderTask } from './render-task.ts';
import { createRetentionTask, RETENTION_TASK, retentionCronItems } from '../ops/retention.ts';

export interface WorkerHandle {
  id: string;
  stop(): Promise<void>;
}

/**
 * Runs render jobs from the graphile-worker queue in this process, with a heartbeat so that other
 * processes can tell it is alive, and a reaper that frees the jobs of workers that stopped beating
 * (SIGKILL, OOM, a lost machine) within WORKER_DEAD_AFTER_MS instead of graphile-worker's 4 hours.
 */
export async function startWorker(rt: Runtime): Promise<WorkerHandle> {
  const { config, logger, db } = rt;
  const id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const jobWorkerIds = new Set<string>();
  const events = new EventEmitter();
  // Jobs are locked by the pool's id in graphile-worker 0.18 (by a worker's id in older versions):
  // remember both, so a dead process's jobs can be released whichever holds them.
  events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => {
    jobWorkerIds.add(workerPool.id);
    void saveWorkerIds();
  });
  events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => {
    jobWorkerIds.add(worker.workerId);
    void saveWorkerIds();
  });

  await db
    .insertInto('workers')
    .values({ id, hostname: os.hostname(), pid: process.pid, engines: config.worker.engines, job_worker_ids: [] })
    .execute();

  async function saveWorkerIds() {
    await db
      .updateTable('workers')
      .set({ job_worker_ids: [...jobWorkerIds], last_heartbeat_at: sql`now()` as never })
      .where('id', '=', id)
      .execute()
      .catch((err) => logger.warn({ err }, 'could not record worker ids'));
  }

  // graphile-worker logs through pino too, so its lines carry the same JSON shape as ours.
  const queueLog = logger.child({ component: 'queue' });
  const graphileLogger = new GraphileLogger(() => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    queueLog[method](meta ?? {}, message);
  });
  const utils: WorkerUtils = await makeWorkerUtils({ pgPool: rt.pool, logger: graphileLogger });
  // Renders run on threads: the event loop stays free for heartbeats, events and HTTP.
  const composePool = createRenderPool(rt.engines.get('compose')!, {
    threads: config.worker.concurrency,
    textureCacheBytes: config.worker.textureCacheBytes,
    templateCacheDir: config.worker.templateCacheDir,
    logger,
  });
  // Threads load templates in the background; a job that arrives first simply waits in its thread.
  composePool.warm().catch((err) => logger.error({ err }, 'render threads failed to start'));
  const engines = new Map<string, Engine>([['compose', composePool]]);
  const renderTask = createRenderTask(rt, engines, () => id);
  const runner: Runner = await run({
    pgPool: rt.pool,
    concurrency: config.worker.concurrency,
    noHandleSignals: true,
    pollInterval: Math.min(2000, config.worker.heartbeatMs),
    taskList: { render: renderTask, [RETENTION_TASK]: createRetentionTask(rt) },
    parsedCronItems: retentionCronItems(config),
    events,
    logger: graphileLogger,
    gracefulShutdownAbortTimeout: config.shutdownTimeoutMs,
  });
  await saveWorkerIds();

  async function beatAndReap() {
    // A worker wrongly given up for dead (a long pause) comes back to life with its next beat.
    await db.updateTable('workers').set({ last_heartbeat_at: sql`now()` as never, stopped_at: null }).where('id', '=', id).execute();
    const dead = await db
      .updateTable('workers')
      .set({ stopped_at: sql`now()` as never })
      .where('stopped_at', 'is', null)
      .where('id', '!=', id)
      .where(sql<boolean>`last_heartbeat_at < now() - make_interval(secs => ${config.worker.deadAfterMs / 1000})`)
      .returning(['id', 'job_worker_ids'])
      .execute();
    for (const w of dead) {
      // The freed jobs run again elsewhere; their renders stay 'running' until then, and a render
      // that was in fact finished meanwhile is skipped by the next attempt.
      if (w.job_worker_ids.length) await utils.forceUnlockWorkers(w.job_worker_ids);
      logger.warn({ deadWorker: w.id }, 'worker stopped sending heartbeats; its jobs were released');
    }
  }

  const timer = setInterval(() => {
    beatAndReap().catch((err) => logger.warn({ err }, 'heartbeat failed'));
  }, config.worker.heartbeatMs);
  timer.unref();

  logger.info({ workerId: id, concurrency: config.worker.concurrency, engines: config.worker.engines }, 'worker started');

  let stopping: Promise<void> | undefined;
  return {
    id,
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        await runner.stop();
        await composePool.close();
        await db.updateTable('workers').set({ stopped_at: sql`now()` as never }).where('id', '=', id).execute().catch(() => undefined);
        await utils.release();
        logger.info({ workerId: id }, 'worker stopped');
      })();
      return stopping;
    },
  };
}
