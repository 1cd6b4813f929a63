/**
 * From a renders row to a render job: the cut/view's template (shipped, or an admin's photo view by
 * version) and the fabric descriptor the row was ordered with. Used by the queue task and by the live
 * preview, so both render a row identically.
 */
import type { RenderRow } from '../db/schema.ts';
import type { Db } from '../db/database.ts';
import type { Config } from '../config.ts';
import type { FabricDescriptor } from './fabric.ts';
import type { OutputSize } from '../engines/types.ts';
import type { StyleOptions } from '../templates/options.ts';
import type { RenderJob, TemplateSource } from './index.ts';
import { findCutAndView } from '../catalog/repository.ts';

export interface RenderParams {
  fabric: FabricDescriptor;
  formats?: Array<'webp' | 'avif'>;
  sizes?: OutputSize[];
  /** Style options of a drawn cut, resolved when ordered. */
  options?: StyleOptions;
}

/** Where an attempt's images live: each attempt writes (and may delete) only under its own prefix. */
export function renderKeyPrefix(renderId: string, attempt: number): string {
  return `renders/${renderId.slice(0, 2)}/${renderId}/${attempt}`;
}

export function templateSource(view: { kind: string; version: string; base_key: string | null; mask_key: string | null } | undefined): TemplateSource {
  if (view?.kind === 'photo' && view.base_key && view.mask_key) return { kind: 'stored', version: view.version, baseKey: view.base_key, maskKey: view.mask_key };
  return { kind: 'shipped' };
}

export async function renderJobFor(rt: { db: Db; config: Pick<Config, 'watermark'> }, render: Pick<RenderRow, 'cut_id' | 'view' | 'engine' | 'params'>): Promise<RenderJob> {
  const row = await findCutAndView(rt.db, render.cut_id, render.view);
  const params = render.params as unknown as RenderParams;
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
  };
}
