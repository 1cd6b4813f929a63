import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { composition } from './glossary.ts';
import { createTranslator, detectLocale, interpolate } from './i18n.tsx';
import { plainInteger, plainPercent } from './plainNumbers.ts';
import { en, es } from './messages.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogue', () => {
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

  it('is really translated: Spanish differs from English except for words both languages use', () => {
    const same = Object.keys(en).filter((k) => en[k as keyof typeof en] === es[k as keyof typeof es]);
    expect(same.sort()).toEqual(['tab.looks', 'viewer.zoom', 'weave.sharkskin']);
  });
});

describe('translator', () => {
  it('interpolates and leaves unknown variables visible', () => {
    expect(interpolate('{a} of {b}', { a: 1, b: 'two' })).toBe('1 of two');
    expect(interpolate('{a} of {b}', { a: 1 })).toBe('1 of {b}');
  });

  it('writes whole numbers and percentages as Intl does, without making a formatter', () => {
    for (const locale of ['es', 'en'] as const) {
      const tr = createTranslator(locale);
      const plain = new Intl.NumberFormat(locale);
      const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
      const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
      for (let n = 0; n < 1000; n++) {
        expect(plainInteger(n), `${locale} ${n}`).toBe(plain.format(n));
        expect(plainInteger(n)).toBe(whole.format(n));
      }
      for (let p = 0; p <= 100; p++) {
        expect(plainPercent(p, locale), `${locale} ${p}%`).toBe(percent.format(p / 100));
        expect(tr.percent(p / 100)).toBe(percent.format(p / 100));
      }
      // Outside what it writes, Intl does.
      expect(plainInteger(1000)).toBeUndefined();
      expect(plainInteger(2.5)).toBeUndefined();
      expect(plainPercent(12.5, locale)).toBeUndefined();
      expect(tr.number(1000)).toBe(plain.format(1000));
      expect(composition('97.5% wool, 2.5% elastane', locale)).toBe(
        `${percent.format(0.975)} ${locale === 'es' ? 'lana' : 'wool'}, ${percent.format(0.025)} ${locale === 'es' ? 'elastano' : 'elastane'}`,
      );
    }
    expect(composition('100% wool', 'es')).toBe('100\u00a0% lana');
  });

  it('chooses plural forms and formats numbers per locale', () => {
    const tEs = createTranslator('es');
    const tEn = createTranslator('en');
    expect(tEs.tp('looks.renderCount', 1)).toBe('1 imagen');
    expect(tEs.tp('looks.renderCount', 12)).toBe('12 imágenes');
    expect(tEn.tp('looks.renderCount', 1)).toBe('1 render');
    expect(tEs.number(1234.5)).toBe('1234,5');
    expect(tEs.number(12345.5)).toBe('12.345,5');
    expect(tEn.number(12345.5)).toBe('12,345.5');
    expect(tEs.percent(0.42)).toMatch(/^42\s%$/);
    expect(tEn.percent(0.42)).toBe('42%');
    expect(tEs.mm(60)).toBe('60 mm');
    expect(tEs.mm(2.5)).toBe('2,5 mm');
    expect(tEs.gsm(1260)).toBe('1260 g/m²');
    expect(tEn.gsm(1260)).toBe('1,260 g/m²');
    expect(tEs.date('2025-06-30T12:00:00Z')).toMatch(/30 de junio de 2025/);
    expect(tEn.date('2025-06-30T12:00:00Z')).toMatch(/June 30, 2025/);
  });

  it('picks the saved choice, then the browser’s languages, then English', () => {
    expect(detectLocale('en', ['es-ES'])).toBe('en');
    expect(detectLocale(null, ['es-MX', 'en'])).toBe('es');
    expect(detectLocale(null, ['fr-FR', 'en-GB'])).toBe('en');
    expect(detectLocale('de', ['fr'])).toBe('en');
  });
});

/**
 * Every visible string goes through the catalogue: no text written straight into JSX, and no
 * literal strings in attributes a person reads (alt, title, aria-label, placeholder).
 */
describe('no untranslated text in components', () => {
  const root = path.resolve(import.meta.dirname, '..');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      // The admin console (web/src/admin) keeps its own message catalogue and checks.
      if (statSync(file).isDirectory()) {
        if (path.relative(root, file) !== 'admin') walk(file);
      } else if (file.endsWith('.tsx') && !file.endsWith('.test.tsx')) files.push(file);
    }
  };
  walk(root);
  // Symbols and units that read the same in both languages.
  const allowedText = /^[\s·×…%()–—:,.|/+\-A]*(mm|Atelier)?[\s·×…%()–—:,.|/+-]*$/;
  const readAttributes = new Set(['alt', 'title', 'aria-label', 'placeholder', 'aria-valuetext', 'aria-roledescription']);

  it.each(files.map((f) => [path.relative(root, f), f]))('%s', (_name, file) => {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const problems: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isJsxText(node)) {
        const text = node.getText().trim();
        if (text && !allowedText.test(text)) problems.push(`text "${text}"`);
      }
      if (
        ts.isJsxAttribute(node) &&
        readAttributes.has(node.name.getText()) &&
        node.initializer &&
        ts.isStringLiteral(node.initializer) &&
        node.initializer.text.trim()
      ) {
        problems.push(`${node.name.getText()}="${node.initializer.text}"`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(problems).toEqual([]);
  });
});
