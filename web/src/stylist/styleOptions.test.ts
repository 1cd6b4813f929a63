import { describe, expect, it } from 'vitest';
import { CUT_PRESETS, describeOptions, STYLE_OPTIONS } from '../../../src/templates/options.ts';
import { createTranslator } from '../i18n/i18n.tsx';
import { en, es } from '../i18n/messages.ts';
import { blockedValues, changedOptions, chooseStyle, likelyNextStyles, resolvedStyle, STYLE_GROUPS, styleSummary } from './styleOptions.ts';

const cut = (slug: string) => ({ options: describeOptions(slug) });

describe('style choices in the stylist app', () => {
  it('keeps only what differs from the cut’s preset, so choosing the preset’s value again clears it', () => {
    const peak = chooseStyle(cut('single-breasted'), {}, 'lapel', 'peak');
    expect(peak.choices).toEqual({ lapel: 'peak' });
    expect(chooseStyle(cut('single-breasted'), peak.choices, 'lapel', 'notch').choices).toEqual({});
    expect(resolvedStyle(cut('single-breasted'), peak.choices).fastening).toBe(CUT_PRESETS['single-breasted']!.defaults.fastening);
  });

  it('moves an option a new choice rules out, and says which and why', () => {
    const db = chooseStyle(cut('single-breasted'), {}, 'fastening', 'db6x2');
    const shawl = chooseStyle(cut('single-breasted'), db.choices, 'lapel', 'shawl');
    expect(shawl.choices).toEqual({ lapel: 'shawl' });
    expect(shawl.adjusted).toMatchObject({ option: 'fastening', value: 'sb2' });
    expect(shawl.adjusted!.why).toMatch(/shawl/);
    // While the collar is a shawl, the double-breasted fastenings are not offered.
    expect([...blockedValues(cut('single-breasted'), shawl.choices, 'fastening')].sort()).toEqual(['db4x1', 'db6x2']);
    expect(blockedValues(cut('single-breasted'), {}, 'fastening').size).toBe(0);
  });

  it('prepares the styles an associate is likely to tap next: the option just changed, then the ones below it, as the panel makes them', () => {
    const sb = cut('single-breasted');
    // Peak lapels just chosen: the other lapels first, then the widths, then the fastenings below.
    const peak = chooseStyle(sb, {}, 'lapel', 'peak').choices;
    expect(changedOptions(sb, {}, peak)).toEqual(['lapel']);
    const next = likelyNextStyles(sb, peak, ['lapel'], 6);
    expect(next).toEqual([
      {},
      { lapel: 'shawl' },
      { lapel: 'peak', lapelWidth: 'slim' },
      { lapel: 'peak', lapelWidth: 'wide' },
      { lapel: 'peak', fastening: 'sb1' },
      { lapel: 'peak', fastening: 'sb3' },
    ]);
    // With a shawl collar the double-breasted fastenings are not offered; a tap that moves a second
    // option (a shawl on a double-breasted makes it single-breasted) is prepared as the panel takes it.
    const shawl = chooseStyle(sb, {}, 'lapel', 'shawl').choices;
    const fromShawl = likelyNextStyles(sb, shawl, ['fastening'], 20);
    expect(fromShawl.some((c) => c.fastening?.startsWith('db'))).toBe(false);
    const db = chooseStyle(sb, {}, 'fastening', 'db6x2').choices;
    expect(likelyNextStyles(sb, db, ['lapel'], 20)).toContainEqual({ lapel: 'shawl' });
    expect(changedOptions(sb, db, { lapel: 'shawl' })).toEqual(['lapel', 'fastening']);
    // Nothing changed yet: the panel from the top; never the style on screen, never one twice.
    const fresh = likelyNextStyles(sb, {}, [], 100);
    expect(fresh[0]).toEqual({ lapel: 'peak' });
    expect(fresh).not.toContainEqual({});
    expect(new Set(fresh.map((c) => JSON.stringify(resolvedStyle(sb, c)))).size).toBe(fresh.length);
  });

  it('never offers what a cut excludes (an open three-piece is not double-breasted)', () => {
    const fastenings = describeOptions('three-piece')
      .find((o) => o.id === 'fastening')!
      .values.map((v) => v.id);
    expect(fastenings).not.toContain('db6x2');
  });

  it('groups every option the server offers exactly once', () => {
    const grouped = STYLE_GROUPS.flatMap((g) => g.options).sort();
    expect(grouped).toEqual(Object.keys(STYLE_OPTIONS).sort());
  });

  it('names every option and value in Spanish and English', () => {
    for (const messages of [en, es]) {
      for (const [id, values] of Object.entries(STYLE_OPTIONS)) {
        expect(messages, id).toHaveProperty([`option.${id}`]);
        for (const v of values) expect(messages, `${id}.${v}`).toHaveProperty([`option.${id}.${v}`]);
      }
    }
  });

  it('describes a render’s style in words for captions, from the full set a render row keeps', () => {
    const full = { ...CUT_PRESETS['single-breasted']!.defaults, lapel: 'peak', trouserHem: 'turnups' } as Record<string, string>;
    expect(styleSummary('single-breasted', full, createTranslator('en'))).toBe('Lapel: peak · Turn-ups');
    expect(styleSummary('single-breasted', full, createTranslator('es'))).toBe('Solapa: de pico · Con vuelta');
    expect(styleSummary('single-breasted', { ...CUT_PRESETS['single-breasted']!.defaults }, createTranslator('en'))).toBe('');
    expect(styleSummary('a-photographed-cut', full, createTranslator('en'))).toBe('');
    expect(styleSummary('single-breasted', null, createTranslator('en'))).toBe('');
  });
});
