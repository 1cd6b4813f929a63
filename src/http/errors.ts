/**
 * The one error type the HTTP layer turns into a response. `message` is meant for a person;
 * `code` is stable for programs. Anything else thrown becomes a 500 with a generic message.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Response headers that go with the refusal (Retry-After, for example). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id: string, details?: unknown) => new AppError(404, 'not_found', `Unknown ${what} "${id}"`, details);

export const unprocessable = (message: string, details?: unknown) => new AppError(422, 'validation_failed', message, details);

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);

/**
 * Errors from below the HTTP layer that a request's own values cause, as the 4xx they deserve.
 * Routes validate first; this is the net for what validation cannot see (a value PostgreSQL cannot
 * store, a number out of a column's range), so that bad input never reads as our failure.
 */
export function requestErrorOf(error: unknown): AppError | undefined {
  const sqlState = databaseErrorCode(error);
  if (!sqlState) return undefined;
  // 22021: a NUL byte or invalid UTF-8; 22P05: a character the database encoding cannot hold.
  if (sqlState === '22021' || sqlState === '22P05')
    return new AppError(400, 'invalid_text', 'The request holds a character that cannot be stored (such as \\u0000)');
  // Class 22, "data exception": out-of-range numbers, malformed dates or ids, over-long values.
  if (sqlState.startsWith('22')) return new AppError(422, 'invalid_value', 'A value in the request is malformed or out of range');
  // 54000 "program limit exceeded": e.g. a value too long to index.
  if (sqlState === '54000') return new AppError(422, 'invalid_value', 'A value in the request is too long');
  return undefined;
}

function databaseErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  // pg's DatabaseError carries SQLSTATE in `code` and the server's severity; no other error has both.
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string' ? code : undefined;
}
