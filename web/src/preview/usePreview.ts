import { useCallback, useEffect, useRef, useState } from 'react';
import { api, isAbort } from '../api/client.ts';
import { apiStatus } from '../api/status.ts';
import { imageOf, isTerminal, type Render, type RenderOrder } from '../api/types.ts';
import { watchRender } from '../api/watch.ts';
import { LatestOnly } from './latest.ts';

/** What the suit on screen shows: one cut in one view, in a catalogue colour or a photographed cloth. */
export interface PreviewSelection {
  family: string;
  color?: string;
  swatchUploadId?: string;
  cut: string;
  view: string;
  /** Style choices over the cut's preset (drawn views only). */
  options?: Record<string, string>;
}

const optionsText = (options?: Record<string, string>) =>
  options
    ? Object.keys(options)
        .sort()
        .map((k) => `${k}=${options[k]}`)
        .join(',')
    : '';

export const selectionKey = (s: PreviewSelection) => {
  const base = [s.family, s.color ?? '', s.swatchUploadId ?? '', s.cut, s.view].join('/');
  const style = optionsText(s.options);
  return style ? `${base}/${style}` : base;
};

export interface PreviewState {
  /** The newest selection asked for. */
  wanted?: string;
  /** What is on screen now (possibly an older selection while a newer one loads). */
  shown?: { key: string; url: string; render: Render };
  loading: boolean;
  /** Why the newest selection could not be shown. */
  failure?: { key: string; render?: Render; error?: unknown };
}

export interface PreviewDeps {
  order(order: RenderOrder, signal: AbortSignal): Promise<{ renders: Render[] }>;
  watch(id: string, signal: AbortSignal): Promise<Render>;
  /** Resolves once the image can be painted without a flash. */
  preload(url: string, signal: AbortSignal): Promise<void>;
}

export function preloadImage(url: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.decoding = 'async';
    const done = () => resolve();
    signal.addEventListener('abort', () => {
      img.src = '';
      reject(new DOMException('preload aborted', 'AbortError'));
    });
    img.onload = () => (typeof img.decode === 'function' ? img.decode().then(done, done) : done());
    // A broken image is still "ready" to show its alt text; the render itself succeeded.
    img.onerror = done;
    img.src = url;
  });
}

const defaultDeps: PreviewDeps = {
  order: (order, signal) => api.orderRenders(order, signal),
  watch: (id, signal) => watchRender(id, { signal }),
  preload: preloadImage,
};

/**
 * The newest tap's steps as User Timing marks (one of each kept), so a slow tap can be split in
 * devtools or by the web bench: `preview:order` (request sent), `preview:answer` (answer parsed),
 * `preview:decoded` (image ready to paint), `preview:swapped` (the new image in the page).
 */
export function markPreview(step: 'order' | 'answer' | 'decoded' | 'swapped'): void {
  const perf = globalThis.performance;
  if (typeof perf?.mark !== 'function') return;
  perf.clearMarks(`preview:${step}`);
  perf.mark(`preview:${step}`);
}

/** The order of one selection's preview; `ahead`: prepared for a tap that may come, not on screen. */
function previewOrder(s: PreviewSelection, ahead = false): RenderOrder {
  return {
    family: s.family,
    ...(s.swatchUploadId ? { swatchUploadId: s.swatchUploadId } : { color: s.color }),
    cuts: [s.cut],
    view: s.view,
    ...(s.options && Object.keys(s.options).length ? { options: s.options } : {}),
    sizes: ['preview'],
    ...(ahead ? { ahead } : {}),
  };
}

/** Orders the preview of one selection and waits until its image can be painted. */
async function fetchPreview(
  s: PreviewSelection,
  signal: AbortSignal,
  deps: PreviewDeps,
  tapped = false,
  ahead = false,
): Promise<{ render: Render; url?: string }> {
  if (tapped) markPreview('order');
  const batch = await deps.order(previewOrder(s, ahead), signal);
  if (tapped) markPreview('answer');
  let render = batch.renders[0]!;
  if (!isTerminal(render.status)) render = await deps.watch(render.id, signal);
  if (render.status !== 'succeeded') return { render };
  const image = imageOf(render, 'preview')!;
  // A preview drawn for this very tap comes inside the answer: no second request for its bytes, and
  // for the tap itself no separate load and decode either: the <img> swaps to it at once and the
  // browser keeps painting the previous picture until this one is decoded (decoding="sync": in the
  // very frame it appears, never a blank one). Prepared ahead (a neighbour), it is decoded now.
  const url = image.dataUrl ?? image.url;
  if (!(tapped && image.dataUrl)) await deps.preload(url, signal);
  if (tapped) markPreview('decoded');
  return { render, url };
}

/** After the suit has been on screen this long, the neighbouring colourways are prepared. */
export const PREFETCH_IDLE_MS = 600;

/** `prepared`: made ahead of a tap and not shown yet (the server has filed it in nobody's History). */
type Shown = { key: string; url: string; render: Render; prepared?: boolean };

