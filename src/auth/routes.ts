import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listUsers } from './repository.ts';
import { parseWith } from '../http/validation.ts';
import type { Runtime } from '../runtime.ts';
import { actorOf, sessionToken } from './guard.ts';
import { PASSWORD_MAX_LENGTH } from './passwords.ts';
import { ADMINS, ROLES, SIGNED_IN } from './roles.ts';
import { authenticate, changeOwnPassword, changeUser, createUser, login, logout, publicUser } from './service.ts';
import { SESSION_COOKIE, type SessionTokens } from './sessions.ts';

const loginBody = z.object({
  email: z.string().trim().min(1, { message: 'enter your email' }).max(254),
  password: z.string().min(1, { message: 'enter your password' }).max(PASSWORD_MAX_LENGTH),
});
const email = z.email({ message: 'expected an email address' }).max(254);
const password = z.string().max(PASSWORD_MAX_LENGTH);
const role = z.enum(ROLES, { message: `expected one of ${ROLES.join(', ')}` });
const store = z.string().trim().min(1, { message: 'must not be empty' }).max(80, { message: 'at most 80 characters' }).nullable();
const createUserBody = z.strictObject({ email, role, password, store: store.optional() });
const changeUserBody = z.strictObject({ role: role.optional(), disabled: z.boolean().optional(), password: password.optional(), store: store.optional() });
const ownPasswordBody = z.strictObject({ current: z.string().max(PASSWORD_MAX_LENGTH), next: password });
const idParam = z.object({ id: z.uuid({ message: 'expected a user id' }) });

/** Signing in and out, the signed-in person, and (for admins) everyone's accounts. */
export async function authRoutes(app: FastifyInstance, { tokens }: { tokens: SessionTokens }) {
  const rt: Runtime = app.runtime;
  const deps = { db: rt.db, config: rt.config, tokens };

  app.post(
    '/api/admin/login',
    { config: { access: 'public', rateLimit: { max: rt.config.auth.loginRateLimitMax, timeWindow: rt.config.http.rateLimitWindowMs } } },
    async (req, reply) => {
      const body = parseWith(loginBody, req.body);
      const result = await login(deps, { ...body, ip: req.ip, userAgent: req.headers['user-agent'], requestId: req.id });
      reply.setCookie(SESSION_COOKIE, result.token, tokens.cookieOptions(result.expiresAt));
      const { id, email, role, store } = result.account;
      return { user: { id, email, role, store }, expiresAt: result.expiresAt.toISOString() };
    },
  );

  // Public, so that a browser whose session already ended can still clear its cookie.
  app.post('/api/admin/logout', { config: { access: 'public' } }, async (req, reply) => {
    const account = await authenticate(deps, sessionToken(req));
    if (account) await logout(rt.db, account, req.id);
    reply.clearCookie(SESSION_COOKIE, tokens.cookieOptions());
    return reply.status(204).send();
  });

  // The person, and the limits the console's forms should state (uploads are checked again on arrival).
  app.get('/api/admin/me', { config: { access: SIGNED_IN } }, async (req) => {
    const { id, email, role, store } = req.account!;
    return { user: { id, email, role, store }, limits: { uploadMaxBytes: rt.config.admin.uploadMaxBytes, uploadMaxPixels: rt.config.uploads.maxPixels, passwordMinLength: rt.config.auth.passwordMinLength } };
  });

  app.post('/api/admin/me/password', { config: { access: SIGNED_IN } }, async (req, reply) => {
    const body = parseWith(ownPasswordBody, req.body);
    await changeOwnPassword(deps, req.account!, { ...body, ip: req.ip, requestId: req.id });
    return reply.status(204).send();
  });

  app.get('/api/admin/users', { config: { access: ADMINS } }, async () => ({ items: (await listUsers(rt.db)).map(publicUser) }));

  app.post('/api/admin/users', { config: { access: ADMINS } }, async (req, reply) => {
    const body = parseWith(createUserBody, req.body);
    const user = await createUser(deps, actorOf(req), body);
    return reply.status(201).send(publicUser(user));
  });

  app.patch('/api/admin/users/:id', { config: { access: ADMINS } }, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    const body = parseWith(changeUserBody, req.body);
    return publicUser(await changeUser(deps, actorOf(req), id, body));
  });
}
