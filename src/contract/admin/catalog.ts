import { z } from 'zod';
import { clothEstimate } from '../swatches.ts';
import { fabricDesign, fabricDesignOut, hex, hexOut, season } from '../catalog.ts';
import { fileField, timestamp } from '../common.ts';
import { VIEW_KINDS } from '../enums.ts';

/** The console's catalogue: requests validated with field paths that name what the merchandiser typed. */

export const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, { message: 'expected lowercase letters, digits, "-" or "_" (at most 80)' });
export const viewName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'expected lowercase letters, digits, "-" or "_" (at most 40)' });
const name = z.string().trim().min(1, { message: 'cannot be empty' }).max(120);
const repeatMm = z.number().min(1).max(500);
export const id = z.uuid({ message: 'expected an id (UUID)' });
export const idParams = z.object({ id });
export const design = fabricDesign;

export const colorCreate = z.strictObject({
  slug,
  name,
  hex: hex.optional(),
  repeatMm: repeatMm.nullable().optional(),
  active: z.boolean().default(true),
  swatchUploadId: id.nullable().optional(),
});
export type ColorCreate = z.infer<typeof colorCreate>;

export const colorChange = z.strictObject({
  name: name.optional(),
  hex: hex.optional(),
  repeatMm: repeatMm.nullable().optional(),
  active: z.boolean().optional(),
  /** A new photographed swatch, or null to go back to the procedural cloth. */
  swatchUploadId: id.nullable().optional(),
  /** false restores an archived colour. */
  archived: z.literal(false).optional(),
});
export type ColorChange = z.infer<typeof colorChange>;

export const familyCreate = z.strictObject({
  slug,
  name,
  composition: z.string().trim().max(200).default(''),
  weightGsm: z.number().int().min(50).max(1500).nullable().optional(),
  season: season.default('all-season'),
  description: z.string().trim().max(2000).default(''),
  design,
  active: z.boolean().default(true),
  colors: z.array(colorCreate).max(200).default([]),
});
export type FamilyCreate = z.infer<typeof familyCreate>;

export const familyChange = z.strictObject({
  name: name.optional(),
  composition: z.string().trim().max(200).optional(),
  weightGsm: z.number().int().min(50).max(1500).nullable().optional(),
  season: season.optional(),
  description: z.string().trim().max(2000).optional(),
  design: design.optional(),
  active: z.boolean().optional(),
  archived: z.literal(false).optional(),
});
export type FamilyChange = z.infer<typeof familyChange>;

export const FAMILY_STATUSES = ['current', 'active', 'inactive', 'archived', 'all'] as const;