/**
 * Live preview: every change of the selection orders a render of the preview size and shows it as
 * soon as it is ready. Only the newest selection may reach the screen: older requests are aborted,
 * and anything that still arrives late is ignored by its sequence number.
 *
 * `neighbours` are the selections the associate is likely to tap next (the family's other
 * colourways): once the screen has been still for a moment they are rendered one at a time and kept,
 * so that tapping one shows it at once. A change of selection stops that at once.
 */
export function usePreview(selection: PreviewSelection | undefined, deps: PreviewDeps = defaultDeps, neighbours: PreviewSelection[] = []) {
  const [state, setState] = useState<PreviewState>({ loading: false });
  const guard = useRef(new LatestOnly());
  const [attempt, setAttempt] = useState(0);
  const attemptRef = useRef(0);
  const shownBefore = useRef(new Map<string, Shown>());
  const remember = (shown: Shown) => {
    shownBefore.current.set(shown.key, shown);
    if (shownBefore.current.size > 300) shownBefore.current.delete(shownBefore.current.keys().next().value!);
  };
  const key = selection ? selectionKey(selection) : undefined;
  const depsRef = useRef(deps);
  depsRef.current = deps;
  const selectionRef = useRef(selection);
  selectionRef.current = selection;
  const neighboursRef = useRef(neighbours);
  neighboursRef.current = neighbours;
  const neighboursKey = neighbours.map(selectionKey).join('|');
  /** An order sent from a tap's own handler (preorder), before React has rendered the new selection. */
  const early = useRef<{ key: string; answer: Promise<{ render: Render; url?: string }>; controller: AbortController } | undefined>(undefined);

  useEffect(() => {
    const s = selectionRef.current;
    // An early order is this selection's, or nobody's any more.
    const pre = early.current;
    early.current = undefined;
    if (pre && pre.key !== key) pre.controller.abort();
    if (!s || !key) {
      guard.current.cancel();
      setState({ loading: false });
      return;
    }
    const ticket = guard.current.begin();
    // Seen before in this visit: renders never change, so show it at once without asking again.
    const remembered = shownBefore.current.get(key);
    if (remembered && attemptRef.current === attempt) {
      const { prepared: _prepared, ...shown } = remembered;
      setState({ wanted: key, loading: false, shown });
      if (remembered.prepared) {
        // Prepared ahead and now on screen: ordered plainly once, after the picture, so that it is in
        // History and the server drafts the styles around it (answered from its cache, nothing drawn).
        remember(shown);
        depsRef.current.order(previewOrder(s), new AbortController().signal).catch(() => undefined);
      }
      return;
    }
    attemptRef.current = attempt;
    setState((prev) => ({ ...prev, wanted: key, loading: true, failure: undefined }));
    let answer: Promise<{ render: Render; url?: string }>;
    if (pre?.key === key) {
      ticket.signal.addEventListener('abort', () => pre.controller.abort());
      answer = pre.answer;
    } else answer = fetchPreview(s, ticket.signal, depsRef.current, true);
    answer
      .then(({ render, url }) => {
        if (!ticket.isCurrent()) return;
        if (!url) {
          setState((prev) => ({ ...prev, loading: false, failure: { key, render } }));
          return;
        }
        const shown = { key, url, render };
        remember(shown);
        setState({ wanted: key, loading: false, shown });
      })
      .catch((error) => {
        if (isAbort(error) || !ticket.isCurrent()) return;
        setState((prev) => ({ ...prev, loading: false, failure: { key, error } }));
      });
  }, [key, attempt]);

  // Prepare the neighbours while the associate looks at the suit.
  const settled = !!state.shown && !state.loading && state.shown.key === key;
  useEffect(() => {
    if (!settled || !neighboursKey) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      for (const n of neighboursRef.current) {
        const k = selectionKey(n);
        if (controller.signal.aborted) return;
        if (shownBefore.current.has(k)) continue;
        try {
          const { render, url } = await fetchPreview(n, controller.signal, depsRef.current, false, true);
          if (url) remember({ key: k, url, render, prepared: true });
        } catch {
          // Aborted by a new selection, or the server said no (rate limit, outage): stop quietly.
          return;
        }
      }
    }, PREFETCH_IDLE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [settled, key, neighboursKey]);

  useEffect(
    () => () => {
      guard.current.cancel();
      early.current?.controller.abort();
    },
    [],
  );

  /**
   * Sends the order of a selection about to be made, from the tap's own handler: the request leaves
   * while React renders the new selection (~10 ms of a tablet's tap) instead of after it. The render
   * that follows adopts it; a different selection made instead aborts it.
   */
  const preorder = useCallback((next: PreviewSelection) => {
    const k = selectionKey(next);
    if (shownBefore.current.has(k) || early.current?.key === k) return;
    early.current?.controller.abort();
    const controller = new AbortController();
    const answer = fetchPreview(next, controller.signal, depsRef.current, true);
    answer.catch(() => undefined);
    early.current = { key: k, answer, controller };
  }, []);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  useEffect(() => {
    if (!state.failure) return;
    return apiStatus.onRetry(retry);
  }, [state.failure, retry]);

  return { ...state, retry, preorder };
}
