import type { FabricColorRow, FabricFamilyRow } from '../../db/schema.ts';
import type { Db } from '../../db/database.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit, type Actor } from '../audit/repository.ts';
import {
  colorHasRenders,
  deleteColor,
  deleteFamilyWithColors,
  familyHasRenders,
  findFamily,
  insertColor,
  insertFamily,
  listColors,
  lockColor,
  lockFamily,
  nextSort,
  reorder,
  ReorderError,
  swatchKeyInUse,
  updateColor,
  updateFamily,
  type ColorValues,
} from './repository.ts';
import type { ColorChange, ColorCreate, FamilyChange, FamilyCreate } from '../../contract/admin/catalog.ts';
import type { FabricDesign } from '../../contract/catalog.ts';
import { findSwatchUpload, storeSwatchTile, swatchTile, type SwatchTileCache } from './swatches.ts';

/**
 * The catalog's rules: families and colours are created, edited, reordered; deleting one that renders
 * refer to archives it instead (the stylist app stops offering it, history keeps its name). Every
 * change is audited in its own transaction with before and after.
 */

export function toAdminFamily(f: FabricFamilyRow) {
  return {
    id: f.id,
    slug: f.slug,
    name: f.name,
    composition: f.composition,
    weightGsm: f.weight_gsm,
    season: f.season,
    description: f.description,
    // jsonb: written only through the design schema (import and console), so it has that shape.
    design: f.design as FabricDesign,
    active: f.active,
    archivedAt: f.archived_at?.toISOString() ?? null,
    sort: f.sort,
    updatedAt: f.updated_at.toISOString(),
  };
}

export function toAdminColor(rt: Runtime, c: FabricColorRow) {
  return {
    id: c.id,
    familyId: c.family_id,
    slug: c.slug,
    name: c.name,
    hex: c.hex,
    repeatMm: c.repeat_mm != null ? Number(c.repeat_mm) : null,
    swatch: c.swatch_key ? { url: rt.storage.url(c.swatch_key), widthMm: c.swatch_width_mm != null ? Number(c.swatch_width_mm) : null } : null,
    active: c.active,
    archivedAt: c.archived_at?.toISOString() ?? null,
    sort: c.sort,
    updatedAt: c.updated_at.toISOString(),
  };
}

/** What audit entries keep of a colour: its fields without the URL's host. */
function auditColor(c: FabricColorRow) {
  const { created_at: _c, updated_at: _u, ...rest } = c;
  return {
    ...rest,
    repeat_mm: rest.repeat_mm != null ? Number(rest.repeat_mm) : null,
    swatch_width_mm: rest.swatch_width_mm != null ? Number(rest.swatch_width_mm) : null,
  };
}

/** Unique and check violations are the merchandiser's to fix: say which. */
export function translateDbError(error: unknown, what: string): never {
  const e = error as { code?: string; constraint?: string };
  if (e.code === '23505') throw new AppError(409, 'slug_taken', `slug: there is already a ${what} with this slug`, { field: 'slug' });
  if (e.code === '23514') throw new AppError(422, 'validation_failed', `A value is out of range (${e.constraint ?? 'check'})`);
  throw error;
}

export class CatalogAdmin {
  constructor(
    private readonly rt: Runtime,
    private readonly tiles: SwatchTileCache,
  ) {}

  private get db(): Db {
    return this.rt.db;
  }

  async family(id: string) {
    const family = await findFamily(this.db, id);
    if (!family) throw notFound('fabric family', id);
    const colors = await listColors(this.db, id);
    return { ...toAdminFamily(family), colors: colors.map((c) => toAdminColor(this.rt, c)) };
  }

