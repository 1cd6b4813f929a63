import type { z } from 'zod';
import { AppError } from './errors.ts';

/** Validates a request part; a wrong value becomes a 422 that names the field path. */
export function parseWith<T extends z.ZodType>(schema: T, data: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0]!;
  const message = first.path ? `${first.path}: ${first.message}` : `${where}: ${first.message}`;
  throw new AppError(422, 'validation_failed', message, { issues });
}
