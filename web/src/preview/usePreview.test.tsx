// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Render, RenderOrder } from '../api/types.ts';
import { render as makeRender } from '../test/fixtures.ts';
import { usePreview, type PreviewDeps, type PreviewSelection } from './usePreview.ts';

/** Deps whose answers the test releases by hand, in any order. */
function controlled() {
  const pending = new Map<string, { resolve(r: Render): void; signal: AbortSignal }>();
  const orders: RenderOrder[] = [];
  const deps: PreviewDeps = {
    order: (order, signal) =>
      new Promise((resolve) => {
        orders.push(order);
        pending.set(order.color ?? order.swatchUploadId!, { resolve: (r) => resolve({ renders: [r] }), signal });
      }),
    watch: vi.fn(async (id: string) => makeRender({ id, color: id })),
    preload: async () => undefined,
  };
  return { deps, orders, pending };
}

const sel = (color: string): PreviewSelection => ({ family: 'twill', color, cut: 'single-breasted', view: 'front' });

describe('live preview', () => {
  it('orders a preview render for each change and shows the newest only, even when an older answer arrives last', async () => {
    const { deps, orders, pending } = controlled();
    const { result, rerender } = renderHook(({ s }) => usePreview(s, deps), { initialProps: { s: sel('navy') } });
    rerender({ s: sel('charcoal') });
    rerender({ s: sel('black') });
    expect(orders.map((o) => o.color)).toEqual(['navy', 'charcoal', 'black']);
    expect(orders[0]).toEqual({ family: 'twill', color: 'navy', cuts: ['single-breasted'], view: 'front', sizes: ['preview'] });
    // Superseded requests were aborted.
    expect(pending.get('navy')!.signal.aborted).toBe(true);
    expect(pending.get('charcoal')!.signal.aborted).toBe(true);
    expect(pending.get('black')!.signal.aborted).toBe(false);

    await act(async () => pending.get('black')!.resolve(makeRender({ id: 'r-black', color: 'black' })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-black'));
    // The older answers arrive late: they are ignored.
    await act(async () => {
      pending.get('charcoal')!.resolve(makeRender({ id: 'r-charcoal', color: 'charcoal' }));
      pending.get('navy')!.resolve(makeRender({ id: 'r-navy', color: 'navy' }));
    });
    expect(result.current.shown?.render.id).toBe('r-black');
    expect(result.current.shown?.url).toBe('/files/renders/r-black/preview.jpg');
    expect(result.current.loading).toBe(false);
  });

  it('a tap orders from its own handler, before the new selection renders; that render adopts the order (one request)', async () => {
    const { deps, orders, pending } = controlled();
    const { result, rerender } = renderHook(({ s }) => usePreview(s, deps), { initialProps: { s: sel('navy') } });
    await act(async () => pending.get('navy')!.resolve(makeRender({ id: 'r-navy', color: 'navy' })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-navy'));
    // The tap: ordered at once, before any render with the new selection.
    act(() => result.current.preorder(sel('charcoal')));
    expect(orders.map((o) => o.color)).toEqual(['navy', 'charcoal']);
    rerender({ s: sel('charcoal') });
    expect(orders).toHaveLength(2);
    expect(pending.get('charcoal')!.signal.aborted).toBe(false);
    await act(async () => pending.get('charcoal')!.resolve(makeRender({ id: 'r-charcoal', color: 'charcoal' })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-charcoal'));
    expect(result.current.loading).toBe(false);
  });

  it('an early order the selection did not follow is aborted, and the selection made is ordered', async () => {
    const { deps, orders, pending } = controlled();
    const { result, rerender } = renderHook(({ s }) => usePreview(s, deps), { initialProps: { s: sel('navy') } });
    await act(async () => pending.get('navy')!.resolve(makeRender({ id: 'r-navy', color: 'navy' })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-navy'));
    act(() => result.current.preorder(sel('charcoal')));
    rerender({ s: sel('black') });
    expect(orders.map((o) => o.color)).toEqual(['navy', 'charcoal', 'black']);
    expect(pending.get('charcoal')!.signal.aborted).toBe(true);
    // And a newer tap before the render aborts the older early order at once.
    act(() => result.current.preorder(sel('grey')));
    act(() => result.current.preorder(sel('brown')));
    expect(pending.get('grey')!.signal.aborted).toBe(true);
    rerender({ s: sel('brown') });
    expect(pending.get('black')!.signal.aborted).toBe(true);
    await act(async () => pending.get('brown')!.resolve(makeRender({ id: 'r-brown', color: 'brown' })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-brown'));
    expect(orders.filter((o) => o.color === 'brown')).toHaveLength(1);
  });

  it('keeps the previous image on screen while the next one loads', async () => {
    const { deps, pending } = controlled();
    const { result, rerender } = renderHook(({ s }) => usePreview(s, deps), { initialProps: { s: sel('navy') } });
    await act(async () => pending.get('navy')!.resolve(makeRender({ id: 'r-navy' })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-navy'));
    rerender({ s: sel('charcoal') });
    expect(result.current.loading).toBe(true);
    expect(result.current.shown?.render.id).toBe('r-navy');
    expect(result.current.wanted).toBe('twill/charcoal//single-breasted/front');
  });

  it('follows a queued render to its end before showing it', async () => {
    const { deps, pending } = controlled();
    const { result } = renderHook(() => usePreview(sel('navy'), deps));
    await act(async () => pending.get('navy')!.resolve(makeRender({ id: 'navy', status: 'queued', images: [] })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('navy'));
    expect(deps.watch).toHaveBeenCalledWith('navy', expect.any(AbortSignal));
  });

  it('reports a failed render with its reason, and Retry orders it again', async () => {
    const { deps, orders, pending } = controlled();
    const { result } = renderHook(() => usePreview(sel('navy'), deps));
    await act(async () =>
      pending.get('navy')!.resolve(makeRender({ id: 'bad', status: 'failed', error: 'The fabric photo could not be read as an image', images: [] })),
    );
    await waitFor(() => expect(result.current.failure?.render?.error).toMatch(/could not be read/));
    act(() => result.current.retry());
    expect(orders).toHaveLength(2);
    expect(result.current.failure).toBeUndefined();
  });

  it('shows a colour seen before in this visit at once, without ordering it again', async () => {
    const { deps, orders, pending } = controlled();
    const { result, rerender } = renderHook(({ s }) => usePreview(s, deps), { initialProps: { s: sel('navy') } });
    await act(async () => pending.get('navy')!.resolve(makeRender({ id: 'r-navy' })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-navy'));
    rerender({ s: sel('charcoal') });
    await act(async () => pending.get('charcoal')!.resolve(makeRender({ id: 'r-charcoal' })));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-charcoal'));
    rerender({ s: sel('navy') });
    expect(result.current.shown?.render.id).toBe('r-navy');
    expect(result.current.loading).toBe(false);
    expect(orders.map((o) => o.color)).toEqual(['navy', 'charcoal']);
  });

  it('shows a preview that came inside the answer from its bytes, without fetching its URL', async () => {
    const { deps, pending } = controlled();
    const preloaded: string[] = [];
    deps.preload = async (url) => {
      preloaded.push(url);
    };
    const { result } = renderHook(() => usePreview(sel('navy'), deps));
    const drawn = makeRender({ id: 'r-navy' });
    const dataUrl = 'data:image/jpeg;base64,/9j/4AAQSkZJRg==';
    drawn.images = drawn.images.map((i) => (i.size === 'preview' ? { ...i, dataUrl } : i));
    await act(async () => pending.get('navy')!.resolve(drawn));
    await waitFor(() => expect(result.current.shown?.render.id).toBe('r-navy'));
    expect(result.current.shown?.url).toBe(dataUrl);
    // Its bytes are in hand: it is swapped in at once (the page keeps the old picture until the new one
    // is decoded for painting), not loaded and decoded a second time beforehand.
    expect(preloaded).toEqual([]);
  });

  it('orders the photographed cloth by its upload id', () => {
    const { deps, orders } = controlled();
    renderHook(() => usePreview({ family: 'twill', swatchUploadId: 'u-1', cut: 'double-breasted', view: 'front' }, deps));
    expect(orders[0]).toEqual({ family: 'twill', swatchUploadId: 'u-1', cuts: ['double-breasted'], view: 'front', sizes: ['preview'] });
  });

  describe('preparing the colourways the associate is likely to tap next', () => {
    const neighbours = [sel('charcoal'), sel('black')];

    it('renders them one at a time once the screen is still, and shows a prepared one at once', async () => {
      const { deps, orders, pending } = controlled();
      const { result, rerender } = renderHook(({ s }) => usePreview(s, deps, neighbours), { initialProps: { s: sel('navy') } });
      await act(async () => pending.get('navy')!.resolve(makeRender({ id: 'r-navy' })));
      await waitFor(() => expect(result.current.shown?.render.id).toBe('r-navy'));
      expect(orders).toHaveLength(1);
      // After a moment of stillness: the first neighbour, and only once it is ready, the next.
      await waitFor(() => expect(orders.map((o) => o.color)).toEqual(['navy', 'charcoal']), { timeout: 2000 });
      await act(async () => pending.get('charcoal')!.resolve(makeRender({ id: 'r-charcoal' })));
      await waitFor(() => expect(orders.map((o) => o.color)).toEqual(['navy', 'charcoal', 'black']));
      // Nothing of this reached the screen, and the server was told so (ordered ahead: in nobody's History).
      expect(result.current.shown?.render.id).toBe('r-navy');
      expect(orders.map((o) => o.ahead)).toEqual([undefined, true, true]);
      // Tapping the prepared colourway shows it at once, without waiting on the server; it is then
      // ordered plainly, once (answered from the server's cache): in History, the styles drafted around it.
      rerender({ s: sel('charcoal') });
      expect(result.current.shown?.render.id).toBe('r-charcoal');
      expect(result.current.loading).toBe(false);
      expect(orders).toHaveLength(4);
      expect(orders[3]).toEqual({ ...orders[1], ahead: undefined });
      expect(orders[3]).not.toHaveProperty('ahead');
      rerender({ s: sel('navy') });
      rerender({ s: sel('charcoal') });
      expect(result.current.shown?.render.id).toBe('r-charcoal');
      expect(orders).toHaveLength(4);
    });

    it('stops preparing as soon as the selection changes', async () => {
      const { deps, orders, pending } = controlled();
      const { result, rerender } = renderHook(({ s }) => usePreview(s, deps, neighbours), { initialProps: { s: sel('navy') } });
      await act(async () => pending.get('navy')!.resolve(makeRender({ id: 'r-navy' })));
      await waitFor(() => expect(result.current.shown?.render.id).toBe('r-navy'));
      await waitFor(() => expect(orders.map((o) => o.color)).toEqual(['navy', 'charcoal']), { timeout: 2000 });
      const prefetch = pending.get('charcoal')!;
      rerender({ s: { ...sel('navy'), view: 'three-quarter' } });
      expect(prefetch.signal.aborted).toBe(true);
    });

    it('waits for the screen to settle: quick taps prepare nothing', async () => {
      const { deps, orders, pending } = controlled();
      const { rerender } = renderHook(({ s }) => usePreview(s, deps, neighbours), { initialProps: { s: sel('navy') } });
      rerender({ s: sel('charcoal') });
      await act(async () => pending.get('charcoal')!.resolve(makeRender({ id: 'r-charcoal' })));
      rerender({ s: sel('black') });
      await new Promise((r) => setTimeout(r, 100));
      expect(orders.map((o) => o.color)).toEqual(['navy', 'charcoal', 'black']);
    });
  });
});
