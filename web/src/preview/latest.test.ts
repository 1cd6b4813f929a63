import { describe, expect, it } from 'vitest';
import { LatestOnly, runLatest } from './latest.ts';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('LatestOnly', () => {
  it('aborts the previous request when a new one begins', () => {
    const guard = new LatestOnly();
    const a = guard.begin();
    const b = guard.begin();
    expect(a.signal.aborted).toBe(true);
    expect(a.isCurrent()).toBe(false);
    expect(b.signal.aborted).toBe(false);
    expect(b.isCurrent()).toBe(true);
  });

  it('never lets an older response overwrite a newer one, whatever order they arrive in', async () => {
    const guard = new LatestOnly();
    const shown: string[] = [];
    const first = deferred<string>();
    const second = deferred<string>();
    // The work ignores the abort signal on purpose: a response that was already on its way.
    const p1 = runLatest(
      guard,
      () => first.promise,
      (v) => shown.push(v),
    );
    const p2 = runLatest(
      guard,
      () => second.promise,
      (v) => shown.push(v),
    );
    second.resolve('navy');
    first.resolve('charcoal');
    expect(await p2).toBe(true);
    expect(await p1).toBe(false);
    expect(shown).toEqual(['navy']);
  });

  it('swallows the errors of superseded requests and passes on the current one’s', async () => {
    const guard = new LatestOnly();
    const old = deferred<string>();
    const p1 = runLatest(
      guard,
      () => old.promise,
      () => undefined,
    );
    const p2 = runLatest(
      guard,
      () => Promise.reject(new Error('render failed')),
      () => undefined,
    );
    old.reject(new DOMException('aborted', 'AbortError'));
    expect(await p1).toBe(false);
    await expect(p2).rejects.toThrow('render failed');
  });

  it('cancel() makes everything in flight stale', async () => {
    const guard = new LatestOnly();
    const d = deferred<string>();
    const shown: string[] = [];
    const p = runLatest(
      guard,
      () => d.promise,
      (v) => shown.push(v),
    );
    guard.cancel();
    d.resolve('late');
    expect(await p).toBe(false);
    expect(shown).toEqual([]);
  });
});
