import { catalogDocumentSchema, CatalogFormatError, parseCatalogDocument, type CatalogDocument } from '../../catalog/catalog-file.ts';
import type { CutRow, CutViewRow, FabricColorRow, FabricFamilyRow } from '../../db/schema.ts';
import type { FabricDesign } from '../../engines/types.ts';
import { CsvError, formatCsv, readCsv, type CsvTable } from './csv.ts';

/**
 * The catalog as files: Atelier's JSON (catalog/demo.json's format), the replaced system's
 * fabrics.json, and CSV (one row per colour) for spreadsheets. Exports hold the live catalog —
 * archived families and colours are left out — and importing an export changes nothing.
 */

export type CatalogFormat = 'atelier' | 'fabrics' | 'csv';

export interface CatalogState {
  families: Array<{ row: FabricFamilyRow; colors: FabricColorRow[] }>;
  cuts: Array<{ row: CutRow; views: CutViewRow[] }>;
}

const num = (v: string | null | undefined) => (v == null ? undefined : Number(v));

function liveFamilies(state: CatalogState) {
  return state.families.filter((f) => !f.row.archived_at).map((f) => ({ ...f, colors: f.colors.filter((c) => !c.archived_at) }));
}

/** The legacy block a family carries, when it has one worth writing. */
function legacyOf(row: FabricFamilyRow): Record<string, unknown> | undefined {
  const legacy = row.legacy as Record<string, unknown> | null;
  if (!legacy) return undefined;
  const defined = Object.fromEntries(Object.entries(legacy).filter(([, v]) => v !== undefined && v !== null));
  return Object.keys(defined).length ? defined : undefined;
}

export function toAtelierDocument(state: CatalogState): CatalogDocument {
  return {
    version: 1,
    families: liveFamilies(state).map(({ row, colors }) => ({
      slug: row.slug,
      name: row.name,
      composition: row.composition,
      ...(row.weight_gsm != null ? { weightGsm: row.weight_gsm } : {}),
      season: row.season,
      description: row.description,
      design: row.design as FabricDesign,
      active: row.active,
      sort: row.sort,
      ...(legacyOf(row) ? { legacy: legacyOf(row) } : {}),
      colors: colors.map((c) => ({
        slug: c.slug,
        name: c.name,
        hex: c.hex,
        ...(c.repeat_mm != null ? { repeatMm: Number(c.repeat_mm) } : {}),
        active: c.active,
        sort: c.sort,
      })),
    })),
    // Photo views are files, not catalog data: a cut lists the engine's views it offers.
    cuts: state.cuts
      .map(({ row, views }) => ({
        slug: row.slug,
        name: row.name,
        legacyId: row.legacy_id,
        views: views.filter((v) => v.kind === 'builtin').map((v) => v.view),
        active: row.active,
        sort: row.sort,
      }))
      .filter((c) => c.views.length > 0),
  };
}

/** The replaced system's shape: what its API served and its seed script read. */
export function toLegacyDocument(state: CatalogState) {
  return {
    families: liveFamilies(state).map(({ row, colors }) => {
      const legacy = legacyOf(row) ?? {};
      return {
        family_id: row.slug,
        display_name: row.name,
        ...(legacy.lora_id !== undefined ? { lora_id: legacy.lora_id } : {}),
        ...(legacy.default_recipe !== undefined ? { default_recipe: legacy.default_recipe } : {}),
        colors: colors.map((c) => ({ color_id: c.slug, name: c.name, hex: c.hex, status: c.active ? 'active' : 'inactive' })),
        status: row.active ? 'active' : 'inactive',
        sort: row.sort,
      };
    }),
  };
}

