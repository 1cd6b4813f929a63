import { describe, expect, it } from 'vitest';
import type { CatalogDocument } from '../../catalog/catalog-file.ts';
import type { FabricColorRow, FabricFamilyRow } from '../../db/schema.ts';
import type { CatalogState } from './formats.ts';
import { ImportPlanError, planImport } from './plan.ts';

const at = new Date('2025-01-01T00:00:00Z');
const design = { weave: 'twill', pattern: 'solid', threadMm: 0.25 } as const;

function family(slug: string, extra: Partial<FabricFamilyRow> = {}): FabricFamilyRow {
  return {
    id: `id-${slug}`,
    slug,
    name: slug.toUpperCase(),
    composition: 'wool',
    weight_gsm: 260,
    season: 'all-season',
    description: '',
    // jsonb hands keys back in its own order: the plan must not see that as a change.
    design: { threadMm: 0.25, pattern: 'solid', weave: 'twill' },
    legacy: null,
    active: true,
    archived_at: null,
    sort: 1,
    created_at: at,
    updated_at: at,
    ...extra,
  };
}
function color(familySlug: string, slug: string, extra: Partial<FabricColorRow> = {}): FabricColorRow {
  return {
    id: `id-${familySlug}-${slug}`,
    family_id: `id-${familySlug}`,
    slug,
    name: slug,
    hex: '#111111',
    repeat_mm: null,
    swatch_key: null,
    swatch_width_mm: null,
    legacy_id: `${familySlug}-${slug}`,
    active: true,
    archived_at: null,
    sort: 0,
    created_at: at,
    updated_at: at,
    ...extra,
  };
}
const state: CatalogState = {
  families: [
    { row: family('a'), colors: [color('a', 'x'), color('a', 'y', { sort: 1, repeat_mm: '12.00' })] },
    { row: family('b', { archived_at: at }), colors: [] },
    { row: family('c'), colors: [color('c', 'z')] },
  ],
  cuts: [],
};
const doc = (families: CatalogDocument['families']): CatalogDocument => ({ version: 1, families, cuts: [] });
const fam = (slug: string, colors: CatalogDocument['families'][number]['colors'] = [], extra = {}) => ({
  slug,
  name: slug.toUpperCase(),
  composition: 'wool',
  weightGsm: 260,
  season: 'all-season' as const,
  description: '',
  design,
  active: true,
  sort: 1,
  colors,
  ...extra,
});
const col = (slug: string, extra = {}) => ({ slug, name: slug, hex: '#111111', active: true, ...extra });

describe('import plans', () => {
  it('sees nothing to do when the file says what the catalog says (key order, numeric strings aside)', () => {
    const plan = planImport(
      state,
      doc([fam('a', [col('x', { sort: 0 }), col('y', { sort: 1, repeatMm: 12 })]), fam('c', [col('z', { sort: 0 })])]),
      'atelier',
      'merge',
    );
    expect(plan.changes).toEqual([]);
    expect(plan.summary.families).toEqual({ created: 0, changed: 0, archived: 0, unchanged: 2 });
  });

  it('lists field changes, creations, restores; sync also archives what the file lacks', () => {
    const file = doc([fam('a', [col('x', { sort: 0, hex: '#222222' }), col('new')], { name: 'Renamed' }), fam('b'), fam('d')]);
    const merge = planImport(state, file, 'atelier', 'merge');
    expect(merge.changes.filter((c) => c.op === 'archive')).toEqual([]);
    const sync = planImport(state, file, 'atelier', 'sync');
    expect(sync.changes.map((c) => `${c.entity}:${c.op}:${c.slug}`)).toEqual([
      'family:update:a',
      'color:update:x',
      'color:create:new',
      'color:archive:y',
      'family:update:b',
      'family:create:d',
      'family:archive:c',
    ]);
    expect(sync.changes[0]).toMatchObject({ changes: { name: { before: 'A', after: 'Renamed' } }, values: { name: 'Renamed' } });
    expect(sync.changes[4]).toMatchObject({ restore: true, changes: { archived: { before: true, after: false } } });
    expect(sync.summary).toMatchObject({ families: { created: 1, changed: 2, archived: 1 }, colors: { created: 1, changed: 1, archived: 1 } });
  });

  it('never overwrites what fabrics.json cannot carry', () => {
    const legacy = doc([fam('a', [col('x')], { composition: '', weightGsm: undefined, design: { weave: 'plain', pattern: 'solid', threadMm: 0.4 } })]);
    const plan = planImport(state, legacy, 'fabrics', 'merge');
    expect(plan.changes).toEqual([]);
  });

  it('refuses a family or a colour named twice', () => {
    expect(() => planImport(state, doc([fam('a'), fam('a')]), 'atelier', 'merge')).toThrow(ImportPlanError);
    expect(() => planImport(state, doc([fam('a', [col('x'), col('x')])]), 'csv', 'merge')).toThrow(/"x" appears twice/);
  });
});
