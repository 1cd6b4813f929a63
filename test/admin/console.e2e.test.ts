/**
 * The admin console end to end, in headless Chromium against the real server (embedded PostgreSQL,
 * in-process worker): a merchandiser signs in, creates a family with a colour from a photographed
 * swatch, sees it in the stylist app, archives it, and sees it gone. Screenshots go to test-results/.
 *
 * Each test opens its own browser context and makes its own accounts and families (through the API
 * when they are not what the test is about), so any test runs alone and in any order; waits are on
 * conditions only. The SPA is built into a private directory and handed to the browser by request
 * interception (test/helpers/browser.ts), so no test races a build of web/dist; everything else (API,
 * cookie, CSRF origin check, uploads, files) is the real server's, with its own CSP header.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, E2E_TEST_TIMEOUT_MS, poll, screenshot } from '../helpers/browser.ts';
import { json, type TestApp } from '../helpers/harness.ts';
import { stylistFor } from '../helpers/session.ts';
import { clothPhoto, consoleClient, createAccount, PASSWORD, signIn } from './helpers.ts';

const suite = browserSuite();
let t: TestApp;
beforeAll(() => {
  t = suite.t;
});

const shot = (page: Page, name: string) => screenshot(page, name, { fullPage: true });
const catalog = async () =>
  (await json(await fetch(`${t.url}/api/catalog`))).families as Array<{ id: string; colors: Array<{ id: string; hex: string; swatchUrl: string }> }>;
/** A name no other test uses (the tests share one server). */
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A fresh browser profile; signed in as `email` (through the API, the session cookie set) when given. */
async function newPage(email?: string): Promise<Page> {
  return suite.newPage({ viewport: { width: 1366, height: 900 } }, async (context) => {
    if (!email) return;
    const cookie = await signIn(t, email);
    const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
    await context.addCookies([{ name, value, url: t.url, httpOnly: true, sameSite: 'Strict' }]);
  });
}

/** A new account with `role`; its email. */
async function account(role: 'admin' | 'merchandiser' | 'associate'): Promise<string> {
  const email = `${unique(role)}@example.com`;
  await createAccount(t, email, role);
  return email;
}

/** A family with one colour, made through the API as a merchandiser would through the console. */
async function family(email: string, name: string) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const merch = consoleClient(t, await signIn(t, email));
  await merch.json('POST', '/api/admin/families', {
    slug,
    name,
    design: { weave: 'plain', pattern: 'solid', threadMm: 0.3 },
    colors: [{ slug: 'arena', name: 'Arena', hex: '#B9A58A' }],
  });
  return { slug, merch };
}

async function imageLoaded(page: Page, selector: string) {
  await page.waitForFunction((s: string) => {
    const img = (globalThis as any).document.querySelector(s);
    return !!img && img.complete && img.naturalWidth > 0;
  }, selector);
}

