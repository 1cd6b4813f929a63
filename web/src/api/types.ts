/**
 * The JSON the Atelier API answers with: the contract's own types (`z.infer` of the Zod schemas in
 * src/contract that validate the server's requests and answers and generate /docs/json), never
 * copied by hand. Only types cross over: the web bundle does not carry Zod.
 */
import type { RenderImage } from '../../../src/contract/renders.ts';

export type { Colorway, Cut, CutView, FabricDesign, FabricFamily } from '../../../src/contract/catalog.ts';
export type { Season, RenderStatus } from '../../../src/contract/enums.ts';
export { isTerminal, TERMINAL_STATUSES as TERMINAL } from '../../../src/contract/enums.ts';
export type { Look, LookCreate, LookRender, SavedLook } from '../../../src/contract/looks.ts';
export type { Render, RenderBatch, RenderHistory, RenderImage, RenderOrder } from '../../../src/contract/renders.ts';
export type { ClothEstimate, SwatchUpload } from '../../../src/contract/swatches.ts';
export type { StudioMaskAhead, StudioMaskAheadAnswer, StudioPhoto, StudioRenderOrder } from '../../../src/contract/studio.ts';
/** The person signed in on this tablet. */
export type { SessionUser as StaffAccount } from '../../../src/contract/admin/auth.ts';

/** The image of a size, else the largest there is (a live-preview render has only its preview). */
export function imageOf(render: { images: RenderImage[] }, size: RenderImage['size']): RenderImage | undefined {
  const jpeg = render.images.filter((i) => i.format === 'jpeg');
  const pool = jpeg.length ? jpeg : render.images;
  return pool.find((i) => i.size === size) ?? [...pool].sort((a, b) => b.width - a.width)[0];
}
