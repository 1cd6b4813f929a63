// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render as makeRender } from '../test/fixtures.ts';
import { watchRender } from './watch.ts';

class FakeEventSource {
  static last: FakeEventSource | undefined;
  listeners = new Map<string, (e: MessageEvent) => void>();
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, fn);
  }
  emit(type: string, data: unknown) {
    this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
  close() {
    this.closed = true;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('watchRender', () => {
  it('follows the server-sent events to the final status', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const updates: number[] = [];
    const done = watchRender('r1', { onUpdate: (u) => updates.push(u.progress) });
    const es = FakeEventSource.last!;
    expect(es.url).toBe('/api/renders/r1/events');
    es.emit('status', makeRender({ status: 'queued', progress: 0 }));
    es.emit('progress', { id: 'r1', status: 'running', progress: 0.4 });
    es.emit('progress', { id: 'r1', status: 'running', progress: 0.8 });
    es.emit('status', makeRender({ status: 'succeeded', progress: 1 }));
    const final = await done;
    expect(final.status).toBe('succeeded');
    expect(updates).toEqual([0, 0.4, 0.8, 1]);
    expect(es.closed).toBe(true);
  });

  it('falls back to polling when the stream breaks, and says so', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const answers = [makeRender({ status: 'running', progress: 0.5 }), makeRender({ status: 'succeeded' })];
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(answers.shift()), { status: 200, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);
    const onFallback = vi.fn();
    const updates: string[] = [];
    const done = watchRender('r1', { onFallback, onUpdate: (u) => updates.push(u.status) });
    const es = FakeEventSource.last!;
    es.emit('progress', { id: 'r1', status: 'running', progress: 0.2 });
    es.onerror!();
    expect(es.closed).toBe(true);
    expect(onFallback).toHaveBeenCalledOnce();
    const final = await done;
    expect(final.status).toBe('succeeded');
    expect(updates).toEqual(['running', 'running', 'succeeded']);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(String((fetchMock.mock.calls[0] as unknown[])[0])).toBe('/api/renders/r1');
  });

  it('stops when aborted', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const controller = new AbortController();
    const done = watchRender('r1', { signal: controller.signal });
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeEventSource.last!.closed).toBe(true);
  });
});
