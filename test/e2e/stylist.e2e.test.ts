/**
 * The stylist web app end to end, in real headless Chromium against the real server (embedded
 * PostgreSQL, in-process render worker, compose engine). One browser, one session, run in order:
 * the way an associate moves through the app. Screenshots go to test-results/; the
 * browser measurements are in bench/web.bench.ts (`npm run bench web`).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RESULTS = path.join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
const DESKTOP = { width: 1920, height: 1080 };

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Script errors and CSP refusals seen by the main page: there must be none. */
const pageErrors: string[] = [];

// In-page code runs in the browser; the project's tsconfig has no DOM types, hence `any`.
const doc = () => (globalThis as any).document;

beforeAll(async () => {
  await mkdir(RESULTS, { recursive: true });
  // Vitest runs with NODE_ENV=test; the app must be built as `npm run build:web` builds it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  // A Spanish tablet: the app should start in Spanish.
  context = await browser.newContext({ viewport: LANDSCAPE, locale: 'es-ES', deviceScaleFactor: 1 });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => {
    pageErrors.push(String(error));
    console.error('page error:', error);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) pageErrors.push(message.text());
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await pg?.stop();
});

const shot = (name: string, p: Page = page) => p.screenshot({ path: path.join(RESULTS, `${name}.png`) });

async function previewKey(p: Page = page): Promise<string | null> {
  return p.locator('[data-testid=preview-image]').getAttribute('data-key');
}

/** Waits until the suit on screen is the one for `key`, fully loaded. */
async function waitForPreview(key: string, p: Page = page, timeout = 20_000) {
  await p.waitForFunction(
    (k: string) => {
      const img = (globalThis as any).document.querySelector('[data-testid=preview-image]');
      return !!img && img.dataset.key === k && img.complete && img.naturalWidth > 0;
    },
    key,
    { timeout },
  );
}

/** A photographed check cloth: a tartan-like check with yarn noise, on a grey table, slightly lit from one side. */
async function checkFabricPhoto(): Promise<Buffer> {
  const width = 1600;
  const height = 1200;
  const rgb = Buffer.alloc(width * height * 3);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const onCloth = x > 120 && x < 1480 && y > 90 && y < 1110;
      let c: [number, number, number];
      if (!onCloth) {
        c = [150, 148, 144];
      } else {
        const u = (x - 120) % 96;
        const v = (y - 90) % 96;
        const bandX = u < 30;
        const bandY = v < 30;
        const line = u === 60 || u === 61 || v === 60 || v === 61;
        c = bandX && bandY ? [40, 52, 40] : bandX || bandY ? [56, 78, 58] : [36, 44, 78];
        if (line) c = [150, 40, 40];
        // twill: a diagonal tick every few pixels
        if ((x + y) % 4 === 0) c = [c[0] - 10, c[1] - 10, c[2] - 10];
      }
      const light = 0.92 + 0.12 * (x / width);
      const noise = (rand() - 0.5) * 14;
      rgb[i] = Math.max(0, Math.min(255, c[0] * light + noise));
      rgb[i + 1] = Math.max(0, Math.min(255, c[1] * light + noise));
      rgb[i + 2] = Math.max(0, Math.min(255, c[2] * light + noise));
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}


/** Text whose contrast with its background is below WCAG AA (4.5:1, or 3:1 for large text). */
async function lowContrastText(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const w = globalThis as any;
    const parse = (c: string) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(',').map((v: string) => Number(v.trim()));
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: any) => {
      for (let e = el; e; e = e.parentElement) {
        const style = w.getComputedStyle(e);
        if (style.backgroundImage !== 'none' && e.tagName !== 'BODY') return null; // text over an image or gradient: not judged here
        const bg = parse(style.backgroundColor);
        if (bg && bg.a > 0.5) return bg;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const problems: string[] = [];
    const walker = w.document.createTreeWalker(w.document.body, 4 /* text */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const el = node.parentElement;
      if (!text || !el || el.closest('[hidden], [aria-hidden=true], :disabled, .visually-hidden, .skip-link')) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const style = w.getComputedStyle(el);
      if (style.visibility === 'hidden' || Number(style.opacity) < 0.5) continue;
      const fg = parse(style.color);
      const bg = background(el);
      if (!fg || !bg) continue;
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push(`${text.slice(0, 40)} (${ratio.toFixed(2)}:1)`);
    }
    return problems;
  });
}