export const CSV_COLUMNS = [
  'family',
  'family_name',
  'composition',
  'weight_gsm',
  'season',
  'description',
  'weave',
  'pattern',
  'thread_mm',
  'repeat_mm',
  'heather',
  'nap',
  'sheen',
  'accent_hex',
  'family_active',
  'family_sort',
  'color',
  'color_name',
  'hex',
  'color_repeat_mm',
  'color_active',
  'color_sort',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
const FAMILY_COLUMNS = CSV_COLUMNS.slice(0, 16);

export function toCsv(state: CatalogState): string {
  const rows: Array<Array<string | number | boolean | null | undefined>> = [[...CSV_COLUMNS]];
  for (const { row, colors } of liveFamilies(state)) {
    const d = row.design as FabricDesign;
    const family = [
      row.slug,
      row.name,
      row.composition,
      row.weight_gsm,
      row.season,
      row.description,
      d.weave,
      d.pattern,
      d.threadMm,
      d.repeatMm,
      d.heather,
      d.nap,
      d.sheen,
      d.accentHex,
      row.active,
      row.sort,
    ];
    if (colors.length === 0) rows.push([...family, '', '', '', '', '', '']);
    for (const c of colors) rows.push([...family, c.slug, c.name, c.hex, num(c.repeat_mm), c.active, c.sort]);
  }
  return formatCsv(rows);
}

type Issue = { row: number; message: string };

/** CSV → Atelier document. Each family's fields are read from its first row and must agree on every other. */
export function fromCsv(text: string): CatalogDocument {
  let table: CsvTable;
  try {
    table = readCsv(text);
  } catch (error) {
    if (error instanceof CsvError) throw new CatalogFormatError(`Not a valid CSV file: ${error.message}`);
    throw error;
  }
  const header = (table.rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = ['family', 'family_name', 'weave', 'pattern', 'thread_mm'].filter((c) => !header.includes(c));
  if (missing.length)
    throw new CatalogFormatError(`The CSV file lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (first row: ${CSV_COLUMNS.join(',')})`);
  const issues: Issue[] = [];
  const families = new Map<string, { first: number; cells: Record<string, string>; colors: Array<{ row: number; cells: Record<string, string> }> }>();
  table.rows.slice(1).forEach((cellsArray, index) => {
    // Rows are named by the line they start on, as a text editor or spreadsheet numbers them.
    const rowNumber = table.lines[index + 1]!;
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = (cellsArray[i] ?? '').trim()));
    const slug = cells.family ?? '';
    if (!slug) return issues.push({ row: rowNumber, message: 'family: empty' });
    let family = families.get(slug);
    if (!family) {
      family = { first: rowNumber, cells, colors: [] };
      families.set(slug, family);
    } else {
      const differing = FAMILY_COLUMNS.filter((c) => header.includes(c) && (cells[c] ?? '') !== (family!.cells[c] ?? ''));
      if (differing.length) issues.push({ row: rowNumber, message: `${differing.join(', ')}: differ from row ${family.first} of the same family` });
    }
    if (cells.color) family.colors.push({ row: rowNumber, cells });
  });

  const number = (cells: Record<string, string>, column: CsvColumn, row: number): number | undefined => {
    const v = cells[column];
    if (v === undefined || v === '') return undefined;
    const n = Number(v.replace(',', '.'));
    if (!Number.isFinite(n)) issues.push({ row, message: `${column}: "${v}" is not a number` });
    return n;
  };
  const bool = (cells: Record<string, string>, column: CsvColumn, row: number): boolean | undefined => {
    const v = (cells[column] ?? '').toLowerCase();
    if (v === '') return undefined;
    if (['true', 'yes', 'sí', 'si', '1', 'x'].includes(v)) return true;
    if (['false', 'no', '0'].includes(v)) return false;
    issues.push({ row, message: `${column}: "${cells[column]}" is not true or false` });
    return undefined;
  };
  const textCell = (cells: Record<string, string>, column: CsvColumn) => (cells[column] ? cells[column] : undefined);

  const doc = {
    version: 1,
    cuts: [],
    families: [...families.entries()].map(([slug, { first, cells, colors }]) => ({
      slug,
      name: cells.family_name,
      composition: cells.composition ?? '',
      weightGsm: number(cells, 'weight_gsm', first),
      season: textCell(cells, 'season'),
      description: cells.description ?? '',
      design: {
        weave: cells.weave,
        pattern: cells.pattern,
        threadMm: number(cells, 'thread_mm', first),
        repeatMm: number(cells, 'repeat_mm', first),
        heather: number(cells, 'heather', first),
        nap: number(cells, 'nap', first),
        sheen: number(cells, 'sheen', first),
        accentHex: textCell(cells, 'accent_hex'),
      },
      active: bool(cells, 'family_active', first),
      sort: number(cells, 'family_sort', first),
      colors: colors.map(({ row, cells: c }) => ({
        slug: c.color,
        name: c.color_name,
        hex: c.hex,
        repeatMm: number(c, 'color_repeat_mm', row),
        active: bool(c, 'color_active', row),
        sort: number(c, 'color_sort', row),
      })),
    })),
  };
  // Zod names paths such as families.3.colors.1.hex: translate them to the spreadsheet's rows.
  const parsed = catalogDocumentSchema.safeParse(dropUndefined(doc));
  if (!parsed.success) {
    const familyList = [...families.values()];
    for (const issue of parsed.error.issues.slice(0, 20)) {
      const [, fi, part, ci, ...rest] = issue.path;
      const family = familyList[Number(fi)];
      const row = part === 'colors' && family ? family.colors[Number(ci)]?.row : family?.first;
      const field = part === 'colors' ? csvColumnOf('color', String(rest[0] ?? '')) : csvColumnOf('family', String(part === 'design' ? ci : part));
      issues.push({ row: row ?? 0, message: `${field}: ${issue.message}` });
    }
  }
  if (issues.length) {
    issues.sort((a, b) => a.row - b.row);
    const shown = issues.slice(0, 10).map((i) => `row ${i.row}: ${i.message}`);
    throw new CatalogFormatError(
      `The CSV file has ${issues.length} problem${issues.length > 1 ? 's' : ''}: ${shown.join('; ')}${issues.length > 10 ? '; …' : ''}`,
    );
  }
  return parsed.data!;
}

