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

/**
 * The path of the first string (or object key) holding a NUL character, or undefined. PostgreSQL's
 * text cannot store U+0000 (SQLSTATE 22021), and no name, note or id of ours has one: such input is
 * refused before any route sees it, whatever the route.
 */
export function findNulCharacter(value: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  // Bodies are at most BODY_LIMIT_BYTES; the depth bound only keeps a pathological one off the stack.
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Buffer.isBuffer(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key];
    const found = findNulCharacter(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Throws a 400 naming the field when a request part holds a NUL character. */
export function refuseNulCharacters(parts: Record<string, unknown>): void {
  for (const [where, value] of Object.entries(parts)) {
    const path = findNulCharacter(value);
    if (!path) continue;
    // A wildcard route's parameter is named '*' by Fastify: to a person it is the path.
    const field = path.length
      ? path
          .map((p) => (p === '*' ? 'path' : p))
          .join('.')
          .replace(/\u0000/g, '\\u0000')
      : where;
    throw new AppError(400, 'nul_character', `${field}: contains a NUL character (\\u0000), which no text here may hold`, { field, in: where });
  }
}
