import type { FabricColorRow, FabricFamilyRow, SwatchUploadRow } from '../../db/schema.ts';
import type { FabricDesign } from '../../engines/types.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { fabricDescriptor, type FabricDescriptor, type RenderJob } from '../../rendering/index.ts';
import { templateSource } from '../../rendering/jobs.ts';
import type { Runtime } from '../../runtime.ts';
import { findColor, findCutBySlug, findCutViewOrFirst, findFamily } from './repository.ts';
import type { PreviewRequest } from './schemas.ts';
import { findSwatchUpload } from './swatches.ts';

/**
 * Preview renders for the console: what a family, colour, swatch or template will look like, made
 * at once through the render service (its threads; tens of milliseconds at preview size), never
 * stored or queued, without watermark.
 */

/** A navy chalk stripe: shows both colour and how a pattern follows a template's folds. */
const TEMPLATE_PREVIEW_FABRIC: FabricDescriptor = {
  design: { weave: 'twill', pattern: 'chalkstripe', threadMm: 0.25, repeatMm: 14, heather: 0.1, sheen: 0.15 },
  hex: '#1C2841',
};

export class PreviewRenderer {
  constructor(private readonly rt: Runtime) {}

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
    // A swatch upload id drapes that photo; null means the procedural cloth even if the colour has one.
    const upload: SwatchUploadRow | undefined = req.swatchUploadId ? await findSwatchUpload(this.rt, req.swatchUploadId) : undefined;
    const fabric = fabricDescriptor({ design: (req.design ?? family!.design) as FabricDesign }, color, upload, {
      hex: req.hex ?? upload?.mean_hex ?? undefined,
      repeatMm: req.repeatMm ?? undefined,
      tile: req.swatchUploadId === null ? null : undefined,
    });
    return this.preview({ ...(await this.resolveView(req.cut, req.view)), fabric });
  }

  /** An uploaded template before it is saved, draped in a striped cloth (or the given family/colour). */
  async renderTemplate(base: Buffer, mask: Buffer, fabric: FabricDescriptor = TEMPLATE_PREVIEW_FABRIC): Promise<Buffer> {
    // Unsaved templates live only in the threads' byte-bounded template caches, keyed by content.
    return this.preview({ cut: 'template-preview', view: 'front', template: { kind: 'bytes', base, mask }, fabric });
  }

  async fabricOf(familyId: string | undefined, colorId: string | undefined): Promise<FabricDescriptor | undefined> {
    const color = colorId ? await findColor(this.rt.db, colorId) : undefined;
    const family = familyId || color ? await findFamily(this.rt.db, familyId ?? color!.family_id) : undefined;
    if (!family) return undefined;
    return fabricDescriptor(family, color, undefined, { hex: color ? undefined : TEMPLATE_PREVIEW_FABRIC.hex });
  }

  /** The cut's view (its first active one by default), with its template's source. */
  private async resolveView(cutSlug = 'single-breasted', viewName?: string): Promise<Pick<RenderJob, 'cut' | 'view' | 'template'>> {
    const { db } = this.rt;
    const cut = await findCutBySlug(db, cutSlug);
    if (!cut) throw new AppError(422, 'unknown_cut', `Unknown cut "${cutSlug}"`, { field: 'cut' });
    const view = await findCutViewOrFirst(db, cut.id, viewName);
    if (!view) throw new AppError(422, 'unknown_view', `The cut "${cutSlug}" has no view "${viewName ?? '(any)'}"`, { field: 'view' });
    return { cut: cut.slug, view: view.view, template: templateSource(view) };
  }

  private async preview(job: Omit<RenderJob, 'sizes'>): Promise<Buffer> {
    const result = await this.rt.rendering.render({ ...job, sizes: ['preview'] });
    return result.images.find((i) => i.format === 'jpeg')!.data;
  }
}
