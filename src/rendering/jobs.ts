/**
 * From a renders row to a render job: the cut/view's template (shipped, or an admin's photo view by
 * version) and the fabric descriptor the row was ordered with. Used by the queue task and by the live
 * preview, so both render a row identically.
 */
import type { RenderRow } from '../db/schema.ts';
import type { Db } from '../db/database.ts';
import type { Config } from '../config.ts';
import type { FabricDescriptor } from './fabric.ts';
import type { WorkflowSettings } from '../engines/comfyui/workflows.ts';
import type { OutputSize } from '../engines/types.ts';
import type { StyleOptions } from '../templates/options.ts';
import type { RenderJob, TemplateSource } from './index.ts';
import { findCutAndView } from '../catalog/repository.ts';
import { studioKeys } from '../studio/files.ts';

/** What a studio render keeps in its params: the photo and painted mask it re-clothes, at what scale. */
export interface StudioRenderParams {
  photoId: string;
  photoKey: string;
  maskKey: string;
  /** Hash of photo and mask bytes: the template's version. */
  version: string;
  /** Hash of photo and mask without the scale (older renders lack it): a mask prepared ahead is found under it. */
  maskVersion?: string;
  width: number;
  height: number;
  pxPerMm: number;
}

export interface RenderParams {
  fabric: FabricDescriptor;
  studio?: StudioRenderParams;
  formats?: Array<'webp' | 'avif'>;
  sizes?: OutputSize[];
  /** Style options of a drawn cut, resolved when ordered. */
  options?: StyleOptions;
  /** The GPU engine's settings, resolved when the render was ordered. */
  comfyui?: WorkflowSettings;
}

/**
 * Where an attempt's images live: each attempt writes (and may delete) only under its own prefix. A
 * studio render's go with its photo (studio/<photo>/renders/…), never among the public renders.
 */
export function renderKeyPrefix(render: Pick<RenderRow, 'id' | 'studio_photo_id'>, attempt: number): string {
  if (render.studio_photo_id) return studioKeys.renderPrefix(render.studio_photo_id, render.id, attempt);
  return `renders/${render.id.slice(0, 2)}/${render.id}/${attempt}`;
}

export function templateSource(view: { kind: string; version: string; base_key: string | null; mask_key: string | null } | undefined): TemplateSource {
  if (view?.kind === 'photo' && view.base_key && view.mask_key)
    return { kind: 'stored', version: view.version, baseKey: view.base_key, maskKey: view.mask_key };
  return { kind: 'shipped' };
}

/** The cut's slug and its view's row, when the caller has just read them (the live preview has). */
export type KnownCutView = { slug: string; kind: string | null; version: string | null; base_key: string | null; mask_key: string | null };

export async function renderJobFor(
  rt: { db: Db; config: Pick<Config, 'watermark'> },
  render: Pick<RenderRow, 'cut_id' | 'view' | 'engine' | 'params'>,
  known?: KnownCutView,
): Promise<RenderJob> {
  const params = render.params as unknown as RenderParams;
  if (params.studio) {
    // The client's photo is the template, at its own size and scale. No watermark: the photo is the
    // client's, and its pixels outside the garment must stay exactly theirs.
    const s = params.studio;
    return {
      engine: render.engine,
      cut: 'studio',
      view: s.photoId,
      template: {
        kind: 'stored',
        version: s.version,
        baseKey: s.photoKey,
        maskKey: s.maskKey,
        maskVersion: s.maskVersion,
        options: { width: s.width, height: s.height, pxPerMm: s.pxPerMm },
      },
      fabric: params.fabric,
      formats: params.formats?.length ? params.formats : undefined,
      sizes: params.sizes,
    };
  }
  if (!render.cut_id) throw new Error('a render without a cut must be a studio render');
  const row = known ?? (await findCutAndView(rt.db, render.cut_id, render.view));
  return {
    engine: render.engine,
    cut: row.slug,
    view: render.view,
    template: templateSource(row.kind ? (row as { kind: string; version: string; base_key: string | null; mask_key: string | null }) : undefined),
    fabric: params.fabric,
    watermark: rt.config.watermark,
    formats: params.formats?.length ? params.formats : undefined,
    sizes: params.sizes,
    options: params.options,
    comfyui: params.comfyui,
  };
}
