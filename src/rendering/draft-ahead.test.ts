/**
 * An associate settles on a style and taps one option: its live preview must come as a colour tap's
 * does, without drafting the template on the way. The render service drafts every style one option
 * away from the one on screen in the pool's idle time; the preview it then renders is the one a cold
 * draft of that style gives.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import { decode } from '../engines/compose/test-helpers.ts';
import type { FabricSpec } from '../engines/types.ts';
import { resolveOptions } from '../templates/index.ts';
import { optionsKey, STYLE_OPTION_IDS, STYLE_OPTIONS, type StyleOptions, tapOption } from '../templates/options.ts';
import { createRenderService, type FabricDescriptor } from './index.ts';

// A pinstripe: its stripes show any error in the texture coordinates, its folds any in the shading.
const cloth: FabricSpec = { hex: '#2B3550', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 } };
const fabric: FabricDescriptor = { hex: cloth.hex, design: cloth.design };
const cut = 'single-breasted';
const view = 'front';

async function until(what: string, ok: () => boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a style one option away from the one on screen', () => {
  // An empty template cache: no view of these styles is built anywhere.
  const dir = mkdtemp(join(tmpdir(), 'atelier-ahead-'));
  const service = dir.then((templateCacheDir) =>
    createRenderService({ threads: 2, textureCacheBytes: 32 * 1024 * 1024, templateCacheDir, draftAhead: true, draftAheadQuietMs: 0 }),
  );
  afterAll(async () => {
    await (await service).close();
    await rm(await dir, { recursive: true, force: true });
  });

  it('has its live preview drafted ahead: rendered with no template drafted on the way, as a cold draft draws it', async () => {
    const s = await service;
    // Settled on a peak lapel (drafted on the way: nothing was ahead of it).
    const onScreen = resolveOptions(cut, { lapel: 'peak' });
    const first = await s.render({ cut, view, fabric, sizes: ['preview'], options: onScreen });
    expect(first.timings.quickTemplate).toBe(1);
    expect(first.timings.draftedAhead).toBeUndefined();

    // Then patch pockets: an option other than the one just changed.
    const next = resolveOptions(cut, { ...onScreen, pockets: 'patch' });
    await until('patch pockets drafted ahead', () => s.draftedAhead(cut, view, next));
    const tapped = await s.render({ cut, view, fabric, sizes: ['preview'], options: next });
    expect(tapped.timings.draftedAhead).toBe(1);
    expect(tapped.timings.quickTemplate).toBeUndefined();
    expect(s.draftAheadStats().used).toBe(1);

    // A cold draft of the same style: an engine of its own, keeping no pieces or drafts to start from.
    const cold = await createComposeEngine({ draftMemoBytes: 0 }).render({
      cut,
      view,
      fabric: cloth,
      sizes: ['preview'],
      options: next,
      watermark: { text: '', opacity: 0, position: 'bottom-right' },
    });
    expect(cold.timings.quickTemplate).toBe(1);
    const a = await decode(tapped.images[0]!.data);
    const b = await decode(cold.images[0]!.data);
    expect([a.width, a.height]).toEqual([512, 768]);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < a.px.length; i++) {
      const d = Math.abs(a.px[i]! - b.px[i]!);
      max = Math.max(max, d);
      sum += d;
    }
    // Pixel for pixel (a JPEG step allowed for float rounding in the blurs' running sums).
    expect(max).toBeLessThanOrEqual(1);
    expect(sum / a.px.length).toBeLessThan(0.01);
  });

  it('a tap for the style being drafted ahead right now waits for that draft rather than drafting it again', async () => {
    const s = await service;
    // Each round one option more changed on screen (slim lapels on screen before); the styles one
    // option away are drafted in draftAheadOrder, the first of them the option's first other value.
    // The tap for that style comes while it is being drafted.
    const rounds: Array<[Record<string, string>, Record<string, string>]> = [
      [{ lapel: 'shawl' }, { lapel: 'notch' }],
      [{ tie: 'silver' }, { tie: 'none' }],
      [{ pockets: 'patch' }, { pockets: 'flap' }],
    ];
    let joined: Awaited<ReturnType<typeof s.render>> | undefined;
    let shown: Record<string, string> = { lapelWidth: 'slim' };
    for (const [change, tap] of rounds) {
      shown = { ...shown, ...change };
      await s.render({ cut, view, fabric, sizes: ['preview'], options: resolveOptions(cut, shown) });
      const next = resolveOptions(cut, { ...shown, ...tap });
      await until('the next style drafted or being drafted', () => s.draftingAhead(cut, view, next) || s.draftedAhead(cut, view, next));
      if (!s.draftingAhead(cut, view, next)) continue; // drafted before the tap could come: try another style
      const tapped = await s.render({ cut, view, fabric, sizes: ['preview'], options: next });
      expect(tapped.timings.draftedAhead).toBe(1);
      expect(tapped.timings.quickTemplate).toBeUndefined();
      if (tapped.timings.aheadWait !== undefined) {
        joined = tapped;
        break;
      }
    }
    expect(joined, 'no tap came while its style was being drafted').toBeDefined();
    expect(joined!.timings.aheadWait).toBeGreaterThan(0);
    expect(s.draftAheadStats().joined).toBeGreaterThan(0);
  });

  it('drafts ahead around a style shown from the cache, which no render drew', async () => {
    const s = await service;
    const before = s.draftAheadStats().made;
    // A preview answered from the render cache: the suit is on screen, and the service is told so.
    s.styleOnScreen(cut, view, { lapel: 'shawl', lapelWidth: 'wide' });
    const next = resolveOptions(cut, { lapel: 'shawl', lapelWidth: 'slim' });
    await until('a neighbour of the style on screen drafted', () => s.draftedAhead(cut, view, next));
    expect(s.draftAheadStats().made).toBeGreaterThan(before);
    // Refused quietly: a photographed view has no styles, an unknown value no neighbours.
    expect(() => s.styleOnScreen(cut, 'photo-front', {})).not.toThrow();
    expect(() => s.styleOnScreen(cut, view, { lapel: 'mandarin' })).not.toThrow();
  });

  it('drafts a tap that moves another option too as the panel takes it (a shawl collar on a double-breasted)', async () => {
    const s = await service;
    // Peak lapels just changed to notch on a double-breasted: the shawl is next in the panel's row.
    await s.render({ cut: 'double-breasted', view, fabric, sizes: ['preview'], options: resolveOptions('double-breasted') });
    await s.render({ cut: 'double-breasted', view, fabric, sizes: ['preview'], options: resolveOptions('double-breasted', { lapel: 'notch' }) });
    // A shawl collar is cut single-breasted: the tap makes the coat single-breasted, one button (tapOption).
    const shawl = resolveOptions('double-breasted', { lapel: 'shawl', fastening: 'sb1' });
    await until('the shawl collar drafted ahead', () => s.draftedAhead('double-breasted', view, shawl));
    const tapped = await s.render({ cut: 'double-breasted', view, fabric, sizes: ['preview'], options: shawl });
    expect(tapped.timings.draftedAhead).toBe(1);
  });

  it('serves a vents tap in the front (which does not show vents) with the suit drafted ahead on screen', async () => {
    const s = await service;
    const shown = resolveOptions(cut, { lapelWidth: 'wide', tie: 'forest' });
    await s.render({ cut, view, fabric, sizes: ['preview'], options: resolveOptions(cut, { lapelWidth: 'wide' }) });
    await until('the forest tie drafted ahead', () => s.draftedAhead(cut, view, shown));
    expect((await s.render({ cut, view, fabric, sizes: ['preview'], options: shown })).timings.draftedAhead).toBe(1);
    const vents = resolveOptions(cut, { ...shown, vents: shown.vents === 'none' ? 'double' : 'none' });
    await until('the vents tap served by the suit on screen', () => s.draftedAhead(cut, view, vents));
    const tapped = await s.render({ cut, view, fabric, sizes: ['preview'], options: vents });
    expect(tapped.timings.draftedAhead).toBe(1);
    expect(tapped.timings.quickTemplate).toBeUndefined();
  });

  it('drafts on a thread of its own at the lowest CPU priority, leaving the render threads and the process at theirs', async () => {
    const s = await service;
    // A style on screen of its own (slim lapels), so that there is something to draft ahead whatever ran before.
    await s.render({ cut, view, fabric, sizes: ['preview'], options: resolveOptions(cut, { lapelWidth: 'slim' }) });
    await until('a style drafted ahead', () => s.draftAheadStats().made > 0);
    await until('the background thread’s priority known', () => s.stats().background !== undefined);
    if (process.platform !== 'linux') {
      console.log('per-thread niceness is read from /proc on Linux only: checked by the service’s own report alone');
      expect(s.stats().background?.nice).toBeGreaterThanOrEqual(0);
      return;
    }
    expect(s.stats().background).toEqual({ nice: 19 });
    // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value: only the background thread's was lowered.
    const niceOf = async (tid: string) => {
      const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const nices = await Promise.all((await readdir('/proc/self/task')).map(niceOf));
    if (os.getPriority() === 19) {
      // Started at the lowest priority already (`nice -n 19 npm test`): nothing can go lower, nor stand out.
      console.log('this process runs at nice 19 already: every thread is at 19, the background thread cannot be told apart');
      expect(nices.filter((n) => n !== 19)).toEqual([]);
      return;
    }
    expect(nices.filter((n) => n === 19)).toHaveLength(1);
    expect(nices.filter((n) => n !== 19 && n !== os.getPriority())).toEqual([]);
  });
});

describe('a preview prepared ahead of a likely tap (not on screen)', () => {
  const dir = mkdtemp(join(tmpdir(), 'atelier-ahead-'));
  const service = dir.then((templateCacheDir) =>
    createRenderService({
      threads: 2,
      textureCacheBytes: 32 * 1024 * 1024,
      templateCacheDir,
      draftAhead: true,
      draftAheadQuietMs: 0,
      // Room for every style one option away: the plan is drafted to its end.
      draftAheadBytes: 1024 * 1024 * 1024,
    }),
  );
  afterAll(async () => {
    await (await service).close();
    await rm(await dir, { recursive: true, force: true });
  });

  it('leaves the drafting ahead around the suit on screen', async () => {
    const s = await service;
    const preset = resolveOptions(cut);
    const shown = resolveOptions(cut, { lapel: 'peak' });
    await s.render({ cut, view, fabric, sizes: ['preview'], options: shown });
    // The app prepares brown shoes while the associate looks at the peak lapels.
    const prepared = resolveOptions(cut, { lapel: 'peak', shoes: 'brown' });
    const made = await s.render({ cut, view, fabric, sizes: ['preview'], options: prepared, ahead: true });
    expect(made.images).toHaveLength(1);
    // Every style one option from the suit on screen is drafted…
    const around: StyleOptions[] = [];
    // (Vents do not show in the front: the suit on screen's own drawing serves them.)
    for (const id of STYLE_OPTION_IDS.filter((id) => id !== 'vents'))
      for (const value of STYLE_OPTIONS[id] as readonly string[]) {
        if (value === shown[id]) continue;
        try {
          const o = resolveOptions(cut, tapOption(shown, preset, id, value).full);
          if (optionsKey(o) !== optionsKey(preset) && optionsKey(o) !== optionsKey(prepared)) around.push(o);
        } catch {
          // not offered with peak lapels
        }
      }
    expect(around.length).toBeGreaterThan(20);
    await until('the styles around the suit on screen drafted', () => around.every((o) => s.draftedAhead(cut, view, o)));
    await until('the drafting ahead done', () => s.draftAheadStats().pending === 0 && s.draftAheadStats().drafting === 0);
    // …and none around the prepared one (brown shoes and no tie is two options from the suit on screen).
    expect(s.draftedAhead(cut, view, resolveOptions(cut, { lapel: 'peak', shoes: 'brown', tie: 'none' }))).toBe(false);
    expect(s.draftedAhead(cut, view, resolveOptions(cut, { lapel: 'shawl', shoes: 'brown' }))).toBe(false);
  });
});

describe('drafting ahead on the render threads (RENDER_BACKGROUND_THREAD=false)', () => {
  const dir = mkdtemp(join(tmpdir(), 'atelier-ahead-'));
  const service = dir.then((templateCacheDir) =>
    createRenderService({ threads: 2, textureCacheBytes: 32 * 1024 * 1024, templateCacheDir, draftAhead: true, draftAheadQuietMs: 0, backgroundThread: false }),
  );
  afterAll(async () => {
    await (await service).close();
    await rm(await dir, { recursive: true, force: true });
  });

  it('gives its thread up to a render that would wait for it', async () => {
    const s = await service;
    await s.render({ cut, view, fabric, sizes: ['preview'], options: resolveOptions(cut, { lapel: 'peak' }) });
    expect(s.stats().background).toBeUndefined();
    await until('styles planned ahead', () => s.draftAheadStats().pending > 0);
    // Two renders at once while a style is being drafted: one of them would wait for the drafting's thread.
    let k = 0;
    for (let attempt = 0; attempt < 5 && s.draftAheadStats().yielded === 0; attempt++) {
      await until('a style being drafted ahead', () => s.draftAheadStats().drafting > 0);
      const colours = [0, 1].map(() => `#${(0x203040 + 0x010203 * k++).toString(16)}`);
      const renders = await Promise.all(
        colours.map((hex) => s.render({ cut, view, fabric: { ...fabric, hex }, sizes: ['preview'], options: resolveOptions(cut, { lapel: 'peak' }) })),
      );
      for (const r of renders) expect(r.images[0]!.width).toBe(512);
    }
    expect(s.draftAheadStats().yielded).toBeGreaterThan(0);
  });
});
