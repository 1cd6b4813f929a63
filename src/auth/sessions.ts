import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

/**
 * Session tokens: an HS256 JWT naming the user (sub) and the session row (jti), in an httpOnly,
 * SameSite=Strict cookie. The row is what logout and disabling revoke; the signature and expiry are
 * what make a forged or stale cookie worthless without a database read.
 */

export const SESSION_COOKIE = 'atelier_session';
const ISSUER = 'atelier';
const AUDIENCE = 'atelier-console';

export interface SessionClaims {
  userId: string;
  sessionId: string;
}

export interface VerifiedClaims extends SessionClaims {
  /** Epoch ms at which the token (and its session) expires. */
  expiresAt: number;
}

export interface SessionTokens {
  ttlMs: number;
  sign(claims: SessionClaims, expiresAt: Date): Promise<string>;
  /** The claims of a valid, unexpired token of ours; undefined for anything else. */
  verify(token: string): Promise<VerifiedClaims | undefined>;
  cookieOptions(expiresAt?: Date): { path: string; httpOnly: true; sameSite: 'strict'; secure: boolean; expires?: Date };
}

/**
 * JWT_SECRET when set. In development or test without one, a random key for this process (sessions
 * end at restart and are not shared between processes); config.ts refuses production without one.
 */
export function sessionKey(config: Config, logger: Logger): Uint8Array {
  const secret = config.auth.jwtSecret;
  if (secret) {
    if (secret.length < 32) logger.warn('JWT_SECRET is shorter than 32 characters: fine for development, refused in production');
    return new TextEncoder().encode(secret);
  }
  if (config.env === 'development') {
    logger.warn(
      'JWT_SECRET is not set: console sessions are signed with a random key made at start, so they end when this process ' +
        'stops and other processes do not accept them. Set JWT_SECRET (at least 32 characters) to keep them.',
    );
  }
  return randomBytes(32);
}

export function createSessionTokens(config: Config, logger: Logger): SessionTokens {
  const key = sessionKey(config, logger);
  const ttlMs = Math.round(config.auth.sessionTtlHours * 3_600_000);
  return {
    ttlMs,
    sign: ({ userId, sessionId }, expiresAt) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setJti(sessionId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return undefined;
        return { userId: payload.sub, sessionId: payload.jti, expiresAt: payload.exp * 1000 };
      } catch (error) {
        if (error instanceof errors.JOSEError) return undefined;
        throw error;
      }
    },
    cookieOptions: (expiresAt) => ({
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: config.env === 'production',
      ...(expiresAt ? { expires: expiresAt } : {}),
    }),
  };
}
