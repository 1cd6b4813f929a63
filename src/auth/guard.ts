import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import type { Account, Role } from './roles.ts';
import { authenticate } from './service.ts';
import { SESSION_COOKIE, type SessionTokens } from './sessions.ts';

/** Who may call a route: anyone ('public', e.g. login) or signed-in people with one of these roles. */
export type Access = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the guard on every route that is not public. */
    account?: Account;
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface GuardDeps {
  db: Db;
  config: Config;
  tokens: SessionTokens;
}

/**
 * Every route registered in `app` (and its children) must declare `config.access`; registration
 * fails otherwise, so a new route cannot be left open by forgetting it. The guard runs on request,
 * before the body is read: 401 without a valid session, 403 for a role the route does not admit,
 * then 403 for a state-changing request from another origin (CSRF).
 */
export function installAccessControl(app: FastifyInstance, deps: GuardDeps): void {
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access !== 'public' && (!Array.isArray(access) || access.length === 0)) {
      throw new Error(`${String(route.method)} ${route.url}: declare config.access ('public' or the roles it admits)`);
    }
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...existing, guard(access, deps)];
  });
}

export function guard(access: Access, deps: GuardDeps): onRequestHookHandler {
  return async function accessGuard(req: FastifyRequest, _reply: FastifyReply) {
    if (access !== 'public') {
      const account = await authenticate(deps, sessionToken(req));
      if (!account) throw new AppError(401, 'unauthenticated', 'Sign in first: this needs a signed-in account');
      if (!access.includes(account.role)) throw new AppError(403, 'forbidden', `Your role (${account.role}) does not allow this`);
      req.account = account;
    }
    if (STATE_CHANGING.has(req.method) && !originAllowed(req, deps.config)) {
      throw new AppError(403, 'cross_origin', 'This request came from another site and was refused; use the console itself');
    }
  };
}

/**
 * For routes outside the console (the stylist's History, clients, looks): the same guard, with the
 * app's session tokens. Public routes that only want to know who calls use identifyCaller.
 */
export function requireSession(app: FastifyInstance, access: readonly Role[]): onRequestHookHandler {
  return guard(access, { db: app.runtime.db, config: app.runtime.config, tokens: app.sessionTokens });
}

/** Sets req.account when a valid session comes along; never refuses (and checks no origin). */
export function identifyCaller(app: FastifyInstance): onRequestHookHandler {
  const deps = { db: app.runtime.db, tokens: app.sessionTokens };
  return async function identify(req: FastifyRequest) {
    req.account = (await authenticate(deps, sessionToken(req))) ?? undefined;
  };
}

/**
 * Whose allowance an order counts against: the signed-in account (an associate keeps one allowance
 * whichever tablet or network they use, and colleagues behind one shop IP do not share theirs);
 * only anonymous calls (the replaced API when LEGACY_API=open) fall back to the client's IP.
 */
export function orderingClient(req: FastifyRequest): string {
  return req.account ? `account:${req.account.id}` : `ip:${req.ip}`;
}

export function sessionToken(req: FastifyRequest): string | undefined {
  const value = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
  return value || undefined;
}

/**
 * The request's Origin (or, from browsers that omit it, its Referer's origin) must be this server's own
 * origin, PUBLIC_BASE_URL's, or one of CORS_ORIGINS. A request with neither header is refused: every
 * browser sends Origin on a cross-site POST, and a script without one can set it.
 */
export function originAllowed(req: FastifyRequest, config: Config): boolean {
  const origin = requestOrigin(req);
  if (!origin) return false;
  if (origin === `${req.protocol}://${req.host}`) return true;
  if (config.publicBaseUrl && origin === new URL(config.publicBaseUrl).origin) return true;
  return config.http.corsOrigins.includes(origin);
}

function requestOrigin(req: FastifyRequest): string | undefined {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return origin;
  const referer = req.headers.referer;
  if (typeof referer !== 'string') return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/** The signed-in person behind a guarded request, as the audit log records them. */
export function actorOf(req: FastifyRequest): Account & { requestId: string } {
  if (!req.account) throw new Error(`${req.method} ${req.url}: no account on a guarded route`);
  return { ...req.account, requestId: req.id };
}
