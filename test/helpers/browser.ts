/**
 * Headless Chromium for the end-to-end tests and the web bench: the web app built into a private
 * folder (never web/dist, which `npm run build:web` may be rewriting at the same moment), one browser
 * per test file, a fresh context and page per test.
 */
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startTestApp, startTestDatabase, type TestApp } from './harness.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** Screenshots (gitignored). */
export const RESULTS_DIR = path.join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const LANDSCAPE = { width: 1280, height: 800 };
export const PORTRAIT = { width: 800, height: 1280 };
export const DESKTOP = { width: 1920, height: 1080 };

/**
 * How long a locator waits for its condition. Generous: on a two-core machine shared with other
 * builds and suites (load average 40 measured) a render that takes 30 ms alone takes many seconds,
 * and a condition-based wait costs nothing when things are fast.
 */
export const E2E_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 60_000);
/** A whole browser test: its every wait is bounded by E2E_TIMEOUT_MS already; this only stops a runaway. */
export const E2E_TEST_TIMEOUT_MS = 10 * E2E_TIMEOUT_MS;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface BuiltWebApp {
  dir: string;
  buildMs: number;
  remove(): Promise<void>;
}

/** `npm run build:web` into `outDir` (a fresh temp folder by default), as production builds it. */
export async function buildWebApp(outDir?: string): Promise<BuiltWebApp> {
  const { build } = await import('vite');
  const dir = outDir ?? (await mkdtemp(path.join(os.tmpdir(), 'atelier-web-')));
  const started = performance.now();
  // Vitest runs with NODE_ENV=test; the app must be built as `npm run build:web` builds it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    // WEB_BUILD_UNMINIFIED=1 keeps the app's function names, for a profile of the page (BENCH_WEB_TRACE_JS) that names them.
    const minify = process.env.WEB_BUILD_UNMINIFIED ? { minify: false } : {};
    await build({
      configFile: path.join(ROOT, 'web/vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: dir, emptyOutDir: true, ...minify },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const buildMs = performance.now() - started;
  return { dir, buildMs, remove: () => (outDir ? Promise.resolve() : rm(dir, { recursive: true, force: true })) };
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/**
 * A browser context on `appUrl` whose app files come from `dist` (by request interception); /api and
 * /files go to the real server as they are. Pages get the server's own Content-Security-Policy.
 */
export async function newAppContext(browser: Browser, appUrl: string, dist: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const csp = (await fetch(`${appUrl}/healthz`)).headers.get('content-security-policy') ?? '';
  const context = await browser.newContext({ viewport: LANDSCAPE, locale: 'es-ES', deviceScaleFactor: 1, ...options });
  context.setDefaultTimeout(E2E_TIMEOUT_MS);
  await context.route(
    (url) =>
      url.origin === appUrl &&
      !url.pathname.startsWith('/api/') &&
      !url.pathname.startsWith('/files/') &&
      !/^\/(catalog|generate|jobs|upload-swatch|health)/.test(url.pathname),
    async (route) => {
      const { pathname } = new URL(route.request().url());
      const file = path.join(dist, pathname.startsWith('/assets/') || pathname === '/favicon.svg' ? pathname : 'index.html');
      const found = await stat(file)
        .then((s) => s.isFile())
        .catch(() => false);
      if (!found) return route.fulfill({ status: 404, body: 'not found' });
      const cache = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      await route.fulfill({
        status: 200,
        body: await readFile(file),
        headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp, 'cache-control': cache },
      });
    },
  );
  return context;
}

/** Script errors and CSP refusals seen by `page`: a test ends by expecting none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), ...options });
}

/** A value read from the page, retried until it matches (the page updates when it is ready, not at once). */
export const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: E2E_TIMEOUT_MS, interval: 50 });

/** A gate for a routed request: the test decides when the response may go on (instead of a sleep). */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

export interface BrowserSuite {
  /** The server (embedded PostgreSQL, demo catalogue, in-process worker), one per test file. */
  readonly t: TestApp;
  /** The web app built for this file. */
  readonly web: BuiltWebApp;
  /**
   * A fresh browser context with one page, closed after the test; its script errors fail the test.
   * `prepare` runs on the context before the page opens (cookies, routes).
   */
  newPage(options?: BrowserContextOptions, prepare?: (context: BrowserContext) => Promise<void>): Promise<Page>;
}

/**
 * Registers the hooks of a browser test file: the web app built and a server and browser started
 * once for the file; every test opens its own contexts through `newPage`, closed after it.
 */
export function browserSuite(): BrowserSuite {
  let t: TestApp | undefined;
  let web: BuiltWebApp | undefined;
  let pg: Awaited<ReturnType<typeof startTestDatabase>> | undefined;
  let browser: Browser | undefined;
  let opened: Array<{ context: BrowserContext; errors: string[] }> = [];

  beforeAll(async () => {
    [web, pg] = await Promise.all([buildWebApp(), startTestDatabase()]);
    t = await startTestApp({ databaseUrl: pg.url });
    browser = await launchBrowser();
  }, E2E_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await pg?.stop();
    await web?.remove();
  });

  afterEach(async () => {
    const errors = opened.flatMap((o) => o.errors);
    await Promise.all(opened.map((o) => o.context.close()));
    opened = [];
    expect(errors, 'script errors or CSP refusals in the page').toEqual([]);
  });

  return {
    get t() {
      return t!;
    },
    get web() {
      return web!;
    },
    async newPage(options = {}, prepare) {
      const context = await newAppContext(browser!, t!.url, web!.dir, options);
      await prepare?.(context);
      const page = await context.newPage();
      opened.push({ context, errors: collectPageErrors(page) });
      return page;
    },
  };
}
