import { useCallback, useEffect, useState } from 'react';
import { api, isAbort } from '../api/client.ts';
import { apiStatus } from '../api/status.ts';
import type { Cut, FabricFamily } from '../api/types.ts';

export type CatalogState = { status: 'loading' } | { status: 'ready'; families: FabricFamily[]; cuts: Cut[] } | { status: 'failed'; error: unknown };

/** The catalogue and the cuts, loaded together; Retry (or the banner's) loads them again. */
export function useCatalog(): CatalogState & { reload(): void } {
  const [state, setState] = useState<CatalogState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    Promise.all([api.catalog(controller.signal), api.cuts(controller.signal)])
      .then(([catalog, cuts]) => {
        const families = [...catalog.families].sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name));
        setState({ status: 'ready', families, cuts: cuts.cuts });
      })
      .catch((error) => {
        if (!isAbort(error)) setState((s) => (s.status === 'ready' ? s : { status: 'failed', error }));
      });
    return () => controller.abort();
  }, [attempt]);

  useEffect(() => {
    if (state.status !== 'failed') return;
    return apiStatus.onRetry(reload);
  }, [state.status, reload]);

  return { ...state, reload };
}