const FIELD_COLUMNS: Record<string, string> = {
  name: 'family_name',
  weightGsm: 'weight_gsm',
  threadMm: 'thread_mm',
  repeatMm: 'repeat_mm',
  accentHex: 'accent_hex',
  active: 'family_active',
  sort: 'family_sort',
  slug: 'family',
};
const COLOR_FIELD_COLUMNS: Record<string, string> = {
  slug: 'color',
  name: 'color_name',
  repeatMm: 'color_repeat_mm',
  active: 'color_active',
  sort: 'color_sort',
};

function csvColumnOf(level: 'family' | 'color', field: string): string {
  return (level === 'color' ? COLOR_FIELD_COLUMNS[field] : FIELD_COLUMNS[field]) ?? field;
}

function dropUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface ReadDocument {
  format: CatalogFormat;
  doc: CatalogDocument;
}

/** A file as sent: JSON (either dialect) or CSV, told apart by content unless `format` says. */
export function readCatalogFile(content: string | object, format?: CatalogFormat): ReadDocument {
  if (typeof content === 'string') {
    const trimmed = content.replace(/^\uFEFF/, '').trimStart();
    if (format === 'csv' || (format === undefined && !trimmed.startsWith('{'))) return { format: 'csv', doc: fromCsv(content) };
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      throw new CatalogFormatError(`Not valid JSON: ${(error as Error).message}`);
    }
    return readCatalogFile(json as object, format);
  }
  const isOurs = 'version' in content;
  if (format === 'csv') throw new CatalogFormatError('Expected a CSV file, got JSON');
  if (format === 'atelier' && !isOurs) throw new CatalogFormatError('Expected an Atelier catalog (with "version": 1)');
  if (format === 'fabrics' && isOurs) throw new CatalogFormatError("Expected the replaced system's fabrics.json, got an Atelier catalog");
  return { format: isOurs ? 'atelier' : 'fabrics', doc: parseCatalogDocument(content) };
}