describe('admin console in Chromium', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  it('signs in (after a wrong password) and shows the families table', async () => {
    const email = await account('merchandiser');
    const page = await newPage();
    await page.goto(`${t.url}/admin`);
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel('Contraseña').fill('not the password');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await poll(() => page.getByRole('alert').textContent()).toBe('El correo o la contraseña no son correctos.');
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.locator('[data-testid=families-table] [data-family=super-120s-twill]').waitFor();
    await poll(() => page.locator('[data-testid=families-table] tbody tr').count()).toBeGreaterThanOrEqual(12);
    await shot(page, 'admin-families');
    // The session is an httpOnly cookie: scripts in the page cannot read it.
    // (In-page code: the project's tsconfig has no DOM types, hence `any`.)
    expect(await page.evaluate(() => (globalThis as any).document.cookie)).toBe('');
  });

  it('creates a family, previews it, and adds a colour from a photographed swatch', async () => {
    const page = await newPage(await account('merchandiser'));
    const name = `Lino ${randomUUID().slice(0, 6)}`;
    const slug = name.toLowerCase().replace(' ', '-');
    const swatchFile = path.join(suite.web.dir, `${slug}.jpg`);
    await writeFile(swatchFile, (await clothPhoto('#B9A58A')).jpeg);
    await page.goto(`${t.url}/admin/catalog`);
    await page.getByRole('link', { name: 'Nueva familia' }).click();
    await page.getByLabel('Nombre', { exact: true }).fill(name);
    await poll(() => page.getByLabel('Identificador').inputValue()).toBe(slug);
    await page.getByLabel('Composición').fill('100% linen');
    await page.getByLabel('Ligamento').selectOption('plain');
    await page.getByLabel('Gramaje (g/m²)').fill('240');
    await page.getByRole('button', { name: 'Crear familia' }).click();
    await page.waitForURL(/\/admin\/catalog\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name }).waitFor();
    await imageLoaded(page, '.admin-editor [data-testid=preview-image]');

    await page.getByRole('button', { name: 'Añadir color' }).click();
    const dialog = page.locator('dialog');
    await dialog.getByLabel('Nombre', { exact: true }).fill('Arena');
    await dialog.getByLabel('Ancho de la foto (mm)').fill('100');
    await dialog.locator('input[type=file]').setInputFiles(swatchFile);
    await dialog.locator('[data-testid=swatch-result]').waitFor();
    const measured = (await dialog.locator('[data-testid=swatch-result]').textContent())!.match(/#[0-9A-F]{6}/)![0];
    // The measured colour becomes the colour's hex, and the suit is previewed in the photographed cloth.
    await poll(() => dialog.locator('input[name=color-hex]').inputValue()).toBe(measured);
    const swatchId = await dialog.locator('[data-testid=swatch-result]').getAttribute('data-swatch');
    await imageLoaded(page, `dialog [data-testid=preview-image][data-key*="${swatchId}"]`);
    await imageLoaded(page, 'dialog [data-testid=swatch-result] img');
    await shot(page, 'admin-colour-with-swatch');
    await dialog.getByRole('button', { name: 'Crear color' }).click();
    await page.locator('[data-testid=color-list] [data-color=arena]').waitFor();
    await poll(() => page.locator('dialog').count()).toBe(0);

    const made = (await catalog()).find((f) => f.id === slug);
    expect(made?.colors).toEqual([expect.objectContaining({ id: 'arena', hex: measured, swatchUrl: expect.stringMatching(/^\/files\/swatch-tiles\//) })]);
  });

  it('shows a new family in the stylist app', async () => {
    const { slug } = await family(await account('merchandiser'), unique('Lino Visto'));
    // The stylist app is for signed-in associates: a showroom tablet's session.
    const page = await newPage(await account('associate'));
    await page.goto(`${t.url}/`);
    await page.locator(`[data-testid=family-grid] [data-family=${slug}]`).waitFor();
    await shot(page, 'admin-stylist-sees-family');
  });

  it('archives a family that has been rendered: the stylist app no longer offers it', async () => {
    const email = await account('merchandiser');
    const name = unique('Lino Archivado');
    const { slug } = await family(email, name);
    // A stylist renders it: from now on, deleting it would lose history, so the console archives it.
    const ordered = await (await stylistFor(t)).fetch('/api/renders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ family: slug, color: 'arena', cuts: ['single-breasted'] }),
    });
    expect([200, 202]).toContain(ordered.status);
    await ordered.arrayBuffer();

    const page = await newPage(email);
    await page.goto(`${t.url}/admin/catalog`);
    await page.locator('#family-search').fill(slug);
    const row = page.locator(`[data-testid=families-table] [data-family=${slug}]`);
    // The first page already lists the new family; the search's answer then redraws the table with
    // it alone. A click on the row while that redraw lands hit another row's button (CI, under load:
    // no archive dialog). Act on the searched table.
    await poll(() => page.locator('[data-testid=families-table] [data-family]').count()).toBe(1);
    await row.waitFor();
    await row.getByRole('button', { name: 'Archivar' }).click();
    await page.locator('dialog').getByRole('button', { name: 'Archivar' }).click();
    await poll(() => page.getByRole('status').first().textContent()).toBe(`${name} se ha archivado.`);
    await poll(() => row.count()).toBe(0);
    await page.getByLabel('Mostrar').selectOption('archived');
    await row.waitFor();
    await shot(page, 'admin-archived');

    expect((await catalog()).map((f) => f.id)).not.toContain(slug);
    await page.goto(`${t.url}/`);
    await page.locator('[data-testid=family-grid] [data-family=super-120s-twill]').waitFor();
    expect(await page.locator(`[data-testid=family-grid] [data-family=${slug}]`).count()).toBe(0);
  });

  it('shows an administrator every section: cuts, import with a dry run, renders with live workers, accounts', async () => {
    const merchandiser = await account('merchandiser');
    const page = await newPage(await account('admin'));
    await page.goto(`${t.url}/admin/catalog`);
    await page.locator('[data-testid=families-table]').waitFor();

    await page.getByRole('tab', { name: 'Cortes' }).click();
    await page.locator('[data-cut=double-breasted]').waitFor();
    await shot(page, 'admin-cuts');

    await page.getByRole('tab', { name: 'Importar y exportar' }).click();
    const exported = path.join(suite.web.dir, `${unique('catalog')}.csv`);
    // The export as the browser downloads it (with the session cookie), then imported back as a file.
    const csv = await page.evaluate(async () => (await fetch('/api/admin/catalog/export?format=csv')).text());
    await writeFile(exported, `\uFEFF${csv}`);
    await page.locator('input[type=file]').setInputFiles(exported);
    await page.getByRole('button', { name: 'Probar' }).click();
    await poll(() => page.locator('[data-testid=import-result]').textContent()).toContain('El catálogo ya dice lo que dice el archivo');
    await shot(page, 'admin-import-dry-run');

    await page.getByRole('tab', { name: 'Renders' }).click();
    await page.locator('[data-testid=render-figures]').waitFor();
    await page.locator('.admin-workers li').first().waitFor();
    await shot(page, 'admin-renders');

    await page.getByRole('tab', { name: 'Cuentas' }).click();
    await page.getByRole('cell', { name: merchandiser }).waitFor();
    await shot(page, 'admin-users');
  });

  it('records what was done in the audit log, and signs out', async () => {
    const email = await account('admin');
    // What a merchandiser's morning leaves in the log: a family made, a swatch photographed, an export.
    const { slug, merch } = await family(email, unique('Lino Auditado'));
    const form = new FormData();
    form.append('file', new Blob([(await clothPhoto()).jpeg], { type: 'image/jpeg' }), 'swatch.jpg');
    expect((await merch('POST', '/api/admin/swatches', form)).status).toBe(201);
    await (await merch('GET', '/api/admin/catalog/export?format=csv')).text();
    const id = (await merch.json('GET', `/api/admin/families?q=${slug}`)).items[0].id;
    await merch.json('DELETE', `/api/admin/families/${id}`);

    const page = await newPage(email);
    await page.goto(`${t.url}/admin/audit`);
    const list = page.locator('[data-testid=audit-list]');
    await list.locator('li').first().waitFor();
    for (const action of ['family.create', 'swatch.upload', 'auth.login', 'catalog.export']) await poll(() => list.textContent()).toContain(action);
    await shot(page, 'admin-audit');
    await page.locator('[data-testid=sign-out]').click();
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/admin/me')).status);
    expect(status).toBe(401);
  });
});
