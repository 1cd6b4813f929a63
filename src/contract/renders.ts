import { z } from 'zod';
import { timestamp } from './common.ts';
import { IMAGE_FORMATS, IMAGE_SIZES, RENDER_STATUSES } from './enums.ts';

/** Render orders, renders and their history. */

export const renderStatus = z.enum(RENDER_STATUSES);

const slugLike = z.string().min(1).max(80);

export const renderOrder = z.strictObject({
  family: slugLike,
  color: slugLike.optional(),
  swatchUploadId: z.uuid().optional(),
  cuts: z.array(slugLike).min(1, { message: 'choose at least one cut' }),
  view: slugLike.optional(),
  engine: slugLike.optional(),
  formats: z
    .array(z.enum(['webp', 'avif']))
    .max(2)
    .optional(),
  /** Only these sizes: a live preview asks for 'preview' alone, which renders in a few milliseconds. */
  sizes: z.array(z.enum(IMAGE_SIZES)).min(1).max(4).optional(),
  /** 'hd' adds a 2048×3072 image (zoom and download) to the sizes made. */
  size: z.enum(['standard', 'hd']).optional(),
  /**
   * Style options of the cut, over its preset: `{lapel: "peak", fastening: "db6x2"}`. GET /api/cuts lists
   * each cut's options and allowed values; an unknown or incompatible one is refused with 422.
   */
  options: z.record(z.string().max(40), z.string().max(40)).optional(),
  /**
   * A preview the app prepares while the associate looks, for a tap that may come (the family's other
   * colours, the likeliest next style): not on screen, so it does not move the styles the server drafts
   * ahead of the next tap.
   */
  ahead: z
    .boolean()
    .optional()
    .describe("a preview prepared for a tap that may come, not on screen: in nobody's History, and the styles drafted ahead stay around the suit on screen"),
  comfyui: z
    .strictObject({
      workflow: z
        .enum(['refine', 'generate'])
        .optional()
        .describe("refine (default): the compose render made photoreal; generate: the replaced system's full generation, for comparison"),
      steps: z.number().int().min(1).max(150).optional(),
      cfg: z.number().min(1).max(30).optional(),
      denoise: z.number().min(0.05).max(1).optional().describe('how much the refinement may change (default COMFYUI_DENOISE, 0.35)'),
      seed: z.number().int().min(0).max(4_294_967_295).optional(),
    })
    .optional()
    .describe('settings of the photoreal engine (engine "comfyui" only); unset ones take the server\'s defaults'),
});
/** What a client sends (before defaults). */
export type RenderOrder = z.input<typeof renderOrder>;

export const renderImage = z.object({
  size: z.enum(IMAGE_SIZES),
  format: z.enum(IMAGE_FORMATS),
  url: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  dataUrl: z
    .string()
    .optional()
    .describe(
      'the image itself as a data: URL, the same bytes as `url`: only in the answer to a POST for a live preview this replica drew (PREVIEW_INLINE_MAX_KB, PREVIEW_IMAGE_MEMORY_MB), so it can be shown without a second request',
    ),
});
export type RenderImage = z.infer<typeof renderImage>;

/** How a photoreal (comfyui) render was made, and what the fidelity guard decided. */
export const renderRefinement = z.object({
  workflow: z.enum(['refine', 'generate']),
  settings: z.object({ steps: z.number(), cfg: z.number(), denoise: z.number(), seed: z.number() }),
  fidelity: z.object({
    action: z
      .enum(['refined', 'blended', 'compose', 'measured'])
      .describe(
        "refined: delivered as the GPU made it; blended: its colour replaced by the compose render's; compose: the compose image kept; measured: generate workflow, not corrected",
      ),
    deltaE: z
      .object({ refined: z.number(), compose: z.number(), delivered: z.number() })
      .describe("ΔE2000 of the garment's de-shaded colour against the cloth"),
    period: z
      .object({ compose: z.number().nullable(), refined: z.number().nullable(), similarity: z.number() })
      .describe('pattern period in pixels (null: no clear repeat) and how alike the two patterns are (1 = the same)'),
    maxDeltaE: z.number(),
    reason: z.string().nullable(),
  }),
  timings: z.record(z.string(), z.number()),
  /** How many servers were left for another before this one made it. */
  serverRetries: z.number().int(),
});
export type RenderRefinement = z.infer<typeof renderRefinement>;

export const render = z.object({
  id: z.uuid(),
  status: renderStatus,
  progress: z.number().min(0).max(1),
  engine: z.string(),
  family: z.string().describe('the family slug'),
  color: z.string().nullable(),
  swatchUploadId: z.uuid().nullable(),
  cloth: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('catalogue') }),
      z.object({ kind: z.literal('photographed'), label: z.literal('Photographed cloth'), thumbnailUrl: z.string().describe('the photo of the cloth') }),
    ])
    .describe("what the suit is made of: a catalogue colour (family and color), or a photographed cloth, which is not the family's"),
  cut: z.string().describe("the cut's slug; 'studio' for a client's photo"),
  view: z.string(),
  kind: z.enum(['catalogue', 'studio']).optional().describe("'studio': the cloth on a client's own photo (POST /api/studio/renders)"),
  private: z.boolean().optional().describe('a studio render: never in History or /api/renders listings; its image URLs are signed and expire'),
  studioPhotoId: z.uuid().nullable().optional().describe('the studio photo a studio render re-clothes'),
  options: z
    .record(z.string(), z.string())
    .nullable()
    .describe("the style options the suit was drawn with (the cut's preset with any choices over it); null for a photo view"),
  attempts: z.number().int(),
  error: z.string().nullable(),
  images: z.array(renderImage),
  requestId: z.string().nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  durationMs: z.number().nullable(),
  refinement: renderRefinement.nullable().describe("photoreal renders (engine comfyui): workflow, settings and the fidelity guard's verdict"),
});
export type Render = z.infer<typeof render>;

export const renderBatch = z.object({
  batchId: z.uuid(),
  renders: z.array(render.extend({ reused: z.boolean().describe('an identical render existed or was running already') })),
});
export type RenderBatch = z.infer<typeof renderBatch>;

export const renderIdParams = z.object({ id: z.uuid({ message: 'expected a render id (UUID)' }) });

export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export type HistoryQuery = z.input<typeof historyQuery>;

export const renderHistory = z.object({ items: z.array(render), nextCursor: z.string().nullable() });
export type RenderHistory = z.infer<typeof renderHistory>;

/** The server-sent events of GET /api/renders/:id/events: `status` (a whole render) and `progress`. */
export const renderProgressEvent = z.object({ id: z.uuid(), status: renderStatus, progress: z.number(), error: z.string().nullable() });
export type RenderProgressEvent = z.infer<typeof renderProgressEvent>;