  async createFamily(actor: Actor, input: FamilyCreate) {
    // Swatch tiles are prepared before the transaction: it should hold no locks while images are made.
    const swatches = await Promise.all(input.colors.map((c) => this.swatchFor(c.swatchUploadId)));
    const familyId = await this.db
      .transaction()
      .execute(async (trx) => {
        const family = await insertFamily(trx, {
          slug: input.slug,
          name: input.name,
          composition: input.composition,
          weight_gsm: input.weightGsm ?? null,
          season: input.season,
          description: input.description,
          design: input.design,
          active: input.active,
          sort: await nextSort(trx, 'fabric_families'),
        });
        await recordAudit(trx, actor, { action: 'family.create', entity: 'family', entityId: family.id, after: toAdminFamily(family) });
        for (const [i, c] of input.colors.entries()) {
          const color = await insertColor(trx, family.id, this.colorValues(c, swatches[i], (i + 1) * 10));
          await recordAudit(trx, actor, { action: 'color.create', entity: 'color', entityId: color.id, after: auditColor(color) });
        }
        return family.id;
      })
      .catch((error) => translateDbError(error, 'fabric family'));
    return this.family(familyId);
  }

  async changeFamily(actor: Actor, id: string, input: FamilyChange) {
    await this.db.transaction().execute(async (trx) => {
      const before = await lockFamily(trx, id);
      if (!before) throw notFound('fabric family', id);
      const after = await updateFamily(trx, id, {
        name: input.name,
        composition: input.composition,
        weight_gsm: input.weightGsm,
        season: input.season,
        description: input.description,
        design: input.design,
        active: input.active,
        ...(input.archived === false ? { archived_at: null } : {}),
      }).catch((error) => translateDbError(error, 'fabric family'));
      const action = input.archived === false && before.archived_at ? 'family.restore' : 'family.update';
      await recordAudit(trx, actor, { action, entity: 'family', entityId: id, before: toAdminFamily(before), after: toAdminFamily(after) });
    });
    return this.family(id);
  }

  /** Deleted when nothing refers to it; archived (hidden from the stylist app, kept for history) otherwise. */
  async removeFamily(actor: Actor, id: string): Promise<{ outcome: 'deleted' | 'archived' }> {
    const { outcome, tileKeys } = await this.db.transaction().execute(async (trx) => {
      const before = await lockFamily(trx, id);
      if (!before) throw notFound('fabric family', id);
      if (await familyHasRenders(trx, id)) {
        const after = await updateFamily(trx, id, { archived_at: before.archived_at ?? new Date() });
        await recordAudit(trx, actor, { action: 'family.archive', entity: 'family', entityId: id, before: toAdminFamily(before), after: toAdminFamily(after) });
        return { outcome: 'archived' as const, tileKeys: [] };
      }
      const colors = await listColors(trx, id);
      await deleteFamilyWithColors(trx, id);
      await recordAudit(trx, actor, [
        ...colors.map((c) => ({ action: 'color.delete', entity: 'color', entityId: c.id, before: auditColor(c) })),
        { action: 'family.delete', entity: 'family', entityId: id, before: toAdminFamily(before) },
      ]);
      return { outcome: 'deleted' as const, tileKeys: colors.map((c) => c.swatch_key).filter((k): k is string => !!k) };
    });
    await this.deleteUnusedTiles(tileKeys);
    return { outcome };
  }

  async reorderFamilies(actor: Actor, ids: string[]) {
    await this.db.transaction().execute(async (trx) => {
      const changes = await reorder(trx, 'fabric_families', ids).catch(reorderError);
      await recordAudit(trx, actor, { action: 'family.reorder', entity: 'family', after: { ids, changes } });
    });
  }

  async createColor(actor: Actor, familyId: string, input: ColorCreate) {
    const swatch = await this.swatchFor(input.swatchUploadId);
    const color = await this.db
      .transaction()
      .execute(async (trx) => {
        if (!(await lockFamily(trx, familyId))) throw notFound('fabric family', familyId);
        const row = await insertColor(
          trx,
          familyId,
          this.colorValues(input, swatch, await nextSort(trx, 'fabric_colors', { column: 'family_id', id: familyId })),
        );
        await recordAudit(trx, actor, { action: 'color.create', entity: 'color', entityId: row.id, after: auditColor(row) });
        return row;
      })
      .catch((error) => translateDbError(error, 'colour in this family'));
    return toAdminColor(this.rt, color);
  }

