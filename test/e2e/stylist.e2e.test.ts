/**
 * The stylist web app end to end, in real headless Chromium against the real server (embedded
 * PostgreSQL, in-process render worker, compose engine). Every test opens its own browser context
 * (fresh storage, fresh app state) and sets up what it needs; nothing carries over from one test to
 * the next, so any test runs alone (`-t name`) and in any order. Waits are on conditions (a locator,
 * a polled value), never on time, so the suite holds on a busy machine. The catalogue is the demo
 * catalogue the app ships (no test changes it); renders, looks and uploads are each test's own.
 * Screenshots go to test-results/; the browser measurements are in bench/web.bench.ts.
 */
import type { BrowserContextOptions, Locator, Page, Request } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, E2E_TEST_TIMEOUT_MS, DESKTOP, E2E_TIMEOUT_MS, gate, LANDSCAPE, PORTRAIT, poll, screenshot } from '../helpers/browser.ts';
import type { TestApp } from '../helpers/harness.ts';
import { createStaff, signInBrowser } from '../helpers/session.ts';

const suite = browserSuite();
/**
 * A fresh browser profile (a Spanish tablet unless told otherwise) with one page, signed in as a new
 * associate of no store (so History holds this test's renders only) unless `signedIn: false`.
 */
async function newPage(options: BrowserContextOptions & { signedIn?: boolean } = {}): Promise<Page> {
  const { signedIn = true, ...contextOptions } = options;
  return suite.newPage(contextOptions, signedIn ? async (context) => void (await signInBrowser(context, t, { store: null })) : undefined);
}
let t: TestApp;
beforeAll(() => {
  t = suite.t;
});

/** The stylist app, loaded, with its first suit on screen. */
async function openStylist(options?: BrowserContextOptions): Promise<Page> {
  const page = await newPage(options);
  await page.goto(`${t.url}/`);
  await page.locator('[data-color]').first().waitFor();
  await page.locator('[data-testid=preview-image]').waitFor();
  return page;
}

const textOf = (locator: Locator) => poll(() => locator.textContent());
const shot = (page: Page, name: string) => screenshot(page, name);

/** Waits until the suit on screen is the one for `key`, fully loaded. */
async function waitForPreview(page: Page, key: string) {
  await page.waitForFunction((k: string) => {
    const img = (globalThis as any).document.querySelector('[data-testid=preview-image]');
    return !!img && img.dataset.key === k && img.complete && img.naturalWidth > 0;
  }, key);
}

/** Every image in `scope` loaded (for screenshots worth looking at). */
async function imagesLoaded(page: Page, selector = 'img') {
  await page.waitForFunction(
    (s: string) => [...(globalThis as any).document.querySelectorAll(s)].every((i: any) => i.complete && i.naturalWidth > 0),
    selector,
  );
}

/** Two frames painted: the layout after a resize or a state change has been applied. */
const painted = (page: Page) =>
  page.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(() => (globalThis as any).requestAnimationFrame(r))));

/** Selects a family, a colour and a cut (front view), and waits for that suit on screen. */
async function choose(page: Page, family: string, color: string, cut = 'single-breasted') {
  await page.click(`[data-family=${family}]`);
  await page.click(`[data-color=${color}]`);
  await page.click(`[data-cut=${cut}]`);
  await waitForPreview(page, `${family}/${color}//${cut}/front`);
}

/** Renders the selection in full (every cut when `allCuts`) and waits for the job to finish. */
async function generate(page: Page, { allCuts = false, expected }: { allCuts?: boolean; expected: number }) {
  if (allCuts) await page.check('text=Incluir todos los cortes');
  await textOf(page.getByTestId('generate')).toContain(`${expected} imágenes`);
  await page.click('[data-testid=generate]');
  await page.locator('[data-testid=job][data-done=true]').waitFor({ timeout: 2 * E2E_TIMEOUT_MS });
  if (allCuts) await page.uncheck('text=Incluir todos los cortes');
}

