import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger as GraphileLogger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';
import { beatWorker, markSilentWorkersDead, markWorkerStopped, pingDatabase, registerWorker, saveWorkerJobIds } from './repository.ts';
import type pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/database.ts';
import type { Runtime } from '../runtime.ts';
import { publishRenderEvent } from '../renders/events.ts';
import { failStrandedRenders } from '../renders/repository.ts';
import { createRenderTask } from './render-task.ts';
import { GPU_RENDER_TASK, RENDER_TASK } from './tasks.ts';
import { createRetentionTask, RETENTION_TASK, retentionCronItems } from '../ops/retention.ts';

const STRANDED_MESSAGE = 'The render stopped when the machine rendering it was lost, with no attempt left; order it again';

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
  // The ids of the pool being started now: what it may leave locked if the database drops it.
  let startingRunIds: string[] = [];
  events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => {
    jobWorkerIds.add(workerPool.id);
    startingRunIds.push(workerPool.id);
    void saveWorkerIds();
  });
  events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => {
    jobWorkerIds.add(worker.workerId);
    startingRunIds.push(worker.workerId);
    void saveWorkerIds();
  });

  await registerWorker(db, { id, hostname: os.hostname(), pid: process.pid, engines: config.worker.engines });

  async function saveWorkerIds() {
    await saveWorkerJobIds(db, id, [...jobWorkerIds]).catch((err) => logger.warn({ err }, 'could not record worker ids'));
  }

  // graphile-worker logs through pino too, so its lines carry the same JSON shape as ours.
  const queueLog = logger.child({ component: 'queue' });
  const graphileLogger = new GraphileLogger(() => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    queueLog[method](meta ?? {}, message);
  });
  const utils: WorkerUtils = await makeWorkerUtils({ pgPool: rt.pool, logger: graphileLogger });
  // Renders run on the render service's threads: the event loop stays free for heartbeats, events
  // and HTTP. Threads load templates in the background; a job that arrives first simply waits.
  rt.rendering.warm().catch((err) => logger.error({ err }, 'render threads failed to start'));
  const renderTask = createRenderTask(rt, () => id);
  let stopped = false;
  const queuePool = patientPool(rt.pool, () => stopped, logger);
  const runnerOptions = {
    pgPool: queuePool,
    concurrency: config.worker.concurrency,
    noHandleSignals: true,
    pollInterval: Math.min(2000, config.worker.heartbeatMs),
    // A worker takes only the renders of the engines it lists: GPU renders have their own task, so a
    // CPU-only worker never fetches one, and they wait in the queue until a GPU worker runs.
    taskList: {
      ...(config.worker.engines.includes('compose') ? { [RENDER_TASK]: renderTask } : {}),
      ...(config.worker.engines.includes('comfyui') ? { [GPU_RENDER_TASK]: renderTask } : {}),
      [RETENTION_TASK]: createRetentionTask(rt),
    },
    parsedCronItems: retentionCronItems(config),
    events,
    logger: graphileLogger,
    gracefulShutdownAbortTimeout: config.shutdownTimeoutMs,
    // Completing or failing a job goes through graphile-worker's batcher, which reports a failure
    // (the database went away) to its pool instead of leaving an unhandled rejection that ends the
    // process; the pool then shuts down and the supervisor below starts a new one.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  };
  const startRunner = async () => {
    startingRunIds = [];
    const started = await run(runnerOptions);
    superviseRunner(started, startingRunIds);
    return started;
  };
  let runner: Runner = await startRunner();

  /**
   * A database outage ends graphile-worker's pool (it cannot record a job's outcome). Ride it out:
   * wait for the database with backoff, free the jobs the ended pool still holds, start a new pool.
   */
  function superviseRunner(current: Runner, heldIds: string[]) {
    const ended = (error?: unknown) => {
      if (stopped) return;
      logger.warn({ err: error }, 'the job queue stopped (database unreachable?); reconnecting');
      void reconnect(heldIds);
    };
    current.promise.then(() => ended(), ended);
  }

  async function reconnect(heldIds: string[]) {
    let delay = 250;
    while (!stopped) {
      try {
        await pingDatabase(db);
        if (heldIds.length) await utils.forceUnlockWorkers(heldIds);
        if (stopped) return;
        runner = await startRunner();
        logger.info({ workerId: id }, 'job queue reconnected; resuming');
        return;
      } catch (err) {
        logger.debug({ err, retryInMs: delay }, 'database still unreachable');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }
  await saveWorkerIds();

  // After an outage every process's last beat is old, this one's included: give the others a full
  // WORKER_DEAD_AFTER_MS to beat again before taking any of them for dead.
  let lastBeatFailed = false;
  let reapNotBefore = 0;
  async function beatAndReap() {
    // A worker wrongly given up for dead (a long pause) comes back to life with its next beat.
    try {
      await beatWorker(db, id);
    } catch (error) {
      lastBeatFailed = true;
      throw error;
    }
    const now = Date.now();
    if (lastBeatFailed) reapNotBefore = now + config.worker.deadAfterMs;
    lastBeatFailed = false;
    if (now < reapNotBefore || stopped) return;
    const dead = await markSilentWorkersDead(db, id, config.worker.deadAfterMs);
    for (const w of dead) {
      // The freed jobs run again elsewhere; their renders stay 'running' until then, and a render
      // that was in fact finished meanwhile is skipped by the next attempt.
      if (w.job_worker_ids.length) await utils.forceUnlockWorkers(w.job_worker_ids);
      logger.warn({ deadWorker: w.id }, 'worker stopped sending heartbeats; its jobs were released');
    }
    // Renders whose job is spent (or gone) would otherwise stay 'running' forever. A worker that is
    // stopping reaps nothing more: its caller may already be changing the rows under it.
    if (stopped) return;
    for (const renderId of await failStrandedRenders(db, config.worker.deadAfterMs, STRANDED_MESSAGE)) {
      await publishRenderEvent(rt.pool, { id: renderId, status: 'failed', progress: 0, error: STRANDED_MESSAGE }).catch(() => undefined);
      logger.warn({ renderId }, 'render had no attempt left after its worker was lost; marked failed');
    }
  }

  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (beating) return;
    beating = beatAndReap()
      .catch((err) => logger.warn({ err }, 'heartbeat failed'))
      .finally(() => {
        beating = undefined;
      });
  }, config.worker.heartbeatMs);
  timer.unref();

  logger.info({ workerId: id, concurrency: config.worker.concurrency, engines: config.worker.engines }, 'worker started');

  let stopping: Promise<void> | undefined;
  return {
    id,
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        stopped = true;
        // A beat already under way finishes before stop() returns, so no reap lands after it; the
        // wait is bounded because a beat may hang on a database that is gone.
        if (beating) await Promise.race([beating, sleep(Math.min(config.worker.heartbeatMs, 5000), undefined, { ref: false })]);
        await runner.stop().catch((err) => logger.warn({ err }, 'job queue did not stop cleanly'));
        await markWorkerStopped(db, id).catch(() => undefined);
        await utils.release();
        logger.info({ workerId: id }, 'worker stopped');
      })();
      return stopping;
    },
  };
}

/**
 * The pool as graphile-worker sees it: while the database cannot be reached, `connect()` waits and
 * tries again (with backoff) instead of failing, so recording a job's outcome or fetching the next
 * job simply resumes when the database is back. graphile-worker itself retries only a few error
 * codes, and a refused connection while failing a job used to end the whole process.
 */
export function patientPool(pool: pg.Pool, stopping: () => boolean, logger: Logger): pg.Pool {
  async function connectPatiently(): Promise<pg.PoolClient> {
    let delay = 200;
    let warned = false;
    for (;;) {
      try {
        const client = await pool.connect();
        if (warned) logger.info('database reachable again');
        return client;
      } catch (error) {
        if (stopping() || !isDatabaseUnavailable(error)) throw error;
        if (!warned) logger.warn({ err: error }, 'database unreachable; the job queue waits for it');
        warned = true;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === 'connect') {
        return (callback?: (err: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) => {
          if (!callback) return connectPatiently();
          connectPatiently().then(
            (client) => callback(undefined, client, () => client.release()),
            (err: Error) => callback(err),
          );
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
