import { makeWorkerUtils, type WorkerUtils } from 'graphile-worker';
import type { RenderStatus } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { publishRenderEvent } from '../../renders/events.ts';
import { forgetFinishedPreviews } from '../../renders/preview-memo.ts';
import { enqueueRenderJob, findRenderView } from '../../renders/repository.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit, type Actor } from '../audit/repository.ts';
import { cancelRender, countPurgeable, deletePurgeable, liveWorkers, renderFigures, renderJobIds, requeueRender, type PurgeFilter } from './repository.ts';

/**
 * The renders monitor's actions. A render's state lives in our renders table and its job in
 * graphile-worker's: a retry writes both in one transaction; a cancel marks the render (the task skips
 * a canceled render, and discards the output of one canceled mid-way) and removes its waiting job.
 */

const PURGE_BATCH = 500;

export class RendersAdmin {
  private utils: Promise<WorkerUtils> | undefined;

  constructor(private readonly rt: Runtime) {}

  /** graphile-worker's utilities, with its schema in place (an API without workers may not have it yet). */
  private workerUtils(): Promise<WorkerUtils> {
    this.utils ??= makeWorkerUtils({ pgPool: this.rt.pool }).then(async (utils) => {
      await utils.migrate();
      return utils;
    });
    this.utils.catch(() => (this.utils = undefined));
    return this.utils;
  }

  async close(): Promise<void> {
    if (this.utils) await (await this.utils).release();
  }

  async figures() {
    await this.workerUtils();
    const [figures, workers] = await Promise.all([renderFigures(this.rt.db), liveWorkers(this.rt.db, this.rt.config.worker.deadAfterMs)]);
    const byStatus = Object.fromEntries((['queued', 'running', 'succeeded', 'failed', 'canceled'] as RenderStatus[]).map((s) => [s, 0])) as Record<
      RenderStatus,
      number
    >;
    for (const row of figures.byStatus) byStatus[row.status] = row.n;
    return {
      queued: byStatus.queued,
      running: byStatus.running,
      failedLast24h: figures.failedLast24h,
      byStatus,
      medianDurationMsByEngine: Object.fromEntries(figures.medians.map((m) => [m.engine, Math.round(m.median_ms)])),
      succeededLast24hByEngine: Object.fromEntries(figures.medians.map((m) => [m.engine, m.n])),
      jobs: { waiting: figures.queue.waiting, locked: figures.queue.locked, oldestWaitingSince: figures.queue.oldest?.toISOString() ?? null },
      workers: workers.map((w) => ({
        id: w.id,
        hostname: w.hostname,
        pid: w.pid,
        engines: w.engines,
        startedAt: w.started_at.toISOString(),
        lastHeartbeatAt: w.last_heartbeat_at.toISOString(),
      })),
    };
  }

  async retry(actor: Actor, id: string) {
    await this.workerUtils();
    await this.rt.db
      .transaction()
      .execute(async (trx) => {
        const before = await findRenderView(trx, id);
        if (!before) throw notFound('render', id);
        const row = await requeueRender(trx, id);
        if (!row) throw new AppError(409, 'not_retryable', `Only failed or canceled renders can be retried; this one is ${before.status}`);
        await enqueueRenderJob(trx, { renderId: id, requestId: actor.requestId ?? id }, this.rt.config.worker.maxAttempts, before.engine);
        await recordAudit(trx, actor, {
          action: 'render.retry',
          entity: 'render',
          entityId: id,
          before: { status: before.status, error: before.error },
          after: { status: 'queued' },
        });
      })
      .catch((error) => {
        // The same picture was asked for again meanwhile and is live: that one is the answer.
        if ((error as { code?: string }).code === '23505') {
          throw new AppError(409, 'already_live', 'An identical render is already queued, running or done; it serves this one');
        }
        throw error;
      });
    await publishRenderEvent(this.rt.pool, { id, status: 'queued', progress: 0 });
  }

  async cancel(actor: Actor, id: string) {
    await this.rt.db.transaction().execute(async (trx) => {
      const before = await findRenderView(trx, id);
      if (!before) throw notFound('render', id);
      const row = await cancelRender(trx, id);
      if (!row) throw new AppError(409, 'not_cancelable', `Only queued or running renders can be canceled; this one is ${before.status}`);
      await recordAudit(trx, actor, {
        action: 'render.cancel',
        entity: 'render',
        entityId: id,
        before: { status: before.status },
        after: { status: 'canceled' },
      });
    });
    // Waiting jobs go; a job a worker holds finishes on its own and finds the render canceled.
    const jobIds = await renderJobIds(this.rt.db, id);
    if (jobIds.length) await (await this.workerUtils()).completeJobs(jobIds);
    await publishRenderEvent(this.rt.pool, { id, status: 'canceled', progress: 0 });
  }

  /** Removes finished renders older than the cutoff, with their files; renders in saved looks stay. */
  async purge(actor: Actor, request: { olderThanDays: number; statuses: RenderStatus[]; dryRun: boolean }) {
    const filter: PurgeFilter = { statuses: request.statuses, olderThan: new Date(Date.now() - request.olderThanDays * 86_400_000) };
    const { n, kept } = await countPurgeable(this.rt.db, filter);
    if (request.dryRun) return { dryRun: true, renders: n, keptInLooks: kept, files: null };
    let renders = 0;
    let files = 0;
    for (;;) {
      // Each batch commits on its own: a long purge never holds a long transaction.
      const deleted = await this.rt.db.transaction().execute(async (trx) => {
        const rows = await deletePurgeable(trx, filter, PURGE_BATCH);
        if (rows.length) {
          await recordAudit(trx, actor, {
            action: 'render.purge',
            entity: 'render',
            before: { ids: rows.map((r) => r.id) },
            after: { olderThanDays: request.olderThanDays, statuses: request.statuses },
          });
        }
        return rows;
      });
      // Not served from this replica's memory any more, before their files go (others: NOTIFY).
      if (deleted.length) forgetFinishedPreviews(this.rt.db);
      for (const r of deleted) {
        for (const image of r.images) {
          await this.rt.storage.delete(image.key).catch((err) => this.rt.logger.warn({ err, key: image.key }, 'could not delete a render file'));
          files++;
        }
      }
      renders += deleted.length;
      if (deleted.length < PURGE_BATCH) break;
    }
    return { dryRun: false, renders, keptInLooks: kept, files };
  }
}