export const familyQuery = z.object({
  q: z.string().trim().max(120).optional(),
  season: season.optional(),
  weave: design.shape.weave.optional(),
  pattern: design.shape.pattern.optional(),
  status: z.enum(FAMILY_STATUSES).default('current'),
  sort: z
    .string()
    .regex(/^-?(sort|name|updated|colors|weight)$/, { message: 'expected sort, name, updated, colors or weight, with "-" for descending' })
    .default('sort'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export type FamilyQuery = z.input<typeof familyQuery>;

export const reorderBody = z.strictObject({ ids: z.array(id).min(1).max(5000) });

export const previewBody = z
  .strictObject({
    familyId: id.optional(),
    design: design.optional(),
    colorId: id.optional(),
    hex: hex.optional(),
    repeatMm: repeatMm.nullable().optional(),
    swatchUploadId: id.nullable().optional(),
    cut: slug.optional(),
    view: viewName.optional(),
  })
  .refine((b) => b.familyId || b.design, { message: 'give the family (familyId) or its design', path: ['design'] });
export type PreviewRequest = z.infer<typeof previewBody>;

export const swatchFields = z.object({
  widthMm: z.coerce.number().min(5, { message: 'expected at least 5 mm' }).max(1000, { message: 'expected at most 1000 mm' }).optional(),
});
export const swatchForm = z.object({
  widthMm: z
    .string()
    .optional()
    .describe('the width the photo shows, in millimetres (5–1000); without it the cloth is found in the photo, straightened, and its size read from the weave'),
  file: fileField('the swatch photo'),
});

export const cutCreate = z.strictObject({ slug, name, legacyId: z.string().trim().min(1).max(40).nullable().optional() });
export const cutChange = z.strictObject({
  name: name.optional(),
  legacyId: z.string().trim().min(1).max(40).nullable().optional(),
  active: z.boolean().optional(),
});
export const viewChange = z.strictObject({ active: z.boolean() });
export const templateFields = z.object({
  view: viewName.optional(),
  familyId: id.optional(),
  colorId: id.optional(),
});
export const photoViewForm = z.object({
  view: viewName.describe('the view name, e.g. front'),
  base: fileField('the photo of the model in a light, plain suit'),
  mask: fileField('the garment mask: white = cloth'),
});
export const templatePreviewForm = z.object({
  view: viewName.optional(),
  familyId: id.optional(),
  colorId: id.optional(),
  base: fileField('the photo of the model in a light, plain suit'),
  mask: fileField('the garment mask: white = cloth'),
});

// ---- answers ----

export const adminFamily = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  composition: z.string(),
  weightGsm: z.number().nullable(),
  season,
  description: z.string(),
  design: fabricDesignOut,
  active: z.boolean(),
  archivedAt: timestamp.nullable(),
  sort: z.number(),
  updatedAt: timestamp,
});
export type AdminFamily = z.infer<typeof adminFamily>;

export const adminFamilyRow = adminFamily.extend({ colorCount: z.number(), renderCount: z.number() });
export type AdminFamilyRow = z.infer<typeof adminFamilyRow>;

export const familyPage = z.object({ items: z.array(adminFamilyRow), total: z.number(), page: z.number(), pageSize: z.number() });

export const adminColor = z.object({
  id: z.uuid(),
  familyId: z.uuid(),
  slug: z.string(),
  name: z.string(),
  hex: hexOut,
  repeatMm: z.number().nullable(),
  swatch: z.object({ url: z.string(), widthMm: z.number().nullable() }).nullable(),
  active: z.boolean(),
  archivedAt: timestamp.nullable(),
  sort: z.number(),
  updatedAt: timestamp,
});
export type AdminColor = z.infer<typeof adminColor>;

export const adminFamilyDetail = adminFamily.extend({ colors: z.array(adminColor) });
export type AdminFamilyDetail = z.infer<typeof adminFamilyDetail>;

export const removal = z.object({ outcome: z.enum(['deleted', 'archived']).describe('archived when renders still use it') });

export const adminSwatch = z.object({
  id: z.uuid(),
  url: z.string(),
  filename: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  widthMm: z.number(),
  meanHex: hexOut,
  lab: z.array(z.number()),
  tile: z.object({
    width: z.number().int(),
    height: z.number().int(),
    widthMm: z.number(),
    repeatPx: z.object({ x: z.number(), y: z.number() }),
    url: z.string(),
  }),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  estimate: clothEstimate.optional(),
});
export type AdminSwatch = z.infer<typeof adminSwatch>;

export const adminCutView = z.object({
  id: z.uuid(),
  view: z.string(),
  kind: z.enum(VIEW_KINDS),
  active: z.boolean(),
  version: z.string(),
  baseUrl: z.string().nullable(),
  maskUrl: z.string().nullable(),
});
export type AdminCutView = z.infer<typeof adminCutView>;

export const adminCut = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  legacyId: z.string().nullable(),
  active: z.boolean(),
  sort: z.number(),
  views: z.array(adminCutView),
});
export type AdminCut = z.infer<typeof adminCut>;

export const viewRemoval = z.object({ outcome: z.enum(['deleted', 'deactivated']) });
