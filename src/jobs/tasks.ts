/**
 * The queue's tasks and what each job carries, declared in graphile-worker's own task map: every
 * `addJob('render', payload)` (ours in jobs/repository.ts, or graphile-worker's WorkerUtils) and every
 * `Task<'render'>` handler is type-checked against it, with no cast.
 */

/** A render job only names its render: the row in `renders` holds everything else. */
export interface RenderJobPayload {
  renderId: string;
  /** The request that ordered it, carried into the worker's logs. */
  requestId: string;
}

/** What graphile-worker's cron puts in a scheduled job's payload. */
export interface CronPayload {
  _cron?: { ts: string; backfilled: boolean };
}

declare global {
  namespace GraphileWorker {
    interface Tasks {
      render: RenderJobPayload;
      /** A render by the GPU engine (comfyui): only workers whose ENGINES list it take these. */
      render_gpu: RenderJobPayload;
      /** Nightly clean-up of old renders, looks and orphan files (ops/retention.ts). */
      retention: CronPayload;
    }
  }
}

export type TaskName = keyof GraphileWorker.Tasks;
export const RENDER_TASK = 'render' satisfies TaskName;
export const GPU_RENDER_TASK = 'render_gpu' satisfies TaskName;
