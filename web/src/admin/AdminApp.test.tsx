// @vitest-environment jsdom
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n/i18n.tsx';
import AdminApp from './AdminApp.tsx';
import { ApiError } from '../api/client.ts';
import { en, es } from './messages.ts';
import { problemOf } from './text.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console messages', () => {
  it('has every key in both languages, non-empty, with the same placeholders', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[key].trim(), key).not.toBe('');
      expect(placeholders(es[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('has both plural forms wherever it has one', () => {
    for (const key of Object.keys(en)) {
      if (key.endsWith('_one')) expect(Object.keys(en), key).toContain(key.replace(/_one$/, '_other'));
      if (key.endsWith('_other')) expect(Object.keys(en), key).toContain(key.replace(/_other$/, '_one'));
    }
  });

  it("says what went wrong in the person's language, with the server's sentence as detail", () => {
    const t = (key: keyof typeof en, vars: Record<string, string | number> = {}) => es[key].replace(/\{(\w+)\}/g, (_, n) => String(vars[n]));
    const locked = new ApiError(429, 'account_locked', 'locked', { lockedUntil: new Date(Date.now() + 9.5 * 60_000).toISOString() });
    expect(problemOf(locked, t).message).toBe(
      'Demasiados intentos fallidos desde este dispositivo: vuelve a intentarlo en 10 min o pide a un administrador una contraseña nueva.',
    );
    expect(problemOf(new ApiError(422, 'too_many_pixels', 'file: The image is 30000 × 30000 pixels'), t)).toEqual({
      message: 'La imagen tiene demasiados píxeles (o es una bomba de descompresión).',
      detail: 'file: The image is 30000 × 30000 pixels',
    });
    expect(problemOf(new ApiError(500, 'internal', 'Something went wrong'), t)).toEqual({ message: 'No ha funcionado.', detail: 'Something went wrong' });
  });
});

/** As web/src/i18n checks the stylist: no text written straight into the console's JSX. */
describe('no untranslated text in the console', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.tsx') && !file.endsWith('.test.tsx')) files.push(file);
    }
  };
  walk(import.meta.dirname);
  // Arrows, separators and unit symbols read the same in both languages.
  const allowedText = /^[\s·×…%()–—:,.|/+\-←↑↓]*(s|mm)?[\s·×…%()–—:,.|/+-]*$/;
  // Example values people type as they are: identifiers, colours, the start of an email.
  const allowedLiteral = /^[a-z0-9#@._-]+$/i;
  const readAttributes = new Set(['alt', 'title', 'aria-label', 'placeholder']);

  it.each(files.map((f) => [path.relative(import.meta.dirname, f), f]))('%s', (_name, file) => {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const problems: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isJsxText(node)) {
        const text = node.getText().trim();
        if (text && !allowedText.test(text)) problems.push(`text "${text}"`);
      }
      if (ts.isJsxAttribute(node) && readAttributes.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer)) {
        const value = node.initializer.text.trim();
        if (value && !allowedLiteral.test(value)) problems.push(`${node.name.getText()}="${value}"`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(problems).toEqual([]);
  });
});

describe('<AdminApp>', () => {
  let calls: Array<{ method: string; url: string; body?: unknown }>;
  let signedIn = false;

  beforeEach(() => {
    calls = [];
    signedIn = false;
    window.history.replaceState({}, '', '/admin');
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push({ method, url, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
      const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url === '/api/admin/me')
        return signedIn
          ? reply(200, {
              user: { id: 'u1', email: 'ana@example.com', role: 'merchandiser' },
              limits: { uploadMaxBytes: 10485760, uploadMaxPixels: 40000000, passwordMinLength: 10 },
            })
          : reply(401, { error: { code: 'unauthenticated', message: 'Sign in' } });
      if (url === '/api/admin/login') {
        const body = JSON.parse(String(init.body));
        if (body.password !== 'right password') return reply(401, { error: { code: 'invalid_credentials', message: 'The email or the password is wrong' } });
        signedIn = true;
        return reply(200, { user: { id: 'u1', email: body.email, role: 'merchandiser' } });
      }
      if (url.startsWith('/api/admin/families')) {
        return reply(200, {
          total: 1,
          page: 1,
          pageSize: 25,
          items: [
            {
              id: 'f1',
              slug: 'winter-flannel',
              name: 'Winter Flannel',
              composition: '',
              weightGsm: 370,
              season: 'autumn-winter',
              description: '',
              design: { weave: 'flannel', pattern: 'solid', threadMm: 0.35 },
              active: true,
              archivedAt: null,
              sort: 1,
              updatedAt: '',
              colorCount: 4,
              renderCount: 2,
            },
          ],
        });
      }
      if (url === '/api/admin/logout') return new Response(null, { status: 204 });
      return reply(404, { error: { code: 'not_found', message: url } });
    });
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('asks a signed-out person to sign in, explains a wrong password in Spanish, then shows the families table', async () => {
    render(
      <I18nProvider initial="es">
        <AdminApp />
      </I18nProvider>,
    );
    const email = await screen.findByLabelText('Correo electrónico');
    fireEvent.change(email, { target: { value: 'ana@example.com' } });
    fireEvent.change(screen.getByLabelText('Contraseña'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Entrar' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'El correo o la contraseña no son correctos.');

    fireEvent.change(screen.getByLabelText('Contraseña'), { target: { value: 'right password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Entrar' }));
    const row = await waitFor(() => {
      const r = document.querySelector('[data-family="winter-flannel"]');
      if (!r) throw new Error('no row yet');
      return r;
    });
    expect(row.textContent).toContain('Franela');
    expect(screen.getByRole('tab', { name: 'Catálogo' }).getAttribute('aria-selected')).toBe('true');
    // Merchandisers do not see the accounts section.
    expect(screen.queryByRole('tab', { name: 'Cuentas' })).toBeNull();
    expect(calls.filter((c) => c.url === '/api/admin/login').at(-1)?.body).toEqual({ email: 'ana@example.com', password: 'right password' });
  });
});