/** A photographed check cloth: a tartan-like check with yarn noise, on a grey table, slightly lit from one side. */
async function checkFabricPhoto(): Promise<Buffer> {
  const width = 1600;
  const height = 1200;
  const rgb = Buffer.alloc(width * height * 3);
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
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
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
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
      const f = (v8: number) => {
        const v = v8 / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
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

describe('the stylist on a showroom tablet', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  it('asks the associate to sign in first, in the tablet’s language, and signs out again', async () => {
    const staff = await createStaff(t, { store: 'Serrano' });
    const page = await newPage({ signedIn: false });
    await page.goto(`${t.url}/`);
    const form = page.getByTestId('sign-in');
    await textOf(form.locator('h1')).toBe('Inicia sesión en esta tableta');
    expect(await page.locator('[data-color]').count()).toBe(0);
    await form.getByLabel('Correo electrónico').fill(staff.email);
    await form.getByLabel('Contraseña').fill('not the password');
    await form.getByRole('button', { name: 'Entrar' }).click();
    await textOf(form.getByRole('alert')).toMatch(/^No se pudo iniciar sesión\. /);
    await shot(page, '00-sign-in-landscape-1280x800');
    await form.getByLabel('Contraseña').fill(staff.password);
    await form.getByRole('button', { name: 'Entrar' }).click();
    await page.locator('[data-color]').first().waitFor();
    await textOf(page.locator('.session-badge')).toContain(staff.email);
    // The session is the tablet's, not the page's: a reload keeps it.
    await page.reload();
    await page.locator('[data-color]').first().waitFor();
    await page.getByTestId('sign-out').click();
    await form.waitFor();
    await page.reload();
    await form.waitFor();

    const english = await newPage({ signedIn: false, locale: 'en-GB' });
    await english.goto(`${t.url}/`);
    await textOf(english.getByTestId('sign-in').locator('h1')).toBe('Sign in to this tablet');
  });

  it('opens in the browser’s language with the catalogue as swatch cards and the suit already on screen', async () => {
    const page = await newPage();
    await page.goto(`${t.url}/`);
    await poll(() => page.locator('[data-family]').count()).toBe(12);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await textOf(page.locator('[data-tab=fitting]')).toContain('Probador');
    await textOf(page.getByTestId('result-count')).toBe('12 de 12 tejidos');
    const card = page.locator('[data-family=winter-flannel]');
    expect(await card.textContent()).toContain('370 g/m²');
    expect(await card.textContent()).toContain('Otoño–invierno');
    expect(await card.textContent()).toMatch(/100\s%\slana cardada/);
    // The first family, colour, cut and view are previewed at once.
    await waitForPreview(page, 'super-120s-twill/navy//single-breasted/front');
    expect(await page.locator('[data-testid=preview-image]').getAttribute('alt')).toMatch(
      /Recto de dos botones, vista Frente, en Super 120s Twill, Azul marino/,
    );
    // Every image has a text alternative.
    expect(await page.locator('img:not([alt])').count()).toBe(0);
    await shot(page, '01-fitting-landscape-1280x800');
    // The server's Content-Security-Policy allows what the app does (no inline scripts).
    const csp = (await fetch(`${t.url}/`)).headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
  });

  it('filters by season, weight, weave, pattern and colour family, with counts that add up', async () => {
    const page = await openStylist();
    const count = (facet: string, value: string) => textOf(page.locator(`[data-facet=${facet}] [data-value="${value}"] .chip__count`));
    const results = page.getByTestId('result-count');
    // On a tablet the filters wait behind their button.
    expect(await page.getByTestId('filters-toggle').getAttribute('aria-expanded')).toBe('false');
    await page.click('[data-testid=filters-toggle]');
    await count('season', 'autumn-winter').toBe('5');
    await page.click('[data-facet=season] [data-value=autumn-winter]');
    await textOf(results).toBe('5 de 12 tejidos');
    // Counts of the other facets now count within autumn–winter.
    await count('colour', 'green').toBe('1');
    await count('weave', 'flannel').toBe('2');
    await page.click('[data-facet=colour] [data-value=green]');
    await poll(() => page.locator('[data-family]').evaluateAll((els) => els.map((e: any) => e.dataset.family))).toEqual(['herringbone']);
    // The card shows the colourway that matched: olive.
    await poll(() => page.locator('[data-family=herringbone] img').getAttribute('alt')).toContain('Verde oliva');
    await shot(page, '02-filters-landscape-1280x800');
    await page.click('[data-facet=colour] [data-value=green]');
    await page.click('[data-facet=weight] [data-value=heavy]');
    await textOf(results).toBe('3 de 12 tejidos');
    await page.getByRole('searchbox').fill('espiga');
    await textOf(results).toBe('0 de 12 tejidos');
    await page.getByRole('searchbox').fill('franela');
    await textOf(results).toBe('2 de 12 tejidos');
    // Closed, the panel still shows what is applied, each removable with one tap.
    await page.click('[data-testid=filters-toggle]');
    await textOf(page.getByTestId('active-filters')).toContain('Otoño–invierno');
    await page.getByRole('button', { name: 'Quitar filtros' }).first().click();
    await textOf(results).toBe('12 de 12 tejidos');
  });

  it('picks a family and a colour, and the preview follows every change of colour, cut and view', async () => {
    const page = await openStylist();
    await page.click('[data-family=city-pinstripe]');
    await waitForPreview(page, 'city-pinstripe/navy//single-breasted/front');
    await textOf(page.getByTestId('family-name')).toBe('City Pinstripe');
    // The close-up is one element whose picture changes with the colour, not a new one per tap
    // (dropping and inserting it cost a layout and an image decode on every tap).
    const closeup = await page.locator('[data-testid=closeup] img').elementHandle();
    await page.click('[data-color=charcoal]');
    await waitForPreview(page, 'city-pinstripe/charcoal//single-breasted/front');
    await poll(() => page.locator('[data-testid=closeup] img').getAttribute('alt')).toContain('Gris marengo');
    expect(await closeup!.evaluate((img: any) => ({ connected: img.isConnected, src: new URL(img.src).pathname }))).toEqual({
      connected: true,
      src: '/api/swatches/city-pinstripe/charcoal.jpg',
    });
    await page.click('[data-cut=double-breasted]');
    await waitForPreview(page, 'city-pinstripe/charcoal//double-breasted/front');
    await page.click('[data-view=three-quarter]');
    await waitForPreview(page, 'city-pinstripe/charcoal//double-breasted/three-quarter');

    // Fast taps: only the last one may end on screen. The orders for the colours tapped in between are
    // held back until the last colour is on screen, so their answers come late, as on a slow network.
    const held = gate();
    const late: Request[] = [];
    await page.route('**/api/renders', async (route) => {
      const order = route.request().method() === 'POST' ? route.request().postDataJSON() : undefined;
      if (order?.family !== 'city-pinstripe' || !['black', 'charcoal'].includes(order.color)) return route.continue();
      late.push(route.request());
      await held.wait;
      await route.continue();
    });
    await page.evaluate(() => {
      const w = globalThis as any;
      w.__shown = [];
      new w.MutationObserver(() => {
        const key = w.document.querySelector('[data-testid=preview-image]')?.dataset.key;
        if (key && key !== w.__shown.at(-1)) w.__shown.push(key);
      }).observe(w.document.body, { subtree: true, attributes: true, attributeFilter: ['data-key', 'src'], childList: true });
    });
    for (const color of ['navy', 'black', 'charcoal', 'navy']) await page.click(`[data-color=${color}]`);
    await waitForPreview(page, 'city-pinstripe/navy//double-breasted/three-quarter');
    const settledAt: number = await page.evaluate(() => (globalThis as any).__shown.length - 1);
    held.open();
    // The late answers arrive (if the app asked at all: it may have prepared these colours before)
    // and everything they lead to (events, images) settles.
    await Promise.all(late.map((r) => r.response()));
    await page.waitForLoadState('networkidle');
    await painted(page);
    const shown: string[] = await page.evaluate(() => (globalThis as any).__shown);
    // Once the last colour is on screen, nothing else ever replaces it.
    const last = 'city-pinstripe/navy//double-breasted/three-quarter';
    expect(shown.slice(settledAt)).toEqual([last]);
    await page.unrouteAll({ behavior: 'wait' });
    await page.click('[data-view=front]');
    await waitForPreview(page, 'city-pinstripe/navy//double-breasted/front');
  });

  it('renders every cut in full with a progress bar fed by the event stream, into the gallery', async () => {
    const page = await openStylist();
    // A selection no other test renders in full, so its renders are new and report progress.
    await choose(page, 'windowpane', 'tan');
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
    await generate(page, { allCuts: true, expected: 12 });
    const progress: number[] = await page.evaluate(() => (globalThis as any).__progress);
    expect(progress.at(-1)).toBe(100);
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    expect(streams.length).toBeGreaterThan(0);
    await textOf(page.locator('[data-testid=job] .job__text')).toMatch(/12 imágenes listas/);
    await poll(() => page.locator('[data-testid=session-gallery] .tile[data-status=succeeded]').count()).toBe(12);
    await shot(page, '03-gallery-landscape-1280x800');
  });

  it('falls back to polling when the event stream breaks', async () => {
    const page = await openStylist();
    // A selection no other test renders in full: the renders take a while, so the app has to poll.
    await choose(page, 'summer-mohair', 'sand');
    await page.route('**/api/renders/*/events', (route) => route.abort());
    const polls: string[] = [];
    page.on('request', (r) => /\/api\/renders\/[0-9a-f-]{36}$/.test(r.url()) && polls.push(r.url()));
    await generate(page, { allCuts: true, expected: 12 });
    await textOf(page.locator('[data-testid=job] .job__text')).toMatch(/12 imágenes listas/);
    expect(polls.length).toBeGreaterThan(0);
  });

  it('opens a render full size: wheel and pinch zoom, drag to pan, next and previous, download', async () => {
    const page = await openStylist();
    await generate(page, { expected: 4 });
    await page.locator('[data-testid=session-gallery] .tile[data-status=succeeded] .tile__open').first().click();
    const viewer = page.getByTestId('viewer');
    await viewer.waitFor();
    const pane = page.getByTestId('viewer-pane');
    await imagesLoaded(page, '[data-testid=viewer-pane] img');
    const box = (await pane.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -300);
    await poll(async () => Number(await pane.getAttribute('data-scale'))).toBeGreaterThan(1.5);
    const transform = () => pane.locator('img').evaluate((img: any) => img.style.transform);
    const before = await transform();
    await page.mouse.down();
    await page.mouse.move(cx - 60, cy - 120, { steps: 5 });
    await page.mouse.up();
    await poll(transform).not.toBe(before);
    await shot(page, '04-viewer-zoomed-landscape-1280x800');
    // Pinch with two touch pointers spreading apart.
    await page.click('[aria-label="Ajustar a la pantalla"]');
    await poll(async () => Number(await pane.getAttribute('data-scale'))).toBe(1);
    await pane.evaluate(
      (el: any, { cx, cy }: { cx: number; cy: number }) => {
        const fire = (type: string, id: number, x: number) =>
          el.dispatchEvent(
            new (globalThis as any).PointerEvent(type, { pointerId: id, pointerType: 'touch', clientX: x, clientY: cy, bubbles: true, isPrimary: id === 1 }),
          );
        fire('pointerdown', 1, cx - 40);
        fire('pointerdown', 2, cx + 40);
        for (let i = 1; i <= 5; i++) fire('pointermove', 2, cx + 40 + i * 24);
        fire('pointerup', 2, cx + 160);
        fire('pointerup', 1, cx - 40);
      },
      { cx, cy },
    );
    await poll(async () => Number(await pane.getAttribute('data-scale'))).toBeGreaterThan(1.8);
    // Keyboard: next and previous.
    const title = page.locator('#viewer-title + p');
    const first = await title.textContent();
    await page.keyboard.press('ArrowRight');
    await textOf(title).not.toBe(first);
    await page.click('[aria-label="Anterior"]');
    await textOf(title).toBe(first);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    expect(download.suggestedFilename()).toMatch(/^atelier-[a-z0-9-]+\.jpg$/);
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('compares two renders side by side, zooming both together', async () => {
    const page = await openStylist();
    await generate(page, { allCuts: true, expected: 12 });
    const selects = page.locator('[data-testid=session-gallery] .tile[data-status=succeeded] .tile__select');
    await poll(() => selects.count()).toBe(12);
    await selects.nth(0).click();
    await selects.nth(2).click();
    await page.getByTestId('selection-bar').waitFor();
    await page.click('[data-testid=compare-button]');
    await page.getByTestId('compare').waitFor();
    await imagesLoaded(page, '[data-testid=compare] img');
    await page.click('[aria-label="Acercar"]');
    await page.click('[aria-label="Acercar"]');
    const scale = (i: number) => page.getByTestId(`compare-pane-${i}`).getAttribute('data-scale');
    await poll(async () => Number(await scale(0))).toBeGreaterThan(2);
    await poll(() => scale(1)).toBe(await scale(0));
    await painted(page);
    await shot(page, '05-compare-landscape-1280x800');
    await page.keyboard.press('Escape');
  });

  it('saves the selection as a look whose share link opens read-only without signing in', async () => {
    const page = await openStylist();
    await generate(page, { expected: 4 });
    const selects = page.locator('[data-testid=session-gallery] .tile[data-status=succeeded] .tile__select');
    await poll(() => selects.count()).toBe(4);
    await selects.nth(0).click();
    await selects.nth(1).click();
    await page.click('[data-testid=save-look]');
    await page.getByTestId('look-title').fill('Boda en junio');
    await page.getByTestId('look-client').fill('Ana García');
    await page.click('[data-testid=look-save]');
    await page.getByTestId('share-link').waitFor();
    const link = await page.getByTestId('share-link').getAttribute('href');
    expect(link).toMatch(/^\/looks\/[A-Za-z0-9_-]{43}$/);
    await shot(page, '06-look-saved-landscape-1280x800');
    await page.getByRole('button', { name: 'Hecho' }).click();
    await poll(() => page.locator('[data-testid=selection-bar]').count()).toBe(0);

    // The client: another browser profile, English, no session of any kind.
    const share = await newPage({ viewport: PORTRAIT, locale: 'en-GB' });
    await share.goto(t.url + link);
    await textOf(share.getByTestId('look-title')).toBe('Boda en junio');
    await textOf(share.locator('.share__eyebrow')).toBe('Prepared for Ana García');
    await poll(() => share.locator('[data-testid=look-gallery] .tile img').count()).toBe(2);
    await imagesLoaded(share, '.tile img');
    // Read-only: nothing to generate, select or save.
    expect(await share.locator('[data-testid=generate], .tile__select, [data-testid=save-look]').count()).toBe(0);
    await shot(share, '07-share-page-portrait-800x1280');
    expect(await lowContrastText(share)).toEqual([]);
    await share.setViewportSize(DESKTOP);
    await painted(share);
    await shot(share, '07-share-page-desktop-1920x1080');
    await share.goto(`${t.url}/looks/${'x'.repeat(43)}`);
    await share.getByRole('heading', { name: 'This look does not exist' }).waitFor();

    // The associate's tablet remembers the look, and its history shows the renders.
    await page.click('[data-tab=looks]');
    await textOf(page.getByTestId('look-list')).toContain('Boda en junio');
    await shot(page, '08-looks-landscape-1280x800');
    await page.click('[data-tab=history]');
    await poll(() => page.locator('[data-testid=history] .tile').count()).toBeGreaterThanOrEqual(2);
    await shot(page, '09-history-landscape-1280x800');
    expect(await lowContrastText(page)).toEqual([]);
  });

  it('previews a photographed check cloth on the suit, after framing it and stating its scale', async () => {
    const page = await openStylist();
    await choose(page, 'city-pinstripe', 'black', 'double-breasted');
    const photo = await checkFabricPhoto();
    // The upload is held until the test has seen its progress and the locked Generate button.
    const upload = gate();
    await page.route('**/api/swatch-uploads', async (route) => {
      await upload.wait;
      await route.continue();
    });
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'check.jpg', mimeType: 'image/jpeg', buffer: photo });
    const stage = page.getByTestId('cloth-stage');
    await page.getByTestId('crop-box').waitFor();
    await imagesLoaded(page, '[data-testid=cloth-stage] img');
    // Two taps on a known length: the check repeats every 96 px of this photo; tap 5 repeats apart and say 100 mm.
    await page.check('[data-testid=scale-measure]');
    const box = (await stage.boundingBox())!;
    const k = box.width / 1600;
    await page.mouse.click(box.x + (120 + 96 * 2) * k, box.y + 600 * k);
    await page.mouse.click(box.x + (120 + 96 * 7) * k, box.y + 600 * k);
    await page.getByTestId('length-mm').fill('100');
    // The default frame is 840 px wide (70 % of 1200): 840 / 480 × 100 mm = 175 mm.
    await textOf(page.getByTestId('scale-result')).toMatch(/1(7[4-6])\smm/);
    await shot(page, '10-cloth-framing-landscape-1280x800');
    await page.click('[data-testid=use-cloth]');
    await page.locator('[data-testid=cloth-chip][data-status=uploading]').waitFor();
    expect(await page.getByTestId('generate').isDisabled()).toBe(true);
    await textOf(page.getByTestId('generate-reason')).toMatch(/termine de subirse/);
    upload.open();
    await page.locator('[data-testid=cloth-chip][data-status=ready]').waitFor();
    await textOf(page.getByTestId('measured-color')).toMatch(/#[0-9A-F]{6}/);
    await textOf(page.getByTestId('measured-color')).toMatch(/175\smm/);
    await page.waitForFunction(() => {
      const img = (globalThis as any).document.querySelector('[data-testid=preview-image]');
      return /^city-pinstripe\/\/[0-9a-f-]{36}\/double-breasted\/front$/.test(img?.dataset.key ?? '') && img.complete && img.naturalWidth > 0;
    });
    await poll(() => page.getByTestId('generate').isDisabled()).toBe(false);
    // Labelled as the photographed cloth, never as the family that was selected (City Pinstripe).
    expect(await page.locator('[data-testid=preview-image]').getAttribute('alt')).toContain('tela fotografiada');
    await textOf(page.getByTestId('family-name')).toBe('Tela fotografiada');
    expect(await page.getByTestId('cloth-details').textContent()).not.toMatch(/City Pinstripe|Super 110s|280/);
    await shot(page, '11-cloth-on-suit-landscape-1280x800');
    // One tap removes it; the catalogue colour is back.
    await page.click('[data-testid=remove-cloth]');
    await waitForPreview(page, 'city-pinstripe/black//double-breasted/front');
  });

  it('says plainly when a photo cannot be used, and never falls back to a catalogue colour', async () => {
    const page = await openStylist();
    const generateButton = page.getByTestId('generate');
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 not a photo') });
    await textOf(page.getByTestId('cloth-error')).toMatch(/no es una foto/);
    expect(await generateButton.isDisabled()).toBe(true);
    await page.click('[data-testid=remove-cloth]');

    const tiny = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#334455' } })
      .png()
      .toBuffer();
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'tiny.png', mimeType: 'image/png', buffer: tiny });
    await page.click('[data-testid=use-cloth]');
    await page.locator('[data-testid=cloth-chip][data-status=failed]').waitFor();
    await textOf(page.getByTestId('cloth-error')).toMatch(/demasiado pequeña/);
    expect(await generateButton.isDisabled()).toBe(true);
    await textOf(page.getByTestId('generate-reason')).toMatch(/no se puede usar/);
    await shot(page, '12-cloth-error-landscape-1280x800');
    await page.click('[data-testid=remove-cloth]');

    // Larger than the server takes (5 MB by default) even once the framed part is cut out on the
    // tablet: refused with a message, not a network error.
    const huge = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .jpeg({ quality: 98 })
      .toBuffer();
    expect(huge.length).toBeGreaterThan(5 * 1024 * 1024);
    const sent: number[] = [];
    page.on('request', (r) => r.url().endsWith('/api/swatch-uploads') && sent.push(r.postDataBuffer()?.length ?? 0));
    // A photo this size crosses the DevTools pipe as base64 first: on a loaded machine that alone can take a minute.
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: huge }, { timeout: 2 * E2E_TIMEOUT_MS });
    await page.click('[data-testid=use-cloth]');
    await page.locator('[data-testid=cloth-chip][data-status=failed]').waitFor({ timeout: 2 * E2E_TIMEOUT_MS });
    await textOf(page.getByTestId('cloth-error')).toMatch(/demasiado grande/);
    expect(await page.locator('[data-testid=api-banner]').count()).toBe(0);
    // Only the framed cloth travelled, not the whole photo.
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeLessThan(huge.length * 0.75);
    await page.click('[data-testid=remove-cloth]');
    await poll(() => generateButton.isDisabled()).toBe(false);
  });

  it('shows why a render failed, and Retry renders it again', async () => {
    const page = await openStylist();
    await choose(page, 'city-pinstripe', 'black');
    // The camera button opens the rear camera; the other one the photo library.
    expect(await page.getAttribute('[data-testid=take-photo]', 'capture')).toBe('environment');
    expect(await page.getAttribute('[data-testid=take-photo]', 'accept')).toBe('image/*');
    expect(await page.getAttribute('[data-testid=choose-photo]', 'capture')).toBeNull();

    const reason = 'The render failed because of an internal error; it will be retried or you can try again';
    let fakeId = 100;
    // Fails the next `n` orders of the chosen cloth on the three-piece: previews while `failing` is
    // 'preview', full renders while it is 'full'. The app prepares other colourways meanwhile, and on a
    // busy machine those orders can arrive at any moment: they must not use the failures up.
    let failuresLeft = 0;
    let failing: 'preview' | 'full' = 'preview';
    await page.route('**/api/renders', async (route) => {
      const order = route.request().method() === 'POST' ? route.request().postDataJSON() : undefined;
      const chosen = order && order.family === 'city-pinstripe' && order.color === 'black' && order.cuts.includes('three-piece');
      const isPreview = order?.sizes?.length === 1 && order.sizes[0] === 'preview';
      if (!chosen || failuresLeft <= 0 || isPreview !== (failing === 'preview')) return route.continue();
      failuresLeft--;
      const now = new Date().toISOString();
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          batchId: '00000000-0000-4000-8000-000000000001',
          renders: order.cuts.map((cut: string) => ({
            id: `00000000-0000-4000-8000-000000000${fakeId++}`,
            status: 'failed',
            progress: 0,
            family: order.family,
            color: order.color ?? null,
            swatchUploadId: null,
            cut,
            view: order.view,
            attempts: 3,
            error: reason,
            images: [],
            createdAt: now,
            finishedAt: now,
            durationMs: null,
            reused: false,
          })),
        }),
      });
    });
    // The live preview (a selection not yet seen in this visit, so it is ordered).
    failuresLeft = 1;
    await page.click('[data-cut=three-piece]');
    await textOf(page.getByTestId('preview-failure')).toContain(reason);
    await page.getByTestId('preview-failure').getByRole('button', { name: 'Reintentar' }).click();
    await waitForPreview(page, 'city-pinstripe/black//three-piece/front');
    // Full renders in the gallery.
    // Every view of the cut (front, three-quarter, back, detail): four orders, each refused.
    failing = 'full';
    failuresLeft = 4;
    await page.click('[data-testid=generate]');
    await page.locator('[data-testid=job][data-done=true]').waitFor();
    await textOf(page.locator('[data-testid=job] .job__text')).toMatch(/0 listas, 4 con error/);
    const failed = page.locator('[data-testid=session-gallery] .tile[data-status=failed]').first();
    await textOf(failed).toContain(reason);
    await failed.getByRole('button', { name: 'Reintentar' }).click();
    await poll(() => page.locator('[data-testid=session-gallery] .tile[data-status=failed]').count()).toBe(3);
    await shot(page, '13-failed-render-landscape-1280x800');
  });

  it('switches language, and remembers the choice', async () => {
    const page = await openStylist();
    await page.click('[data-locale=en]');
    await poll(() => page.getAttribute('html', 'lang')).toBe('en');
    await textOf(page.locator('[data-tab=fitting]')).toBe('Fitting room');
    await textOf(page.getByTestId('result-count')).toBe('12 of 12 fabrics');
    await textOf(page.locator('[data-family=winter-flannel]')).toContain('Autumn–winter');
    await page.reload();
    await page.locator('[data-family]').first().waitFor();
    await textOf(page.locator('[data-tab=fitting]')).toBe('Fitting room');
    await shot(page, '13-fitting-english-landscape-1280x800-en');
    await page.click('[data-locale=es]');
    await textOf(page.locator('[data-tab=fitting]')).toBe('Probador');
  });

  it('shows a banner with Retry when the API is unreachable, and recovers', async () => {
    const page = await openStylist();
    await waitForPreview(page, 'super-120s-twill/navy//single-breasted/front');
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    // Another cut, not another colour: the family's colourways may already have been prepared (the
    // app does so once the suit has been still for a moment) and would show without asking the API.
    await page.click('[data-cut=three-piece]');
    await textOf(page.getByTestId('api-banner')).toMatch(/No se puede conectar/);
    await textOf(page.getByTestId('preview-failure')).toMatch(/Reintentar/);
    await shot(page, '14-api-down-landscape-1280x800');
    expect(await lowContrastText(page)).toEqual([]);
    await page.unroute('**/api/**');
    await page.getByTestId('api-banner').getByRole('button', { name: 'Reintentar' }).click();
    await waitForPreview(page, 'super-120s-twill/navy//three-piece/front');
    await page.getByTestId('api-banner').waitFor({ state: 'detached' });
  });

  it('is keyboard navigable with a visible focus ring', async () => {
    const page = await openStylist();
    await page.keyboard.press('Tab');
    await poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.className)).toBe('skip-link');
    await page.keyboard.press('Enter');
    // Tabs move with the arrow keys.
    await page.focus('[data-tab=fitting]');
    await page.keyboard.press('ArrowRight');
    await poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.dataset.tab)).toBe('studio');
    await page.keyboard.press('ArrowLeft');
    // A colour chip reached by keyboard shows a focus outline.
    await page.focus('[data-color=charcoal]');
    await page.keyboard.press('Enter');
    await waitForPreview(page, 'super-120s-twill/charcoal//single-breasted/front');
    const outline = await page.locator('[data-color=charcoal]').evaluate((el: any) => (globalThis as any).getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
  });

  it('lays out for a tablet in both orientations and for a desktop', async () => {
    const page = await openStylist();
    // A gallery to see: every view of the cut on screen.
    await generate(page, { expected: 4 });
    await imagesLoaded(page);
    for (const [name, viewport] of [
      ['portrait-800x1280', PORTRAIT],
      ['desktop-1920x1080', DESKTOP],
      ['landscape-1280x800', LANDSCAPE],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
      await painted(page);
      expect(await lowContrastText(page), `low-contrast text at ${name}`).toEqual([]);
      // Nothing wider than the screen.
      await poll(() => page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await shot(page, `15-fitting-${name}`);
    }
    await page.setViewportSize(PORTRAIT);
    await page.locator('[data-testid=family-grid]').scrollIntoViewIfNeeded();
    await shot(page, '16-fabrics-portrait-800x1280');
    await page.locator('[data-testid=preview] .preview__open').click();
    await imagesLoaded(page, '[data-testid=viewer-pane] img');
    await painted(page);
    await shot(page, '17-viewer-portrait-800x1280');
    await page.keyboard.press('Escape');
    await page.setInputFiles('[data-testid=choose-photo]', { name: 'check.jpg', mimeType: 'image/jpeg', buffer: await checkFabricPhoto() });
    await page.getByTestId('crop-box').waitFor();
    await shot(page, '18-cloth-framing-portrait-800x1280');
    await page.getByRole('button', { name: 'Cancelar' }).click();
  });

  it('shows skeletons, not a blank page, while the catalogue loads', async () => {
    const page = await newPage();
    const catalog = gate();
    await page.route('**/api/catalog', async (route) => {
      await catalog.wait;
      await route.continue();
    });
    await page.goto(`${t.url}/`);
    await page.locator('[aria-busy=true]').first().waitFor();
    await poll(() => page.locator('.skeleton').count()).toBeGreaterThan(5);
    await shot(page, '19-loading-skeletons-landscape-1280x800');
    catalog.open();
    await page.locator('[data-family]').first().waitFor();
  });
});
