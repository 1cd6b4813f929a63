import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { accountList, account, loginAnswer, loginBody, meAnswer, ownPasswordChange, userChange, userCreate, userParams } from '../contract/admin/auth.ts';
import { errorResponses, noContent } from '../contract/common.ts';
import type { Runtime } from '../runtime.ts';
import { actorOf, sessionToken } from './guard.ts';
import { listUsers } from './repository.ts';
import { ADMINS, SIGNED_IN } from './roles.ts';
import { authenticate, changeOwnPassword, changeUser, createUser, login, logout, publicUser } from './service.ts';
import { SESSION_COOKIE, type SessionTokens } from './sessions.ts';

const tags = ['admin'];
const security = [{ session: [] }];

/** Signing in and out, the signed-in person, and (for admins) everyone's accounts. */
export async function authRoutes(base: FastifyInstance, { tokens }: { tokens: SessionTokens }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt: Runtime = app.runtime;
  const deps = { db: rt.db, config: rt.config, tokens };

  app.post(
    '/api/admin/login',
    {
      config: { access: 'public', rateLimit: { max: rt.config.auth.loginRateLimitMax, timeWindow: rt.config.http.rateLimitWindowMs } },
      schema: { tags, summary: 'Sign in: sets the session cookie', body: loginBody, response: { 200: loginAnswer, ...errorResponses } },
    },
    async (req, reply) => {
      const result = await login(deps, { ...req.body, ip: req.ip, userAgent: req.headers['user-agent'], requestId: req.id });
      reply.setCookie(SESSION_COOKIE, result.token, tokens.cookieOptions(result.expiresAt));
      const { id, email, role, store } = result.account;
      return { user: { id, email, role, store }, expiresAt: result.expiresAt.toISOString() };
    },
  );

  // Public, so that a browser whose session already ended can still clear its cookie.
  app.post(
    '/api/admin/logout',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Sign out: ends the session and clears its cookie', response: { 204: noContent, ...errorResponses } },
    },
    async (req, reply) => {
      const account = await authenticate(deps, sessionToken(req));
      if (account) await logout(rt.db, account, req.id);
      reply.clearCookie(SESSION_COOKIE, tokens.cookieOptions());
      return reply.status(204).send();
    },
  );

  // The person, and the limits the console's forms should state (uploads are checked again on arrival).
  app.get(
    '/api/admin/me',
    {
      config: { access: SIGNED_IN },
      schema: { tags, security, summary: 'The signed-in person and the limits forms should state', response: { 200: meAnswer, ...errorResponses } },
    },
    async (req) => {
      const { id, email, role, store } = req.account!;
      return {
        user: { id, email, role, store },
        limits: {
          uploadMaxBytes: rt.config.admin.uploadMaxBytes,
          uploadMaxPixels: rt.config.uploads.maxPixels,
          passwordMinLength: rt.config.auth.passwordMinLength,
        },
      };
    },
  );

  app.post(
    '/api/admin/me/password',
    {
      config: { access: SIGNED_IN },
      schema: { tags, security, summary: 'Change your own password', body: ownPasswordChange, response: { 204: noContent, ...errorResponses } },
    },
    async (req, reply) => {
      await changeOwnPassword(deps, req.account!, { ...req.body, ip: req.ip, requestId: req.id });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/admin/users',
    { config: { access: ADMINS }, schema: { tags, security, summary: 'Every account', response: { 200: accountList, ...errorResponses } } },
    async () => ({ items: (await listUsers(rt.db)).map(publicUser) }),
  );

  app.post(
    '/api/admin/users',
    { config: { access: ADMINS }, schema: { tags, security, summary: 'Create an account', body: userCreate, response: { 201: account, ...errorResponses } } },
    async (req, reply) => {
      const user = await createUser(deps, actorOf(req), req.body);
      return reply.status(201).send(publicUser(user));
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      config: { access: ADMINS },
      schema: {
        tags,
        security,
        summary: 'Change a role, disable or enable, set a password',
        params: userParams,
        body: userChange,
        response: { 200: account, ...errorResponses },
      },
    },
    async (req) => publicUser(await changeUser(deps, actorOf(req), req.params.id, req.body)),
  );
}
