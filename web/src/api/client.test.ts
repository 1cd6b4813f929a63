import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, request, sessionEvents, UnreachableError } from './client.ts';

const answer = (status: number, body?: unknown) =>
  vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

afterEach(() => vi.unstubAllGlobals());

describe('the web app’s one API client', () => {
  it('turns a 503 into “unreachable” for the stylist app, but keeps the server’s sentence for the console', async () => {
    const busy = { error: { code: 'render_pool_busy', message: 'Previews are busy; try again in a second' } };
    vi.stubGlobal('fetch', answer(503, busy));
    await expect(request('/api/renders')).rejects.toBeInstanceOf(UnreachableError);
    const error = await request('/api/admin/previews', {}, { gatewayMessages: true }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 'render_pool_busy', message: busy.error.message });
    // A proxy's bare 502 says nothing: both callers see an unreachable server.
    vi.stubGlobal('fetch', answer(502));
    await expect(request('/api/admin/me', {}, { gatewayMessages: true })).rejects.toBeInstanceOf(UnreachableError);
  });

  it('tells the app a session ended on a 401, except when the sign-in itself is refused', async () => {
    const ended = vi.fn();
    sessionEvents.addEventListener('ended', ended);
    try {
      vi.stubGlobal('fetch', answer(401, { error: { code: 'unauthenticated', message: 'Sign in first' } }));
      await expect(request('/api/renders')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
      expect(ended).toHaveBeenCalledTimes(1);
      await expect(request('/api/admin/login', { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(ApiError);
      expect(ended).toHaveBeenCalledTimes(1);
    } finally {
      sessionEvents.removeEventListener('ended', ended);
    }
  });

  it('sends JSON bodies as JSON and leaves a caller’s own content type alone', async () => {
    const fetch = answer(200, { ok: true });
    vi.stubGlobal('fetch', fetch);
    await request('/api/looks', { method: 'POST', body: '{"title":"x"}' });
    await request('/api/admin/import', { method: 'POST', body: 'a;b', headers: { 'content-type': 'text/csv' } });
    const headers = fetch.mock.calls.map((c) => new Headers((c as unknown as [string, RequestInit])[1].headers));
    expect(headers[0]!.get('content-type')).toBe('application/json');
    expect(headers[1]!.get('content-type')).toBe('text/csv');
  });
});
