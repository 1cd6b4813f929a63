import { z } from 'zod';
import { fabricDesignSchema } from '../../catalog/catalog-file.ts';

/** The console's catalog requests, validated; the field paths name what the merchandiser typed. */

export const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, { message: 'expected lowercase letters, digits, "-" or "_" (at most 80)' });
export const viewName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'expected lowercase letters, digits, "-" or "_" (at most 40)' });
export const hex = z
  .string()
  .regex(/^#?[0-9a-fA-F]{6}$/, { message: 'expected a colour such as #1C2841' })
  .transform((v) => ('#' + v.replace('#', '')).toUpperCase());
const name = z.string().trim().min(1, { message: 'cannot be empty' }).max(120);
const season = z.enum(['all-season', 'spring-summer', 'autumn-winter']);
const repeatMm = z.number().min(1).max(500);
export const id = z.uuid({ message: 'expected an id (UUID)' });
export const idParam = z.object({ id });
export const design = fabricDesignSchema;

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

export const familyQuery = z.object({
  q: z.string().trim().max(120).optional(),
  season: season.optional(),
  weave: design.shape.weave.optional(),
  pattern: design.shape.pattern.optional(),
  status: z.enum(['current', 'active', 'inactive', 'archived', 'all']).default('current'),
  sort: z
    .string()
    .regex(/^-?(sort|name|updated|colors|weight)$/, { message: 'expected sort, name, updated, colors or weight, with "-" for descending' })
    .default('sort'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

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
  widthMm: z.coerce.number().min(5, { message: 'expected at least 5 mm' }).max(1000, { message: 'expected at most 1000 mm' }).default(60),
});

export const cutCreate = z.strictObject({ slug, name, legacyId: z.string().trim().min(1).max(40).nullable().optional() });
export const cutChange = z.strictObject({ name: name.optional(), legacyId: z.string().trim().min(1).max(40).nullable().optional(), active: z.boolean().optional() });
export const viewChange = z.strictObject({ active: z.boolean() });
export const templateFields = z.object({
  view: viewName.optional(),
  familyId: id.optional(),
  colorId: id.optional(),
});
