import { z } from 'zod';

/** Pieces every part of the contract uses. */

/** Every error answer: `message` is a sentence for a person, `code` is stable for programs. */
export const apiError = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ApiError' });
export type ApiErrorBody = z.infer<typeof apiError>;

/** Documented on every route: 4xx for the caller's mistakes, 5xx for ours. */
export const errorResponses = { '4xx': apiError, '5xx': apiError } as const;

/** An ISO 8601 timestamp as the API writes it (`Date#toISOString`). */
export const timestamp = z.iso.datetime({ offset: true });

export const uuid = (message = 'expected an id (UUID)') => z.uuid({ message });

/** An empty answer (204). */
export const noContent = z.undefined().describe('No content');

/** Bytes, text or a stream: what a binary answer's handler sends (Fastify never serializes these). */
export type BinaryBody = Uint8Array | string | { pipe: unknown };

/** A binary answer (an image, a download): documented as bytes, never serialized as JSON. */
export const binary = (description: string) =>
  z
    .custom<BinaryBody>((v) => typeof v === 'string' || v instanceof Uint8Array || (typeof v === 'object' && v !== null && 'pipe' in v))
    .meta({ type: 'string', format: 'binary', description });

/** A multipart file field, as OpenAPI names it. */
export const fileField = (description: string) => z.string().meta({ format: 'binary', description });
