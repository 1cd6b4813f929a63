import { z } from 'zod';
import { clothEstimate } from './swatches.ts';
import { fileField } from './common.ts';

/**
 * The replaced system's HTTP API, in exactly the shapes its Next.js front end reads. "recto" and
 * "cruzado" are its names for the single- and double-breasted cuts.
 */

export const legacyCatalog = z.object({
  families: z.array(
    z.object({
      family_id: z.string(),
      display_name: z.string(),
      status: z.literal('active'),
      sort: z.number(),
      colors: z.array(z.object({ color_id: z.string(), name: z.string(), hex: z.string(), swatch_url: z.string() })),
    }),
  ),
});

export const generateBody = z.object({
  // Optional: after a search by id its front end may send the color_id alone; a known color_id
  // wins over a family_id that disagrees.
  family_id: z.string().min(1).max(80).nullable().optional(),
  color_id: z.string().min(1).max(200).describe('a /catalog color_id (unique across families), or a colour slug of family_id'),
  cuts: z
    .array(z.enum(['recto', 'cruzado']))
    .min(1)
    .default(['recto', 'cruzado']),
  seed: z.number().int().nullable().optional(),
  quality: z.enum(['preview', 'final']).default('preview'),
  swatch_url: z
    .string()
    .max(2000)
    .nullable()
    .optional()
    .describe("a URL this server handed out: a colour's swatch_url from /catalog, or one returned by /upload-swatch (never fetched)"),
});

export const generateAnswer = z.object({
  request_id: z.uuid(),
  job_id: z.uuid(),
  status: z.literal('pending'),
  images: z.array(z.never()).describe('always empty: poll /jobs/{id}'),
  duration_ms: z.null(),
  meta: z.object({}),
});

export const legacyJobStatus = z.enum(['pending', 'processing', 'completed', 'failed']);

export const legacyJob = z.object({
  request_id: z.uuid(),
  status: legacyJobStatus,
  images: z.array(z.object({ cut: z.string(), url: z.string(), width: z.number(), height: z.number(), watermark: z.boolean() })),
  result_urls: z.array(z.string()),
  duration_ms: z.number().nullable(),
  meta: z.object({
    family_id: z.string().optional(),
    color_id: z.string().nullable().optional(),
    engine: z.string().optional(),
    error: z.string().optional(),
  }),
});

export const legacyJobParams = z.object({ id: z.string() });

export const legacyUploadForm = z.object({ file: fileField('the photographed cloth') });

export const legacyUploadAnswer = z.object({
  swatch_url: z.string(),
  filename: z.string(),
  size_bytes: z.number(),
  mean_hex: z.string().nullable(),
  cloth_estimate: clothEstimate.optional(),
});
