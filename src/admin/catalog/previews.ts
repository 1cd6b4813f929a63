import sharp from 'sharp';
import type { FabricColorRow, FabricFamilyRow } from '../../db/schema.ts';
import { createComposeEngine, type ComposeEngine } from '../../engines/compose/index.ts';
import type { FabricDesign, FabricSpec } from '../../engines/types.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { loadPhotoTemplate } from '../../templates/index.ts';
import { findColor, findCutBySlug, findFamily } from './repository.ts';
import type { PreviewRequest } from './schemas.ts';
import { findSwatchUpload, swatchTile, type SwatchTileCache } from './swatches.ts';

/**
 * Preview renders for the console: what a family, colour, swatch or template will look like, made
 * at once in this process (the compose engine takes tens of milliseconds at preview size) and never
 * stored or queued. Its own engine, so previews never evict the workers' textures.
 */

/** A navy chalk stripe: shows both colour and how a pattern follows a template's folds. */
const TEMPLATE_PREVIEW_FABRIC: FabricSpec = {
  design: { weave: 'twill', pattern: 'chalkstripe', threadMm: 0.25, repeatMm: 14, heather: 0.1, sheen: 0.15 },
  hex: '#1C2841',
};

export class PreviewRenderer {
  private engine: ComposeEngine | undefined;
  /** Photo views loaded into the engine, by cut/view, with the version loaded. */
  private readonly photoVersions = new Map<string, string>();

  constructor(
    private readonly rt: Runtime,
    private readonly tiles: SwatchTileCache,
  ) {}

  private composeEngine(): ComposeEngine {
    // Rasterised drawn templates come from the disk cache the workers fill (built once otherwise).
    this.engine ??= createComposeEngine({ textureCacheBytes: 32 * 1024 * 1024, templateCacheDir: this.rt.config.worker.templateCacheDir });
    return this.engine;
  }

  /** A family/colour/swatch on a cut: JPEG at preview size, without watermark. */
  async render(req: PreviewRequest): Promise<Buffer> {
    const { db } = this.rt;
    let family: FabricFamilyRow | undefined;
    if (req.familyId) {
      family = await findFamily(db, req.familyId);
      if (!family) throw notFound('fabric family', req.familyId, { field: 'familyId' });
    }
    let color: FabricColorRow | undefined;
    if (req.colorId) {
      color = await findColor(db, req.colorId);
      if (!color) throw notFound('colour', req.colorId, { field: 'colorId' });
    }
    const design = (req.design ?? family!.design) as FabricDesign;
    const fabric: FabricSpec = {
      design,
      hex: req.hex ?? color?.hex ?? '#808080',
      repeatMm: req.repeatMm ?? (color?.repeat_mm != null ? Number(color.repeat_mm) : undefined),
    };
    // A swatch upload id drapes that photo; null means the procedural cloth even if the colour has one.
    if (req.swatchUploadId) {
      const upload = await findSwatchUpload(this.rt, req.swatchUploadId);
      const tile = await swatchTile(this.rt, this.tiles, upload);
      fabric.swatch = tile.tile;
      if (!req.hex) fabric.hex = tile.meanHex.toUpperCase();
    } else if (req.swatchUploadId === undefined && color?.swatch_key && color.swatch_width_mm != null) {
      fabric.swatch = await this.storedTile(color.swatch_key, Number(color.swatch_width_mm));
    }
    const { cut, view } = await this.resolveView(req.cut, req.view);
    return this.encode(await this.composeEngine().renderRaw({ cut, view, fabric }, 'preview'));
  }

  /** An uploaded template before it is saved, draped in a striped cloth (or the given family/colour). */
  async renderTemplate(base: Buffer, mask: Buffer, fabric: FabricSpec = TEMPLATE_PREVIEW_FABRIC): Promise<Buffer> {
    const view = await loadPhotoTemplate(base, mask, { cut: 'template-preview', view: 'front' });
    // A throwaway engine: unsaved templates must not accumulate in a long-lived one.
    const engine = createComposeEngine({ textureCacheBytes: 16 * 1024 * 1024 });
    engine.addTemplate(view);
    return this.encode(await engine.renderRaw({ cut: view.cut, view: view.view, fabric }, 'preview'));
  }

  async fabricOf(familyId: string | undefined, colorId: string | undefined): Promise<FabricSpec | undefined> {
    const color = colorId ? await findColor(this.rt.db, colorId) : undefined;
    const family = familyId || color ? await findFamily(this.rt.db, familyId ?? color!.family_id) : undefined;
    if (!family) return undefined;
    return {
      design: family.design as FabricDesign,
      hex: color?.hex ?? TEMPLATE_PREVIEW_FABRIC.hex,
      repeatMm: color?.repeat_mm != null ? Number(color.repeat_mm) : undefined,
      swatch: color?.swatch_key && color.swatch_width_mm != null ? await this.storedTile(color.swatch_key, Number(color.swatch_width_mm)) : undefined,
    };
  }

  private async storedTile(key: string, widthMm: number) {
    const { data, info } = await sharp(await this.rt.storage.get(key)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, widthMm };
  }

  /** The cut's view (its first active one by default); photo views are loaded from storage once per version. */
  private async resolveView(cutSlug = 'single-breasted', viewName?: string): Promise<{ cut: string; view: string }> {
    const { db } = this.rt;
    const cut = await findCutBySlug(db, cutSlug);
    if (!cut) throw new AppError(422, 'unknown_cut', `Unknown cut "${cutSlug}"`, { field: 'cut' });
    let q = db.selectFrom('cut_views').selectAll().where('cut_id', '=', cut.id);
    q = viewName ? q.where('view', '=', viewName) : q.where('active', '=', true).orderBy('sort');
    const view = await q.executeTakeFirst();
    if (!view) throw new AppError(422, 'unknown_view', `The cut "${cutSlug}" has no view "${viewName ?? '(any)'}"`, { field: 'view' });
    if (view.kind === 'photo') {
      const key = `${cut.slug}/${view.view}`;
      if (this.photoVersions.get(key) !== view.version) {
        const [base, mask] = await Promise.all([this.rt.storage.get(view.base_key!), this.rt.storage.get(view.mask_key!)]);
        const template = await loadPhotoTemplate(base, mask, { cut: cut.slug, view: view.view });
        this.composeEngine().addTemplate(template);
        this.photoVersions.set(key, view.version);
      }
    }
    return { cut: cut.slug, view: view.view };
  }

  private encode(raw: { width: number; height: number; rgb: Uint8Array }): Promise<Buffer> {
    return sharp(raw.rgb, { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  }
}
