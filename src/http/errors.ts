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
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id: string, details?: unknown) =>
  new AppError(404, 'not_found', `Unknown ${what} "${id}"`, details);

export const unprocessable = (message: string, details?: unknown) => new AppError(422, 'validation_failed', message, details);

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
