import { z } from 'zod';
import { IMPORT_MODES, TRANSFER_FORMATS } from '../enums.ts';

/** Catalogue import and export: Atelier JSON, the replaced system's fabrics.json, CSV. */

const format = z.enum(TRANSFER_FORMATS, { message: 'expected atelier, fabrics or csv' });
export const exportQuery = z.object({ format: format.default('atelier') });
export const importQuery = z.object({
  format: format.optional(),
  mode: z.enum(IMPORT_MODES, { message: 'expected merge or sync' }).default('merge'),
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});
export type ImportQuery = z.input<typeof importQuery>;

/** The file itself: a JSON document, or CSV text (`text/csv`). */
export const importFile = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.string()]).optional();

const counts = z.object({ created: z.number(), changed: z.number(), archived: z.number(), unchanged: z.number() });

export const importResult = z.object({
  dryRun: z.boolean(),
  format: z.enum(TRANSFER_FORMATS),
  mode: z.enum(IMPORT_MODES),
  summary: z.object({ families: counts, colors: counts, cuts: counts }),
  changes: z.array(
    z.object({
      entity: z.enum(['family', 'color', 'cut']),
      op: z.enum(['create', 'update', 'archive']),
      slug: z.string(),
      family: z.string().optional(),
      restore: z.boolean().optional(),
      changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).optional(),
    }),
  ),
  more: z.number().describe('changes not listed'),
});
export type ImportResult = z.infer<typeof importResult>;
