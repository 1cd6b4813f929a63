import type { CatalogDocument } from '../../catalog/catalog-file.ts';
import type { CutRow, FabricColorRow, FabricFamilyRow } from '../../db/schema.ts';
import type { CatalogFormat, CatalogState } from './formats.ts';

/**
 * What an import would do, worked out before anything is written: the dry run shows it, the import
 * applies exactly it. Pure: state and document in, plan out.
 *
 * - merge (default): families, colours and cuts in the file are created or updated; the rest stay.
 * - sync: as merge, and live families and colours the file does not mention are archived.
 * An archived family or colour that the file mentions is restored.
 *
 * A format says which fields it carries: the replaced system's fabrics.json knows no weave,
 * composition or colour order, so importing it never overwrites those (new families get a weave
 * guessed from their name); CSV carries no cuts.
 */

export type ImportMode = 'merge' | 'sync';
export type Op = 'create' | 'update' | 'archive';
export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

export interface FamilyValues {
  name: string;
  composition: string;
  weight_gsm: number | null;
  season: FabricFamilyRow['season'];
  description: string;
  design: unknown;
  legacy: unknown;
  active: boolean;
  sort: number;
}

export interface ColorValues {
  name: string;
  hex: string;
  repeat_mm: number | null;
  active: boolean;
  sort: number;
}

export interface CutValues {
  name: string;
  legacy_id: string | null;
  active: boolean;
  sort: number;
}

export type Change =
  | { entity: 'family'; op: Op; slug: string; id?: string; values?: Partial<FamilyValues>; changes?: FieldChanges; restore?: boolean }
  | {
      entity: 'color';
      op: Op;
      family: string;
      familyId?: string;
      slug: string;
      id?: string;
      values?: Partial<ColorValues>;
      changes?: FieldChanges;
      restore?: boolean;
      legacyId?: string;
    }
  | { entity: 'cut'; op: 'create' | 'update'; slug: string; id?: string; values?: Partial<CutValues>; changes?: FieldChanges; addViews: string[] };

export interface ImportPlan {
  format: CatalogFormat;
  mode: ImportMode;
  /** In the order they must be applied: a family before its colours. */
  changes: Change[];
  summary: Record<'families' | 'colors' | 'cuts', { created: number; changed: number; archived: number; unchanged: number }>;
}

export class ImportPlanError extends Error {}

/** Order-independent JSON: jsonb gives object keys back in its own order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function diff<T extends object>(before: T, after: Partial<T>): FieldChanges {
  const changes: FieldChanges = {};
  for (const [key, value] of Object.entries(after)) {
    const old = (before as Record<string, unknown>)[key];
    if (canonical(old) !== canonical(value)) changes[key] = { before: old ?? null, after: value ?? null };
  }
  return changes;
}

function pick<T extends object>(values: T, keys: ReadonlyArray<keyof T>): Partial<T> {
  return Object.fromEntries(keys.map((k) => [k, values[k]])) as Partial<T>;
}

const FAMILY_FIELDS: Record<CatalogFormat, ReadonlyArray<keyof FamilyValues>> = {
  atelier: ['name', 'composition', 'weight_gsm', 'season', 'description', 'design', 'legacy', 'active', 'sort'],
  fabrics: ['name', 'legacy', 'active', 'sort'],
  csv: ['name', 'composition', 'weight_gsm', 'season', 'description', 'design', 'active', 'sort'],
};
const COLOR_FIELDS: Record<CatalogFormat, ReadonlyArray<keyof ColorValues>> = {
  atelier: ['name', 'hex', 'repeat_mm', 'active', 'sort'],
  fabrics: ['name', 'hex', 'active'],
  csv: ['name', 'hex', 'repeat_mm', 'active', 'sort'],
};

function familyRowValues(row: FabricFamilyRow): FamilyValues {
  return {
    name: row.name,
    composition: row.composition,
    weight_gsm: row.weight_gsm,
    season: row.season,
    description: row.description,
    design: row.design,
    legacy: row.legacy ?? null,
    active: row.active,
    sort: row.sort,
  };
}

function colorRowValues(row: FabricColorRow): ColorValues {
  return { name: row.name, hex: row.hex, repeat_mm: row.repeat_mm != null ? Number(row.repeat_mm) : null, active: row.active, sort: row.sort };
}

function cutRowValues(row: CutRow): CutValues {
  return { name: row.name, legacy_id: row.legacy_id, active: row.active, sort: row.sort };
}

/** A legacy block with nothing in it is no legacy block. */
function legacyValue(legacy: Record<string, unknown> | undefined): unknown {
  if (!legacy) return null;
  const defined = Object.fromEntries(Object.entries(legacy).filter(([, v]) => v !== undefined && v !== null));
  return Object.keys(defined).length ? defined : null;
}

