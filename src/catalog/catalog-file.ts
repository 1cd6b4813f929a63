import { z } from 'zod';
import type { FabricDesign } from '../engines/types.ts';

/**
 * The catalog documents Atelier reads: its own JSON (catalog/demo.json) and the replaced system's
 * fabrics.json. Both become one normalised `CatalogDocument` that the importer writes.
 */

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, { message: 'expected lowercase letters, digits, "-" or "_"' });
const hex = z
  .string()
  .regex(/^#?[0-9a-fA-F]{6}$/, { message: 'expected a colour such as #1C2841' })
  .transform((v) => `#${v.replace('#', '')}`.toUpperCase());

export const fabricDesignSchema = z.object({
  weave: z.enum(['plain', 'twill', 'herringbone', 'hopsack', 'sharkskin', 'birdseye', 'flannel', 'satin']),
  pattern: z.enum(['solid', 'pinstripe', 'chalkstripe', 'glencheck', 'houndstooth', 'windowpane']),
  threadMm: z.number().min(0.05).max(3),
  repeatMm: z.number().min(1).max(500).optional(),
  heather: z.number().min(0).max(1).optional(),
  nap: z.number().min(0).max(1).optional(),
  sheen: z.number().min(0).max(1).optional(),
  accentHex: hex.optional(),
}) satisfies z.ZodType<FabricDesign, unknown>;

const colorSchema = z.object({
  slug,
  name: z.string().min(1).max(120),
  hex,
  repeatMm: z.number().min(1).max(500).optional(),
  /** The replaced API's catalogue-wide id; when absent or taken, '<family>-<colour>' is given. */
  legacyId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,199}$/, { message: 'expected lowercase letters, digits, "-" or "_"' })
    .optional(),
  active: z.boolean().default(true),
  sort: z.number().int().optional(),
});

const familySchema = z.object({
  slug,
  name: z.string().min(1).max(120),
  composition: z.string().max(200).default(''),
  weightGsm: z.number().int().min(50).max(1500).optional(),
  season: z.enum(['all-season', 'spring-summer', 'autumn-winter']).default('all-season'),
  description: z.string().max(2000).default(''),
  design: fabricDesignSchema,
  active: z.boolean().default(true),
  sort: z.number().int().default(0),
  legacy: z.record(z.string(), z.unknown()).optional(),
  colors: z.array(colorSchema).max(200),
});

const cutSchema = z.object({
  slug,
  name: z.string().min(1).max(120),
  legacyId: z.string().min(1).max(40).nullable().optional(),
  views: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/)).min(1),
  active: z.boolean().default(true),
  sort: z.number().int().default(0),
});

export const catalogDocumentSchema = z.object({
  version: z.literal(1),
  families: z.array(familySchema).max(2000),
  cuts: z.array(cutSchema).default([]),
});

export type CatalogDocument = z.infer<typeof catalogDocumentSchema>;
export type CatalogFamily = z.infer<typeof familySchema>;

/** The replaced system's fabrics.json, as its API and seed script wrote it. */
const legacyDocumentSchema = z.object({
  families: z.array(
    z.object({
      family_id: slug,
      display_name: z.string().min(1).max(120),
      lora_id: z.string().optional(),
      default_recipe: z.record(z.string(), z.unknown()).optional(),
      status: z.string().default('active'),
      sort: z.number().int().default(0),
      colors: z.array(z.object({ color_id: slug, name: z.string().min(1).max(120), hex, status: z.string().optional() })),
    }),
  ),
});

/**
 * The replaced catalog described cloth only by name (its generator was a LoRA per family);
 * guess a weave from the family's words so its fabrics drape believably.
 */
export function guessDesignFromName(words: string): FabricDesign {
  const w = words.toLowerCase();
  if (/lino|linen/.test(w)) return { weave: 'plain', pattern: 'solid', threadMm: 0.4, heather: 0.35, sheen: 0.05 };
  if (/seda|silk|lux/.test(w)) return { weave: 'satin', pattern: 'solid', threadMm: 0.15, heather: 0.02, sheen: 0.75 };
  if (/algod|cotton|tech/.test(w)) return { weave: 'twill', pattern: 'solid', threadMm: 0.25, heather: 0.04, sheen: 0.1 };
  if (/franela|flannel/.test(w)) return { weave: 'flannel', pattern: 'solid', threadMm: 0.35, heather: 0.4, nap: 0.7, sheen: 0 };
  if (/cachem|cashmere/.test(w)) return { weave: 'twill', pattern: 'solid', threadMm: 0.25, heather: 0.12, nap: 0.45, sheen: 0.2 };
  return { weave: 'twill', pattern: 'solid', threadMm: 0.25, heather: 0.08, sheen: 0.15 };
}

function fromLegacy(doc: z.infer<typeof legacyDocumentSchema>): CatalogDocument {
  return {
    version: 1,
    cuts: [],
    families: doc.families.map((f) => ({
      slug: f.family_id,
      name: f.display_name,
      composition: '',
      season: 'all-season' as const,
      description: '',
      design: guessDesignFromName(`${f.family_id} ${f.display_name}`),
      active: f.status === 'active',
      sort: f.sort,
      legacy: { lora_id: f.lora_id, default_recipe: f.default_recipe },
      colors: f.colors.map((c, i) => ({
        slug: c.color_id,
        // The replaced front end knows colours by this id alone: keep it.
        legacyId: c.color_id,
        name: c.name,
        hex: c.hex,
        active: c.status === undefined || c.status === 'active',
        sort: i,
      })),
    })),
  };
}

export class CatalogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogFormatError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`)
    .join('; ');
}

/** Accepts either format; says which fields are wrong when neither fits. */
export function parseCatalogDocument(input: unknown): CatalogDocument {
  if (input && typeof input === 'object' && 'version' in input) {
    const ours = catalogDocumentSchema.safeParse(input);
    if (!ours.success) throw new CatalogFormatError(`Not a valid Atelier catalog: ${describeIssues(ours.error)}`);
    return ours.data;
  }
  const legacy = legacyDocumentSchema.safeParse(input);
  if (!legacy.success) throw new CatalogFormatError(`Not a valid fabrics.json catalog: ${describeIssues(legacy.error)}`);
  const doc = fromLegacy(legacy.data);
  const seen = new Set<string>();
  for (const f of doc.families) {
    if (seen.has(f.slug)) throw new CatalogFormatError(`Family "${f.slug}" appears twice`);
    seen.add(f.slug);
  }
  return doc;
}
