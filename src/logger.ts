import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

/** JSON logs; secrets are redacted wherever they might appear. */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'atelier'): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.password_hash',
        '*.secretAccessKey',
        '*.jwtSecret',
        'config.auth',
        'databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}
