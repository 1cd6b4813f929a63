/**
 * The admin console end to end, in headless Chromium against the real server (embedded PostgreSQL,
 * in-process worker): a merchandiser signs in, creates a family with a colour from a photographed
 * swatch, sees it in the stylist app, archives it, and sees it gone. Screenshots go to test-results/.
 *
 * The SPA is built into a private directory and handed to the browser by request interception, so
 * this file never races another test's build of web/dist; everything else (API, cookie, CSRF
 * origin check, uploads, files) is the real server's. The pages get the server's own CSP header.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { clothPhoto, createAccount, PASSWORD } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RESULTS = path.join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let browser: Browser;
let page: Page;
let dist: string;
let swatchFile: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  await mkdir(RESULTS, { recursive: true });
  dist = await mkdtemp(path.join(os.tmpdir(), 'atelier-web-'));
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  swatchFile = path.join(dist, 'swatch-photo.jpg');
  await writeFile(swatchFile, (await clothPhoto('#B9A58A')).jpeg);

  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url });
  await createAccount(t, 'merch@example.com', 'merchandiser');
  const csp = (await fetch(`${t.url}/healthz`)).headers.get('content-security-policy')!;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'es-ES' });
  // The app's files from the private build; /api and /files go to the server as they are.
  await context.route(
    (url) => url.origin === t.url && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/files/'),
    async (route) => {
      const { pathname } = new URL(route.request().url());
      const file = path.join(dist, pathname.startsWith('/assets/') || pathname === '/favicon.svg' ? pathname : 'index.html');
      const found = await stat(file).then((s) => s.isFile()).catch(() => false);
      if (!found) return route.fulfill({ status: 404, body: 'not found' });
      await route.fulfill({ status: 200, body: await readFile(file), headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp } });
    },
  );
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) pageErrors.push(message.text());
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await pg?.stop();
  if (dist) await rm(dist, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
const catalog = async () => (await json(await fetch(`${t.url}/api/catalog`))).families as Array<{ id: string; colors: Array<{ id: string; hex: string; swatchUrl: string }> }>;

async function imageLoaded(selector: string) {
  await page.waitForFunction((s: string) => {
    const img = (globalThis as any).document.querySelector(s);
    return !!img && img.complete && img.naturalWidth > 0;
  }, selector);
}

describe('admin console in Chromium', () => {
  it('signs in (after a wrong password) and shows the families table', async () => {
    await page.goto(`${t.url}/admin`);
    await page.getByLabel('Correo electrónico').fill('merch@example.com');
    await page.getByLabel('Contraseña').fill('not the password');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('El correo o la contraseña no son correctos.');
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.locator('[data-testid=families-table] [data-family=super-120s-twill]').waitFor();
    expect(await page.locator('[data-testid=families-table] tbody tr').count()).toBe(12);
    await shot('admin-families');
    // The session is an httpOnly cookie: scripts in the page cannot read it.
    // (In-page code: the project's tsconfig has no DOM types, hence `any`.)
    expect(await page.evaluate(() => (globalThis as any).document.cookie)).toBe('');
  });

  it('creates a family, previews it, and adds a colour from a photographed swatch', async () => {
    await page.getByRole('link', { name: 'Nueva familia' }).click();
    await page.getByLabel('Nombre', { exact: true }).fill('Lino Riviera');
    expect(await page.getByLabel('Identificador').inputValue()).toBe('lino-riviera');
    await page.getByLabel('Composición').fill('100% linen');
    await page.getByLabel('Ligamento').selectOption('plain');
    await page.getByLabel('Gramaje (g/m²)').fill('240');
    await page.getByRole('button', { name: 'Crear familia' }).click();
    await page.waitForURL(/\/admin\/catalog\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Lino Riviera' }).waitFor();
    await imageLoaded('.admin-editor [data-testid=preview-image]');

    await page.getByRole('button', { name: 'Añadir color' }).click();
    const dialog = page.locator('dialog');
    await dialog.getByLabel('Nombre', { exact: true }).fill('Arena');
    await dialog.getByLabel('Ancho de la foto (mm)').fill('100');
    await dialog.locator('input[type=file]').setInputFiles(swatchFile);
    await dialog.locator('[data-testid=swatch-result]').waitFor();
    const measured = (await dialog.locator('[data-testid=swatch-result]').textContent())!.match(/#[0-9A-F]{6}/)![0];
    // The measured colour becomes the colour's hex, and the suit is previewed in the photographed cloth.
    expect(await dialog.locator('input[name=color-hex]').inputValue()).toBe(measured);
    const swatchId = await dialog.locator('[data-testid=swatch-result]').getAttribute('data-swatch');
    await imageLoaded(`dialog [data-testid=preview-image][data-key*="${swatchId}"]`);
    await imageLoaded('dialog [data-testid=swatch-result] img');
    await shot('admin-colour-with-swatch');
    await dialog.getByRole('button', { name: 'Crear color' }).click();
    await page.locator('[data-testid=color-list] [data-color=arena]').waitFor();
    expect(await page.locator('dialog').count()).toBe(0);

    const family = (await catalog()).find((f) => f.id === 'lino-riviera');
    expect(family?.colors).toEqual([expect.objectContaining({ id: 'arena', hex: measured, swatchUrl: expect.stringMatching(/^\/files\/swatch-tiles\//) })]);
  });

  it('shows the new family in the stylist app', async () => {
    await page.goto(`${t.url}/`);
    await page.locator('[data-testid=family-grid] [data-family=lino-riviera]').waitFor();
    await shot('admin-stylist-sees-family');
    // A stylist renders it: from now on, deleting it would lose history, so the console archives it.
    const ordered = await page.evaluate(async () => {
      const res = await fetch('/api/renders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ family: 'lino-riviera', color: 'arena', cuts: ['single-breasted'] }) });
      return res.status;
    });
    expect([200, 202]).toContain(ordered);
  });

  it('archives the family from the console: the stylist app no longer offers it', async () => {
    await page.goto(`${t.url}/admin/catalog`);
    const row = page.locator('[data-testid=families-table] [data-family=lino-riviera]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Archivar' }).click();
    await page.locator('dialog').getByRole('button', { name: 'Archivar' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Lino Riviera se ha archivado.');
    await expect.poll(() => row.count()).toBe(0);
    await page.getByLabel('Mostrar').selectOption('archived');
    await row.waitFor();
    await shot('admin-archived');

    expect((await catalog()).map((f) => f.id)).not.toContain('lino-riviera');
    await page.goto(`${t.url}/`);
    await page.locator('[data-testid=family-grid] [data-family=super-120s-twill]').waitFor();
    expect(await page.locator('[data-testid=family-grid] [data-family=lino-riviera]').count()).toBe(0);
  });

  it('shows an administrator every section: cuts, import with a dry run, renders with live workers, accounts', async () => {
    await createAccount(t, 'boss@example.com', 'admin');
    await page.goto(`${t.url}/admin/catalog`);
    await page.locator('[data-testid=sign-out]').click();
    await page.getByLabel('Correo electrónico').fill('boss@example.com');
    await page.getByLabel('Contraseña').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.locator('[data-testid=families-table]').waitFor();

    await page.getByRole('tab', { name: 'Cortes' }).click();
    await page.locator('[data-cut=double-breasted]').waitFor();
    await shot('admin-cuts');

    await page.getByRole('tab', { name: 'Importar y exportar' }).click();
    const exported = path.join(dist, 'catalog.csv');
    // The export as the browser downloads it (with the session cookie), then imported back as a file.
    const csv = await page.evaluate(async () => (await fetch('/api/admin/catalog/export?format=csv')).text());
    await writeFile(exported, '\uFEFF' + csv);
    await page.locator('input[type=file]').setInputFiles(exported);
    await page.getByRole('button', { name: 'Probar' }).click();
    await expect.poll(() => page.locator('[data-testid=import-result]').textContent()).toContain('El catálogo ya dice lo que dice el archivo');
    await shot('admin-import-dry-run');

    await page.getByRole('tab', { name: 'Renders' }).click();
    await page.locator('[data-testid=render-figures]').waitFor();
    await page.locator('.admin-workers li').first().waitFor();
    await page.locator('[data-testid=renders-table] tbody tr').first().waitFor();
    await shot('admin-renders');

    await page.getByRole('tab', { name: 'Cuentas' }).click();
    await page.getByRole('cell', { name: 'merch@example.com' }).waitFor();
    await shot('admin-users');
  });

  it('records it all in the audit log, and signs out', async () => {
    await page.goto(`${t.url}/admin/audit`);
    const list = page.locator('[data-testid=audit-list]');
    await list.locator('li').first().waitFor();
    const text = await list.textContent();
    for (const action of ['family.create', 'color.create', 'swatch.upload', 'family.archive', 'auth.login', 'catalog.export']) expect(text).toContain(action);
    await shot('admin-audit');
    await page.locator('[data-testid=sign-out]').click();
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/admin/me')).status);
    expect(status).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