export function planImport(state: CatalogState, doc: CatalogDocument, format: CatalogFormat, mode: ImportMode): ImportPlan {
  const changes: Change[] = [];
  const summary: ImportPlan['summary'] = {
    families: { created: 0, changed: 0, archived: 0, unchanged: 0 },
    colors: { created: 0, changed: 0, archived: 0, unchanged: 0 },
    cuts: { created: 0, changed: 0, archived: 0, unchanged: 0 },
  };
  const count = (what: keyof ImportPlan['summary'], op: Op | 'unchanged') =>
    summary[what][op === 'create' ? 'created' : op === 'update' ? 'changed' : op === 'archive' ? 'archived' : 'unchanged']++;

  const existing = new Map(state.families.map((f) => [f.row.slug, f]));
  const seen = new Set<string>();
  for (const family of doc.families) {
    if (seen.has(family.slug)) throw new ImportPlanError(`Family "${family.slug}" appears twice`);
    seen.add(family.slug);
    const colorSlugs = new Set<string>();
    for (const c of family.colors) {
      if (colorSlugs.has(c.slug)) throw new ImportPlanError(`Colour "${c.slug}" appears twice in family "${family.slug}"`);
      colorSlugs.add(c.slug);
    }

    const desired: FamilyValues = {
      name: family.name,
      composition: family.composition,
      weight_gsm: family.weightGsm ?? null,
      season: family.season,
      description: family.description,
      design: family.design,
      legacy: legacyValue(family.legacy),
      active: family.active,
      sort: family.sort,
    };
    const current = existing.get(family.slug);
    if (!current) {
      changes.push({ entity: 'family', op: 'create', slug: family.slug, values: desired });
      count('families', 'create');
    } else {
      const fieldChanges = diff(familyRowValues(current.row), pick(desired, FAMILY_FIELDS[format]));
      const restore = current.row.archived_at !== null;
      if (restore) fieldChanges.archived = { before: true, after: false };
      const changed = Object.keys(fieldChanges).length > 0;
      if (changed) {
        const values = Object.fromEntries(
          Object.keys(fieldChanges)
            .filter((k) => k !== 'archived')
            .map((k) => [k, desired[k as keyof FamilyValues]]),
        );
        changes.push({ entity: 'family', op: 'update', slug: family.slug, id: current.row.id, values, changes: fieldChanges, restore });
      }
      count('families', changed ? 'update' : 'unchanged');
    }

    const currentColors = new Map((current?.colors ?? []).map((c) => [c.slug, c]));
    const nextNewSort = Math.max(0, ...(current?.colors ?? []).map((c) => c.sort)) + 10;
    family.colors.forEach((c, i) => {
      const desiredColor: ColorValues = {
        name: c.name,
        hex: c.hex,
        repeat_mm: c.repeatMm ?? null,
        active: c.active,
        // fabrics.json has no colour order of its own: new colours go after the existing ones.
        sort: format === 'fabrics' && current ? nextNewSort + i * 10 : (c.sort ?? i),
      };
      const currentColor = currentColors.get(c.slug);
      if (!currentColor) {
        // A fabrics.json colour keeps its catalogue-wide id for the replaced API (migration 0006).
        changes.push({
          entity: 'color',
          op: 'create',
          family: family.slug,
          familyId: current?.row.id,
          slug: c.slug,
          values: desiredColor,
          ...(c.legacyId ? { legacyId: c.legacyId } : {}),
        });
        count('colors', 'create');
        return;
      }
      const fieldChanges = diff(colorRowValues(currentColor), pick(desiredColor, COLOR_FIELDS[format]));
      const restore = currentColor.archived_at !== null;
      if (restore) fieldChanges.archived = { before: true, after: false };
      const changed = Object.keys(fieldChanges).length > 0;
      if (changed) {
        const values = Object.fromEntries(
          Object.keys(fieldChanges)
            .filter((k) => k !== 'archived')
            .map((k) => [k, desiredColor[k as keyof ColorValues]]),
        );
        changes.push({ entity: 'color', op: 'update', family: family.slug, slug: c.slug, id: currentColor.id, values, changes: fieldChanges, restore });
      }
      count('colors', changed ? 'update' : 'unchanged');
    });
    if (mode === 'sync' && current) {
      for (const c of current.colors) {
        if (colorSlugs.has(c.slug) || c.archived_at) continue;
        changes.push({ entity: 'color', op: 'archive', family: family.slug, slug: c.slug, id: c.id });
        count('colors', 'archive');
      }
    }
  }
  if (mode === 'sync') {
    for (const f of state.families) {
      if (seen.has(f.row.slug) || f.row.archived_at) continue;
      changes.push({ entity: 'family', op: 'archive', slug: f.row.slug, id: f.row.id });
      count('families', 'archive');
    }
  }

  const cuts = new Map(state.cuts.map((c) => [c.row.slug, c]));
  for (const cut of format === 'atelier' ? doc.cuts : []) {
    const desired: CutValues = { name: cut.name, legacy_id: cut.legacyId ?? null, active: cut.active, sort: cut.sort };
    const current = cuts.get(cut.slug);
    if (!current) {
      changes.push({ entity: 'cut', op: 'create', slug: cut.slug, values: desired, addViews: cut.views });
      count('cuts', 'create');
      continue;
    }
    const fieldChanges = diff(cutRowValues(current.row), desired);
    const have = new Set(current.views.map((v) => v.view));
    const addViews = cut.views.filter((v) => !have.has(v));
    if (addViews.length) fieldChanges.views = { before: [...have], after: [...have, ...addViews] };
    const changed = Object.keys(fieldChanges).length > 0;
    if (changed) {
      const values = Object.fromEntries(
        Object.keys(fieldChanges)
          .filter((k) => k !== 'views')
          .map((k) => [k, desired[k as keyof CutValues]]),
      );
      changes.push({ entity: 'cut', op: 'update', slug: cut.slug, id: current.row.id, values, changes: fieldChanges, addViews });
    }
    count('cuts', changed ? 'update' : 'unchanged');
  }
  return { format, mode, changes, summary };
}
