import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

/**
 * Secrets that travel in URLs: a look's share token is the only key to a client's look, so access
 * logs (and anything else that logs a URL) show `/looks/[redacted]` instead.
 */
export function redactUrl(url: string): string {
  return url.replace(/(\/looks\/)[^/?#]+/g, '$1[redacted]');
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** JSON logs; secrets are redacted wherever they might appear. */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'atelier', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name,
      level: config.logLevel,
      serializers: {
        // Fastify's request fields, with the URL's secrets taken out.
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: redactUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
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
    },
    destination as pino.DestinationStream,
  );
}
