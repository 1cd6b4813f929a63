// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n/i18n.tsx';
import type { AccountRow } from './api.ts';
import { UsersPage } from './UsersPage.tsx';

/** The accounts page: an associate's store decides whose renders their History shows, so admins set it here. */
describe('<UsersPage>', () => {
  let calls: Array<{ method: string; url: string; body?: unknown }>;
  let accounts: AccountRow[];
  const me = { id: '00000000-0000-4000-8000-000000000001', email: 'admin@example.com', role: 'admin' as const, store: null };
  const row = (id: string, email: string, store: string | null): AccountRow => ({
    id,
    email,
    role: 'associate',
    store,
    disabled: false,
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
  });

  beforeEach(() => {
    calls = [];
    accounts = [{ ...row(me.id, me.email, null), role: 'admin' }, row('00000000-0000-4000-8000-000000000002', 'ana@example.com', 'Serrano')];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      calls.push({ method, url, body });
      const reply = (status: number, b: unknown) => new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
      if (url === '/api/admin/users' && method === 'GET') return reply(200, { items: accounts });
      if (url === '/api/admin/users' && method === 'POST') {
        const created = { ...row('00000000-0000-4000-8000-000000000003', body.email, body.store ?? null), role: body.role };
        accounts.push(created);
        return reply(201, created);
      }
      const patch = url.match(/^\/api\/admin\/users\/(.+)$/);
      if (patch && method === 'PATCH') {
        const i = accounts.findIndex((a) => a.id === patch[1]);
        accounts[i] = { ...accounts[i]!, ...body };
        return reply(200, accounts[i]);
      }
      return reply(404, { error: { code: 'not_found', message: url } });
    });
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  const page = () =>
    render(
      <I18nProvider initial="es">
        <UsersPage me={me} />
      </I18nProvider>,
    );

  it('shows each account’s store and lets an admin change or clear it', async () => {
    page();
    const ana = (await screen.findByText('ana@example.com')).closest('tr')!;
    const store = within(ana).getByLabelText('Tienda de ana@example.com') as HTMLInputElement;
    expect(store.value).toBe('Serrano');
    expect((screen.getByLabelText(`Tienda de ${me.email}`) as HTMLInputElement).value).toBe('');

    fireEvent.change(store, { target: { value: '  Diagonal ' } });
    fireEvent.blur(store);
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ store: 'Diagonal' }));
    await waitFor(() =>
      expect((within(screen.getByText('ana@example.com').closest('tr')!).getByLabelText('Tienda de ana@example.com') as HTMLInputElement).value).toBe(
        'Diagonal',
      ),
    );

    // Emptied: the account belongs to no store (its History holds its own renders only).
    const again = within(screen.getByText('ana@example.com').closest('tr')!).getByLabelText('Tienda de ana@example.com');
    fireEvent.change(again, { target: { value: '' } });
    fireEvent.keyDown(again, { key: 'Enter' });
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ store: null }));
    // Leaving the field unchanged sends nothing.
    const patches = calls.filter((c) => c.method === 'PATCH').length;
    fireEvent.blur(within(screen.getByText('ana@example.com').closest('tr')!).getByLabelText('Tienda de ana@example.com'));
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(patches);
  });

  it('creates an associate with their store', async () => {
    page();
    await screen.findByText('ana@example.com');
    const form = screen.getByRole('form', { name: 'Nueva cuenta' });
    fireEvent.change(within(form).getByLabelText('Correo electrónico'), { target: { value: 'bea@example.com' } });
    fireEvent.change(within(form).getByLabelText('Rol'), { target: { value: 'associate' } });
    fireEvent.change(within(form).getByLabelText('Tienda'), { target: { value: 'Serrano' } });
    fireEvent.change(within(form).getByLabelText('Contraseña'), { target: { value: 'tablet in the fitting room 2026' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Crear cuenta' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
        email: 'bea@example.com',
        role: 'associate',
        password: 'tablet in the fitting room 2026',
        store: 'Serrano',
      }),
    );
    const bea = (await screen.findByText('bea@example.com')).closest('tr')!;
    expect((within(bea).getByLabelText('Tienda de bea@example.com') as HTMLInputElement).value).toBe('Serrano');
  });
});