describe('the stylist on a showroom tablet', () => {
  it('opens in the browser’s language with the catalogue as swatch cards and the suit already on screen', async () => {
    await page.goto(t.url + '/');
    await expect.poll(() => page.locator('[data-family]').count()).toBe(12);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.locator('[data-tab=fitting]').textContent()).toContain('Probador');
    expect(await page.getByTestId('result-count').textContent()).toBe('12 de 12 tejidos');
    const card = page.locator('[data-family=winter-flannel]');
    expect(await card.textContent()).toContain('370 g/m²');
    expect(await card.textContent()).toContain('Otoño–invierno');
    expect(await card.textContent()).toMatch(/100\s%\slana cardada/);
    // The first family, colour, cut and view are previewed at once.
    await waitForPreview('super-120s-twill/navy//single-breasted/front');
    expect(await page.locator('[data-testid=preview-image]').getAttribute('alt')).toMatch(/Recto de dos botones, vista Frente, en Super 120s Twill, Azul marino/);
    // Every image has a text alternative.
    expect(await page.locator('img:not([alt])').count()).toBe(0);
    await shot('01-fitting-landscape-1280x800');
    // The server's Content-Security-Policy allows what the app does (no inline scripts).
    const csp = (await page.request.get(t.url + '/')).headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(pageErrors).toEqual([]);
  });

  it('filters by season, weight, weave, pattern and colour family, with counts that add up', async () => {
    const count = (facet: string, value: string) => page.locator(`[data-facet=${facet}] [data-value="${value}"] .chip__count`).textContent();
    // On a tablet the filters wait behind their button.
    expect(await page.getByTestId('filters-toggle').getAttribute('aria-expanded')).toBe('false');
    await page.click('[data-testid=filters-toggle]');
    expect(await count('season', 'autumn-winter')).toBe('5');
    await page.click('[data-facet=season] [data-value=autumn-winter]');
    expect(await page.getByTestId('result-count').textContent()).toBe('5 de 12 tejidos');
    // Counts of the other facets now count within autumn–winter.
    expect(await count('colour', 'green')).toBe('1');
    expect(await count('weave', 'flannel')).toBe('2');
    await page.click('[data-facet=colour] [data-value=green]');
    expect(await page.locator('[data-family]').evaluateAll((els) => els.map((e: any) => e.dataset.family))).toEqual(['herringbone']);
    // The card shows the colourway that matched: olive.
    expect(await page.locator('[data-family=herringbone] img').getAttribute('alt')).toContain('Verde oliva');
    await shot('02-filters-landscape-1280x800');
    await page.click('[data-facet=colour] [data-value=green]');
    await page.click('[data-facet=weight] [data-value=heavy]');
    expect(await page.getByTestId('result-count').textContent()).toBe('3 de 12 tejidos');
    await page.getByRole('searchbox').fill('espiga');
    expect(await page.getByTestId('result-count').textContent()).toBe('0 de 12 tejidos');
    await page.getByRole('searchbox').fill('franela');
    expect(await page.getByTestId('result-count').textContent()).toBe('2 de 12 tejidos');
    // Closed, the panel still shows what is applied, each removable with one tap.
    await page.click('[data-testid=filters-toggle]');
    expect(await page.getByTestId('active-filters').textContent()).toContain('Otoño–invierno');
    await page.getByRole('button', { name: 'Quitar filtros' }).first().click();
    expect(await page.getByTestId('result-count').textContent()).toBe('12 de 12 tejidos');
  });

  it('picks a family and a colour, and the preview follows every change of colour, cut and view', async () => {
    await page.click('[data-family=city-pinstripe]');
    await waitForPreview('city-pinstripe/navy//single-breasted/front');
    expect(await page.getByTestId('family-name').textContent()).toBe('City Pinstripe');
    await page.click('[data-color=charcoal]');
    await waitForPreview('city-pinstripe/charcoal//single-breasted/front');
    expect(await page.locator('[data-testid=closeup] img').getAttribute('alt')).toContain('Gris marengo');
    await page.click('[data-cut=double-breasted]');
    await waitForPreview('city-pinstripe/charcoal//double-breasted/front');
    await page.click('[data-view=three-quarter]');
    await waitForPreview('city-pinstripe/charcoal//double-breasted/three-quarter');
    // Fast taps: only the last one may end on screen.
    await page.click('[data-color=navy]');
    await page.click('[data-color=black]');
    await page.click('[data-color=charcoal]');
    await page.click('[data-color=navy]');
    await waitForPreview('city-pinstripe/navy//double-breasted/three-quarter');
    await page.waitForTimeout(400);
    expect(await previewKey()).toBe('city-pinstripe/navy//double-breasted/three-quarter');
    await page.click('[data-view=front]');
    await waitForPreview('city-pinstripe/navy//double-breasted/front');
  });

  it('renders every cut in full with a progress bar fed by the event stream, into the gallery', async () => {
    const streams: string[] = [];
    page.on('request', (r) => r.url().endsWith('/events') && streams.push(r.url()));
    await page.evaluate(() => {
      const w = globalThis as any;
      w.__progress = [];
      new w.MutationObserver(() => {
        const bar = w.document.querySelector('[data-testid=job-progress]');
        if (bar) w.__progress.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(w.document.body, { subtree: true, attributes: true, childList: true });
    });
    await page.check('text=Incluir todos los cortes');
    expect(await page.getByTestId('generate').textContent()).toContain('6 imágenes');
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=job][data-done=true]', { timeout: 60_000 });
    const progress: number[] = await page.evaluate(() => (globalThis as any).__progress);
    expect(progress.at(-1)).toBe(100);
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    expect(streams.length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=job] .job__text').textContent()).toMatch(/6 imágenes listas/);
    await expect.poll(() => page.locator('[data-testid=session-gallery] .tile[data-status=succeeded]').count()).toBe(6);
    await page.uncheck('text=Incluir todos los cortes');
    await shot('03-gallery-landscape-1280x800');
  });

  it('falls back to polling when the event stream breaks', async () => {
    await page.route('**/api/renders/*/events', (route) => route.abort());
    const polls: string[] = [];
    page.on('request', (r) => /\/api\/renders\/[0-9a-f-]{36}$/.test(r.url()) && polls.push(r.url()));
    await page.click('[data-color=black]');
    await page.check('text=Incluir todos los cortes');
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=job][data-done=true]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=job] .job__text').textContent()).toMatch(/6 imágenes listas/);
    expect(polls.length).toBeGreaterThan(0);
    await page.uncheck('text=Incluir todos los cortes');
    await page.unroute('**/api/renders/*/events');
  });

  it('opens a render full size: wheel and pinch zoom, drag to pan, next and previous, download', async () => {
    await page.locator('[data-testid=session-gallery] .tile[data-status=succeeded] .tile__open').first().click();
    const viewer = page.getByTestId('viewer');
    await viewer.waitFor();
    const pane = page.getByTestId('viewer-pane');
    await pane.locator('img').waitFor();
    const box = (await pane.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => Number(await pane.getAttribute('data-scale'))).toBeGreaterThan(1.5);
    const before = await pane.locator('img').evaluate((img: any) => img.style.transform);
    await page.mouse.down();
    await page.mouse.move(cx - 60, cy - 120, { steps: 5 });
    await page.mouse.up();
    expect(await pane.locator('img').evaluate((img: any) => img.style.transform)).not.toBe(before);
    await shot('04-viewer-zoomed-landscape-1280x800');
    // Pinch with two touch pointers spreading apart.
    await page.click('[aria-label="Ajustar a la pantalla"]');
    await expect.poll(async () => Number(await pane.getAttribute('data-scale'))).toBe(1);
    await pane.evaluate((el: any, { cx, cy }: { cx: number; cy: number }) => {
      const fire = (type: string, id: number, x: number) =>
        el.dispatchEvent(new (globalThis as any).PointerEvent(type, { pointerId: id, pointerType: 'touch', clientX: x, clientY: cy, bubbles: true, isPrimary: id === 1 }));
      fire('pointerdown', 1, cx - 40);
      fire('pointerdown', 2, cx + 40);
      for (let i = 1; i <= 5; i++) fire('pointermove', 2, cx + 40 + i * 24);
      fire('pointerup', 2, cx + 160);
      fire('pointerup', 1, cx - 40);
    }, { cx, cy });
    expect(Number(await pane.getAttribute('data-scale'))).toBeGreaterThan(1.8);
    // Keyboard: next and previous.
    const title = async () => page.locator('#viewer-title + p').textContent();
    const first = await title();
    await page.keyboard.press('ArrowRight');
    expect(await title()).not.toBe(first);
    await page.click('[aria-label="Anterior"]');
    expect(await title()).toBe(first);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    expect(download.suggestedFilename()).toMatch(/^atelier-[a-z0-9-]+\.jpg$/);
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('compares two renders side by side, zooming both together', async () => {
    const selects = page.locator('[data-testid=session-gallery] .tile[data-status=succeeded] .tile__select');
    await selects.nth(0).click();
    await selects.nth(2).click();
    await page.getByTestId('selection-bar').waitFor();
    await page.click('[data-testid=compare-button]');
    await page.getByTestId('compare').waitFor();
    await page.locator('[data-testid=compare-pane-1] img').waitFor();
    await page.click('[aria-label="Acercar"]');
    await page.click('[aria-label="Acercar"]');
    expect(Number(await page.getByTestId('compare-pane-0').getAttribute('data-scale'))).toBeGreaterThan(2);
    expect(await page.getByTestId('compare-pane-0').getAttribute('data-scale')).toBe(await page.getByTestId('compare-pane-1').getAttribute('data-scale'));
    await page.waitForTimeout(300);
    await shot('05-compare-landscape-1280x800');
    await page.keyboard.press('Escape');
  });

  it('saves the selection as a look whose share link opens read-only without signing in', async () => {
    await page.click('[data-testid=save-look]');
    await page.getByTestId('look-title').fill('Boda en junio');
    await page.getByTestId('look-client').fill('Ana García');
    await page.click('[data-testid=look-save]');
    const link = await page.getByTestId('share-link').getAttribute('href');
    expect(link).toMatch(/^\/looks\/[A-Za-z0-9_-]{43}$/);
    await shot('06-look-saved-landscape-1280x800');
    await page.getByRole('button', { name: 'Hecho' }).click();
    expect(await page.locator('[data-testid=selection-bar]').count()).toBe(0);

    // The client: another browser profile, English, no session of any kind.
    const client = await browser.newContext({ viewport: PORTRAIT, locale: 'en-GB' });
    const share = await client.newPage();
    await share.goto(t.url + link);
    await share.getByTestId('look-title').waitFor();
    expect(await share.getByTestId('look-title').textContent()).toBe('Boda en junio');
    expect(await share.locator('.share__eyebrow').textContent()).toBe('Prepared for Ana García');
    await expect.poll(() => share.locator('[data-testid=look-gallery] .tile img').count()).toBe(2);
    await share.waitForFunction(() => [...(globalThis as any).document.querySelectorAll('.tile img')].every((i: any) => i.complete && i.naturalWidth > 0));
    // Read-only: nothing to generate, select or save.
    expect(await share.locator('[data-testid=generate], .tile__select, [data-testid=save-look]').count()).toBe(0);
    await shot('07-share-page-portrait-800x1280', share);
    expect(await lowContrastText(share)).toEqual([]);
    await share.setViewportSize(DESKTOP);
    await shot('07-share-page-desktop-1920x1080', share);
    await share.goto(t.url + '/looks/' + 'x'.repeat(43));
    await share.getByRole('heading', { name: 'This look does not exist' }).waitFor();
    await client.close();

    // The associate's tablet remembers the look.
    await page.click('[data-tab=looks]');
    expect(await page.getByTestId('look-list').textContent()).toContain('Boda en junio');
    await shot('08-looks-landscape-1280x800');
    await page.click('[data-tab=history]');
    await expect.poll(() => page.locator('[data-testid=history] .tile').count()).toBeGreaterThanOrEqual(8);
    await shot('09-history-landscape-1280x800');
    expect(await lowContrastText(page)).toEqual([]);
    await page.click('[data-tab=fitting]');
  });

  it('previews a photographed check cloth on the suit, after framing it and stating its scale', async () => {
    const photo = await checkFabricPhoto();
    // Slow the upload down so its progress, and the locked Generate button, can be seen.
    await page.route('**/api/swatch-uploads', async (route) => {
      await new Promise((r) => setTimeout(r, 1200));
      await route.continue();
    });
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'check.jpg', mimeType: 'image/jpeg', buffer: photo });
    const stage = page.getByTestId('cloth-stage');
    await page.getByTestId('crop-box').waitFor();
    // Two taps on a known length: the check repeats every 96 px of this photo; tap 5 repeats apart and say 100 mm.
    await page.check('[data-testid=scale-measure]');
    const box = (await stage.boundingBox())!;
    const k = box.width / 1600;
    await page.mouse.click(box.x + (120 + 96 * 2) * k, box.y + 600 * k);
    await page.mouse.click(box.x + (120 + 96 * 7) * k, box.y + 600 * k);
    await page.getByTestId('length-mm').fill('100');
    // The default frame is 840 px wide (70 % of 1200): 840 / 480 × 100 mm = 175 mm.
    await expect.poll(() => page.getByTestId('scale-result').textContent()).toMatch(/1(7[4-6])\smm/);
    await shot('10-cloth-framing-landscape-1280x800');
    await page.click('[data-testid=use-cloth]');
    await page.waitForSelector('[data-testid=cloth-chip][data-status=uploading]');
    expect(await page.getByTestId('generate').isDisabled()).toBe(true);
    expect(await page.getByTestId('generate-reason').textContent()).toMatch(/termine de subirse/);
    await page.waitForSelector('[data-testid=cloth-chip][data-status=ready]', { timeout: 30_000 });
    await page.unroute('**/api/swatch-uploads');
    expect(await page.getByTestId('measured-color').textContent()).toMatch(/#[0-9A-F]{6}/);
    expect(await page.getByTestId('measured-color').textContent()).toMatch(/175\smm/);
    await page.waitForFunction(() => /^city-pinstripe\/\/[0-9a-f-]{36}\/double-breasted\/front$/.test((globalThis as any).document.querySelector('[data-testid=preview-image]')?.dataset.key ?? ''), undefined, { timeout: 30_000 });
    await page.waitForFunction(() => {
      const img = (globalThis as any).document.querySelector('[data-testid=preview-image]');
      return img.complete && img.naturalWidth > 0;
    });
    expect(await page.getByTestId('generate').isDisabled()).toBe(false);
    expect(await page.locator('[data-testid=preview-image]').getAttribute('alt')).toContain('Tu tela');
    await shot('11-cloth-on-suit-landscape-1280x800');
    // One tap removes it; the catalogue colour is back.
    await page.click('[data-testid=remove-cloth]');
    await waitForPreview('city-pinstripe/black//double-breasted/front');
  });

  it('says plainly when a photo cannot be used, and never falls back to a catalogue colour', async () => {
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 not a photo') });
    expect(await page.getByTestId('cloth-error').textContent()).toMatch(/no es una foto/);
    expect(await page.getByTestId('generate').isDisabled()).toBe(true);
    await page.click('[data-testid=remove-cloth]');

    const tiny = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#334455' } }).png().toBuffer();
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'tiny.png', mimeType: 'image/png', buffer: tiny });
    await page.click('[data-testid=use-cloth]');
    await page.waitForSelector('[data-testid=cloth-chip][data-status=failed]');
    expect(await page.getByTestId('cloth-error').textContent()).toMatch(/demasiado pequeña/);
    expect(await page.getByTestId('generate').isDisabled()).toBe(true);
    expect(await page.getByTestId('generate-reason').textContent()).toMatch(/no se puede usar/);
    await shot('12-cloth-error-landscape-1280x800');
    await page.click('[data-testid=remove-cloth]');

    // Larger than the server takes (5 MB by default) even once the framed part is cut out on the
    // tablet: refused with a message, not a network error.
    const huge = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 98 }).toBuffer();
    expect(huge.length).toBeGreaterThan(5 * 1024 * 1024);
    const sent: number[] = [];
    const onRequest = (r: any) => r.url().endsWith('/api/swatch-uploads') && sent.push(r.postDataBuffer()?.length ?? 0);
    page.on('request', onRequest);
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: huge });
    await page.click('[data-testid=use-cloth]');
    await page.waitForSelector('[data-testid=cloth-chip][data-status=failed]', { timeout: 30_000 });
    expect(await page.getByTestId('cloth-error').textContent()).toMatch(/demasiado grande/);
    expect(await page.locator('[data-testid=api-banner]').count()).toBe(0);
    // Only the framed cloth travelled, not the whole photo.
    page.off('request', onRequest);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeLessThan(huge.length * 0.75);
    await page.click('[data-testid=remove-cloth]');
    expect(await page.getByTestId('generate').isDisabled()).toBe(false);
  });

  it('shows why a render failed, and Retry renders it again', async () => {
    // The camera button opens the rear camera; the other one the photo library.
    expect(await page.getAttribute('[data-testid=take-photo]', 'capture')).toBe('environment');
    expect(await page.getAttribute('[data-testid=take-photo]', 'accept')).toBe('image/*');
    expect(await page.getAttribute('[data-testid=choose-photo]', 'capture')).toBeNull();

    const reason = 'The render failed because of an internal error; it will be retried or you can try again';
    let fakeId = 100;
    // Fails the next `n` orders for the three-piece cut (the app may be preparing other colourways meanwhile).
    let failuresLeft = 0;
    const failOnce = async (route: any) => {
      const order = route.request().method() === 'POST' ? route.request().postDataJSON() : undefined;
      if (!order || failuresLeft <= 0 || !order.cuts.includes('three-piece')) return route.continue();
      failuresLeft--;
      const now = new Date().toISOString();
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          batchId: '00000000-0000-4000-8000-000000000001',
          renders: order.cuts.map((cut: string) => ({
            id: `00000000-0000-4000-8000-000000000${fakeId++}`, status: 'failed', progress: 0, family: order.family, color: order.color ?? null,
            swatchUploadId: null, cut, view: order.view, attempts: 3, error: reason, images: [], createdAt: now, finishedAt: now, durationMs: null, reused: false,
          })),
        }),
      });
    };
    // The live preview (a selection not yet seen in this visit, so it is ordered).
    await page.route('**/api/renders', failOnce);
    failuresLeft = 1;
    await page.click('[data-cut=three-piece]');
    await page.getByTestId('preview-failure').waitFor();
    expect(await page.getByTestId('preview-failure').textContent()).toContain(reason);
    await page.getByTestId('preview-failure').getByRole('button', { name: 'Reintentar' }).click();
    await waitForPreview('city-pinstripe/black//three-piece/front');
    // Full renders in the gallery.
    failuresLeft = 2;
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=job][data-done=true]');
    expect(await page.locator('[data-testid=job] .job__text').textContent()).toMatch(/0 listas, 2 con error/);
    const failed = page.locator('[data-testid=session-gallery] .tile[data-status=failed]').first();
    expect(await failed.textContent()).toContain(reason);
    await failed.getByRole('button', { name: 'Reintentar' }).click();
    await expect.poll(() => page.locator('[data-testid=session-gallery] .tile[data-status=failed]').count()).toBe(1);
    await page.unroute('**/api/renders', failOnce);
    await shot('13-failed-render-landscape-1280x800');
    await page.click('[data-cut=double-breasted]');
    await waitForPreview('city-pinstripe/black//double-breasted/front');
  });

  it('switches language, and remembers the choice', async () => {
    await page.click('[data-locale=en]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('[data-tab=fitting]').textContent()).toBe('Fitting room');
    expect(await page.getByTestId('result-count').textContent()).toBe('12 of 12 fabrics');
    expect(await page.locator('[data-family=winter-flannel]').textContent()).toContain('Autumn–winter');
    await page.reload();
    await page.locator('[data-family]').first().waitFor();
    expect(await page.locator('[data-tab=fitting]').textContent()).toBe('Fitting room');
    await shot('13-fitting-english-landscape-1280x800-en');
    await page.click('[data-locale=es]');
    expect(await page.locator('[data-tab=fitting]').textContent()).toBe('Probador');
  });

  it('shows a banner with Retry when the API is unreachable, and recovers', async () => {
    await waitForPreview('super-120s-twill/navy//single-breasted/front');
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.click('[data-color=charcoal]');
    await page.getByTestId('api-banner').waitFor();
    expect(await page.getByTestId('api-banner').textContent()).toMatch(/No se puede conectar/);
    expect(await page.getByTestId('preview-failure').textContent()).toMatch(/Reintentar/);
    await shot('14-api-down-landscape-1280x800');
    expect(await lowContrastText(page)).toEqual([]);
    await page.unroute('**/api/**');
    await page.getByTestId('api-banner').getByRole('button', { name: 'Reintentar' }).click();
    await waitForPreview('super-120s-twill/charcoal//single-breasted/front');
    await page.getByTestId('api-banner').waitFor({ state: 'detached' });
  });

  it('is keyboard navigable with a visible focus ring', async () => {
    await page.reload();
    await page.locator('[data-color]').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.className)).toBe('skip-link');
    await page.keyboard.press('Enter');
    // Tabs move with the arrow keys.
    await page.focus('[data-tab=fitting]');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.dataset.tab)).toBe('history');
    await page.keyboard.press('ArrowLeft');
    // A colour chip reached by keyboard shows a focus outline.
    await page.focus('[data-color=navy]');
    await page.keyboard.press('Enter');
    await waitForPreview('super-120s-twill/navy//single-breasted/front');
    const outline = await page.locator('[data-color=navy]').evaluate((el: any) => (globalThis as any).getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
  });

  it('lays out for a tablet in both orientations and for a desktop', async () => {
    // A gallery to see: both views of the cut on screen.
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=job][data-done=true]', { timeout: 60_000 });
    for (const [name, viewport] of [
      ['portrait-800x1280', PORTRAIT],
      ['desktop-1920x1080', DESKTOP],
      ['landscape-1280x800', LANDSCAPE],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
      await page.waitForTimeout(250);
      expect(await lowContrastText(page), `low-contrast text at ${name}`).toEqual([]);
      // Nothing wider than the screen.
      expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await shot(`15-fitting-${name}`);
    }
    await page.setViewportSize(PORTRAIT);
    await page.locator('[data-testid=family-grid]').scrollIntoViewIfNeeded();
    await shot('16-fabrics-portrait-800x1280');
    await page.locator('[data-testid=preview] .preview__open').click();
    await page.getByTestId('viewer-pane').locator('img').waitFor();
    await page.waitForTimeout(200);
    await shot('17-viewer-portrait-800x1280');
    await page.keyboard.press('Escape');
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'check.jpg', mimeType: 'image/jpeg', buffer: await checkFabricPhoto() });
    await page.getByTestId('crop-box').waitFor();
    await shot('18-cloth-framing-portrait-800x1280');
    await page.getByRole('button', { name: 'Cancelar' }).click();
    await page.setViewportSize(LANDSCAPE);

    // While the catalogue loads: skeletons, not a blank page.
    const slow = await browser.newContext({ viewport: LANDSCAPE, locale: 'es-ES' });
    const waiting = await slow.newPage();
    await waiting.route('**/api/catalog', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await waiting.goto(t.url + '/');
    await waiting.locator('[aria-busy=true]').first().waitFor();
    expect(await waiting.locator('.skeleton').count()).toBeGreaterThan(5);
    await shot('19-loading-skeletons-landscape-1280x800', waiting);
    await waiting.locator('[data-family]').first().waitFor();
    await slow.close();
    expect(pageErrors).toEqual([]);
  });
});
