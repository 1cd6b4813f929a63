/**
 * A running render's progress, written and announced one value at a time, the newest waiting. Two
 * writes started together take two database connections and can finish in the other order: the
 * events stream then showed the render going backwards (0.05, 0.17, 0.1, 0.3 …). Values that come
 * while a write is under way replace each other; only the latest is written next. At most one value
 * per `minIntervalMs` is taken, and `stop()` waits for the write under way so that no progress is
 * announced after the render's final status.
 */
export function progressWriter(write: (progress: number) => Promise<void>, minIntervalMs: number, now: () => number = () => performance.now()) {
  let chain: Promise<void> = Promise.resolve();
  let waiting: number | undefined;
  let takenAt = -Infinity;
  let stopped = false;
  return {
    report(progress: number): void {
      if (stopped || progress >= 1) return;
      const t = now();
      if (t - takenAt < minIntervalMs) return;
      takenAt = t;
      const queued = waiting !== undefined;
      waiting = progress;
      if (queued) return;
      chain = chain.then(async () => {
        const value = waiting;
        waiting = undefined;
        if (stopped || value === undefined) return;
        // Best effort: a failed progress write is not a failed render.
        await write(value).catch(() => undefined);
      });
    },
    /** No more progress: resolves once the write under way (if any) is over. */
    async stop(): Promise<void> {
      stopped = true;
      await chain;
    },
  };
}