  async changeColor(actor: Actor, id: string, input: ColorChange) {
    const swatch = await this.swatchFor(input.swatchUploadId);
    const { after, oldKey } = await this.db.transaction().execute(async (trx) => {
      const before = await lockColor(trx, id);
      if (!before) throw notFound('colour', id);
      const after = await updateColor(trx, id, {
        name: input.name,
        // A new swatch brings its measured colour unless one is given with it.
        hex: input.hex ?? (swatch ? swatch.meanHex : undefined),
        repeat_mm: input.repeatMm,
        active: input.active,
        ...(input.swatchUploadId !== undefined ? { swatch_key: swatch?.key ?? null, swatch_width_mm: swatch?.widthMm ?? null } : {}),
        ...(input.archived === false ? { archived_at: null } : {}),
      });
      const action = input.archived === false && before.archived_at ? 'color.restore' : 'color.update';
      await recordAudit(trx, actor, { action, entity: 'color', entityId: id, before: auditColor(before), after: auditColor(after) });
      return { after, oldKey: before.swatch_key !== after.swatch_key ? before.swatch_key : null };
    });
    if (oldKey) await this.deleteUnusedTiles([oldKey]);
    return toAdminColor(this.rt, after);
  }

  async removeColor(actor: Actor, id: string): Promise<{ outcome: 'deleted' | 'archived' }> {
    const { outcome, tileKey } = await this.db.transaction().execute(async (trx) => {
      const before = await lockColor(trx, id);
      if (!before) throw notFound('colour', id);
      if (await colorHasRenders(trx, id)) {
        const after = await updateColor(trx, id, { archived_at: before.archived_at ?? new Date() });
        await recordAudit(trx, actor, { action: 'color.archive', entity: 'color', entityId: id, before: auditColor(before), after: auditColor(after) });
        return { outcome: 'archived' as const, tileKey: null };
      }
      await deleteColor(trx, id);
      await recordAudit(trx, actor, { action: 'color.delete', entity: 'color', entityId: id, before: auditColor(before) });
      return { outcome: 'deleted' as const, tileKey: before.swatch_key };
    });
    if (tileKey) await this.deleteUnusedTiles([tileKey]);
    return { outcome };
  }

  async reorderColors(actor: Actor, familyId: string, ids: string[]) {
    await this.db.transaction().execute(async (trx) => {
      if (!(await lockFamily(trx, familyId))) throw notFound('fabric family', familyId);
      const changes = await reorder(trx, 'fabric_colors', ids, { familyId }).catch(reorderError);
      await recordAudit(trx, actor, { action: 'color.reorder', entity: 'family', entityId: familyId, after: { ids, changes } });
    });
    return this.family(familyId);
  }

  private colorValues(c: ColorCreate, swatch: { key: string; widthMm: number; meanHex: string } | undefined, sort: number): ColorValues {
    const hex = c.hex ?? swatch?.meanHex;
    if (!hex) throw new AppError(422, 'validation_failed', `hex: give the colour (or upload a swatch to measure it) for "${c.slug}"`, { field: 'hex' });
    return {
      slug: c.slug,
      name: c.name,
      hex,
      repeat_mm: c.repeatMm ?? null,
      swatch_key: swatch?.key ?? null,
      swatch_width_mm: swatch?.widthMm ?? null,
      active: c.active,
      sort,
    };
  }

  /** The stored tile of a swatch upload, ready for a colour; undefined when none is asked for. */
  private async swatchFor(uploadId: string | null | undefined) {
    if (!uploadId) return undefined;
    const upload = await findSwatchUpload(this.rt, uploadId);
    const tile = await swatchTile(this.rt, this.tiles, upload);
    const stored = await storeSwatchTile(this.rt, upload, tile);
    return { ...stored, meanHex: tile.meanHex.toUpperCase() };
  }

  /** Tiles are shared by content: remove one only when no colour shows it any more. */
  private async deleteUnusedTiles(keys: string[]) {
    for (const key of new Set(keys)) {
      if (await swatchKeyInUse(this.db, key)) continue;
      await this.rt.storage.delete(key).catch((err) => this.rt.logger.warn({ err, key }, 'could not delete a swatch tile'));
    }
  }
}

function reorderError(error: unknown): never {
  if (error instanceof ReorderError) throw new AppError(422, 'validation_failed', `ids: ${error.message}`, { field: 'ids' });
  throw error;
}
