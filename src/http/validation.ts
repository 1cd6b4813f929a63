import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { AppError } from './errors.ts';

/** A failed validation as the API answers it: 422, the first issue's field path in the message, all issues in details. */
export function validationError(error: z.ZodError, where: string): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0]!;
  const message = first.path ? `${first.path}: ${first.message}` : `${where}: ${first.message}`;
  return new AppError(422, 'validation_failed', message, { issues });
}

/** Validates a request part the route schema cannot see (multipart fields); a wrong value becomes a 422. */
export function parseWith<T extends z.ZodType>(schema: T, data: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  throw validationError(result.error, where);
}

const PART_NAMES: Record<string, string> = { querystring: 'query', params: 'params', body: 'body', headers: 'headers' };

/**
 * Fastify's validator for the routes' Zod schemas (params, then body, then query): the parsed value
 * (defaults and transforms applied) replaces the request part, and a failure is the same 422 as
 * parseWith's. A missing body is read as `{}`, so that "name: required" names the field rather than
 * saying the body is not an object — unless the schema admits no body at all.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const input = data === undefined && !schema.safeParse(undefined).success ? {} : data;
    const result = schema.safeParse(input);
    if (result.success) return { value: result.data };
    return { error: validationError(result.error, PART_NAMES[httpPart ?? 'body'] ?? 'body') };
  };
