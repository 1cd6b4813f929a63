import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { configAnswer, corsDebugAnswer } from '../contract/admin/system.ts';
import { errorResponses } from '../contract/common.ts';
import { z } from 'zod';
import { recordAudit } from '../admin/audit/repository.ts';
import { sanitizedConfig } from '../admin/system/routes.ts';
import { actorOf, originAllowed } from '../auth/guard.ts';
import { ADMINS } from '../auth/roles.ts';

const corsQuery = z.object({
  origin: z
    .string({ message: 'give the Origin to check, e.g. ?origin=https://shop.example.com' })
    .regex(/^https?:\/\/[^/?#\s]+$/, { message: 'expected an origin such as https://shop.example.com (scheme and host, no path)' })
    .refine((v) => URL.canParse(v) && new URL(v).origin === v.toLowerCase().replace(/:(80|443)$/, ''), {
      message: 'expected an origin such as https://shop.example.com (scheme and host, lower case, no default port)',
    }),
});

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'vary',
];

function pickCorsHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(CORS_HEADERS.filter((h) => headers[h] !== undefined).map((h) => [h, String(headers[h])]));
}

/**
 * Operator diagnostics under /api/admin (admins only; every look is written to the audit log):
 * the effective configuration with secrets masked, and what CORS answers a given Origin.
 */
export async function diagnosticsRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const doc = (summary: string) => ({ tags: ['admin'], security: [{ session: [] }], summary });

  const configSchema = { ...doc('The effective configuration, secrets masked (audited)'), response: { 200: configAnswer, ...errorResponses } };
  app.get('/api/admin/config', { config: { access: ADMINS }, schema: configSchema }, async (req) => {
    await recordAudit(rt.db, actorOf(req), { action: 'diagnostics.config_viewed', entity: 'system' });
    return { config: sanitizedConfig(rt.config) };
  });

  const corsSchema = {
    ...doc('What CORS and the console answer an Origin (audited)'),
    querystring: corsQuery,
    response: { 200: corsDebugAnswer, ...errorResponses },
  };
  app.get('/api/admin/cors-debug', { config: { access: ADMINS }, schema: corsSchema }, async (req) => {
    const { origin } = req.query;
    await recordAudit(rt.db, actorOf(req), { action: 'diagnostics.cors_checked', entity: 'system', after: { origin } });
    // Ask the real server rather than re-deriving its rules: a preflight and a simple request from that Origin.
    const [preflight, simple] = await Promise.all([
      app.inject({
        method: 'OPTIONS',
        url: '/api/catalog',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      }),
      app.inject({ method: 'GET', url: '/version', headers: { origin } }),
    ]);
    const apiAllowed = simple.headers['access-control-allow-origin'] === origin || simple.headers['access-control-allow-origin'] === '*';
    const consoleAllowed = originAllowed({ headers: { origin }, protocol: req.protocol, host: req.host } as FastifyRequest, rt.config);
    const configured = rt.config.http.corsOrigins;
    return {
      origin,
      configured: { corsOrigins: configured, publicBaseUrl: rt.config.publicBaseUrl || null },
      api: {
        allowed: apiAllowed,
        reason: apiAllowed
          ? configured.includes(origin)
            ? 'listed in CORS_ORIGINS'
            : 'CORS_ORIGINS contains *'
          : `not listed in CORS_ORIGINS${configured.length ? '' : ' (empty: only same-origin pages can call the API from a browser)'}`,
        preflight: { status: preflight.statusCode, headers: pickCorsHeaders(preflight.headers) },
        simpleRequest: { status: simple.statusCode, headers: pickCorsHeaders(simple.headers) },
      },
      console: {
        // The console's state-changing requests check Origin themselves (CSRF); '*' never admits one.
        stateChangingAllowed: consoleAllowed,
        reason: consoleAllowed
          ? 'the server itself, PUBLIC_BASE_URL or listed in CORS_ORIGINS'
          : 'not this server, PUBLIC_BASE_URL or an origin listed in CORS_ORIGINS',
      },
    };
  });
}
