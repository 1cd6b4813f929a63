import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import { isTerminal, type Render, type RenderOrder } from '../api/types.ts';
import { watchRender, type RenderUpdate } from '../api/watch.ts';

export interface JobProgress {
  ids: string[];
  /** id → 0..1 */
  progress: Record<string, number>;
  status: Record<string, Render['status']>;
  /** The event stream broke for at least one render and polling took over. */
  polling: boolean;
  done: boolean;
  error?: unknown;
}

export function jobFraction(job: JobProgress): number {
  if (job.ids.length === 0) return 0;
  const sum = job.ids.reduce((s, id) => s + (isTerminal(job.status[id] ?? 'queued') ? 1 : (job.progress[id] ?? 0)), 0);
  return sum / job.ids.length;
}

export const orderFor = (r: Render): RenderOrder => ({
  family: r.family,
  ...(r.swatchUploadId ? { swatchUploadId: r.swatchUploadId } : { color: r.color ?? undefined }),
  cuts: [r.cut],
  view: r.view,
});

/**
 * Full renders of this visit: ordered in batches, followed by their server-sent events (or polling
 * when the stream breaks), kept newest first for the gallery.
 */
export function useRenderJobs() {
  const [items, setItems] = useState<Render[]>([]);
  const [job, setJob] = useState<JobProgress | undefined>();
  const controllers = useRef(new Set<AbortController>());
  useEffect(() => () => controllers.current.forEach((c) => c.abort()), []);

  const upsert = useCallback((render: Render, replacing?: string) => {
    setItems((list) => {
      const at = list.findIndex((r) => r.id === (replacing ?? render.id));
      if (at >= 0) {
        const next = [...list];
        next[at] = { ...list[at], ...render };
        return replacing ? next.filter((r, i) => i === at || r.id !== render.id) : next;
      }
      return [render, ...list.filter((r) => r.id !== render.id)];
    });
  }, []);

  const follow = useCallback(
    (render: Render, onUpdate: (u: RenderUpdate) => void, onFallback: () => void) => {
      if (isTerminal(render.status)) return Promise.resolve(render);
      const controller = new AbortController();
      controllers.current.add(controller);
      return watchRender(render.id, {
        signal: controller.signal,
        onUpdate: (u) => {
          onUpdate(u);
          setItems((list) => list.map((r) => (r.id === u.id ? (u.render ?? { ...r, status: u.status, progress: u.progress, error: u.error ?? r.error }) : r)));
        },
        onFallback,
      })
        .then((final) => {
          upsert(final);
          return final;
        })
        .finally(() => controllers.current.delete(controller));
    },
    [upsert],
  );

  const generate = useCallback(
    async (orders: RenderOrder[]) => {
      setJob({ ids: [], progress: {}, status: {}, polling: false, done: false });
      let renders: Render[];
      try {
        const batches = await Promise.all(orders.map((o) => api.orderRenders(o)));
        renders = batches.flatMap((b) => b.renders);
      } catch (error) {
        setJob({ ids: [], progress: {}, status: {}, polling: false, done: true, error });
        return;
      }
      const unique = [...new Map(renders.map((r) => [r.id, r])).values()];
      // Newest first in the gallery, in the order they were asked for.
      for (const r of [...unique].reverse()) upsert(r);
      setJob({
        ids: unique.map((r) => r.id),
        progress: Object.fromEntries(unique.map((r) => [r.id, r.progress])),
        status: Object.fromEntries(unique.map((r) => [r.id, r.status])),
        polling: false,
        done: unique.every((r) => isTerminal(r.status)),
      });
      const onUpdate = (u: RenderUpdate) =>
        setJob((j) => {
          if (!j?.ids.includes(u.id)) return j;
          const status = { ...j.status, [u.id]: u.status };
          return { ...j, progress: { ...j.progress, [u.id]: u.progress }, status, done: j.ids.every((id) => isTerminal(status[id] ?? 'queued')) };
        });
      const onFallback = () => setJob((j) => (j ? { ...j, polling: true } : j));
      await Promise.allSettled(unique.map((r) => follow(r, onUpdate, onFallback)));
    },
    [follow, upsert],
  );

  /** Orders a failed render again; the new render takes its place in the gallery. */
  const retry = useCallback(
    async (failed: Render) => {
      const batch = await api.orderRenders(orderFor(failed));
      const fresh = batch.renders[0]!;
      upsert(fresh, failed.id);
      await follow(
        fresh,
        () => undefined,
        () => undefined,
      );
    },
    [follow, upsert],
  );

  const dismissJob = useCallback(() => setJob(undefined), []);

  return { items, job, generate, retry, dismissJob, add: upsert };
}
