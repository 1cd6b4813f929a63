import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { createSessionTokens } from './sessions.ts';

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

describe('session tokens', () => {
  it('in development without JWT_SECRET: a random key per process, and a warning that says so', async () => {
    const { logger, lines } = capture();
    const config = loadConfig({ NODE_ENV: 'development' });
    const a = createSessionTokens(config, logger);
    const b = createSessionTokens(config, logger);
    expect(lines.join('')).toMatch(/JWT_SECRET is not set/);
    const expires = new Date(Date.now() + 60_000);
    const token = await a.sign({ userId: 'u', sessionId: 's' }, expires);
    // The token's own expiry comes back too (to the second): a cached session never outlives it.
    expect(await a.verify(token)).toEqual({ userId: 'u', sessionId: 's', expiresAt: Math.floor(expires.getTime() / 1000) * 1000 });
    expect(await b.verify(token)).toBeUndefined();
  });

  it('with JWT_SECRET: tokens survive a restart; expired, tampered and unsigned ones do not pass', async () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    const { logger, lines } = capture();
    const tokens = createSessionTokens(config, logger);
    expect(lines).toEqual([]);
    const expires = new Date(Date.now() + 60_000);
    const token = await tokens.sign({ userId: 'u', sessionId: 's' }, expires);
    expect(await createSessionTokens(config, logger).verify(token)).toEqual({
      userId: 'u',
      sessionId: 's',
      expiresAt: Math.floor(expires.getTime() / 1000) * 1000,
    });
    expect(await tokens.verify(await tokens.sign({ userId: 'u', sessionId: 's' }, new Date(Date.now() - 1000)))).toBeUndefined();
    const [header, payload, signature] = token.split('.');
    const other = Buffer.from(JSON.stringify({ sub: 'admin', jti: 's', iss: 'atelier', aud: 'atelier-console', exp: 9e9 })).toString('base64url');
    expect(await tokens.verify(`${header}.${other}.${signature}`)).toBeUndefined();
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(await tokens.verify(`${none}.${payload}.`)).toBeUndefined();
    expect(await tokens.verify('garbage')).toBeUndefined();
    expect(tokens.cookieOptions()).toMatchObject({ httpOnly: true, sameSite: 'strict', secure: true, path: '/' });
  });

  it('is refused in production without a long secret (config)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });
});

describe('passwords', () => {
  it('hashes with argon2id and verifies; a damaged hash is a wrong password, not a crash', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'Correct horse battery staple')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('explains why a new password is refused', () => {
    expect(passwordProblem('short', { minLength: 10 })).toMatch(/at least 10/);
    expect(passwordProblem('aaaaaaaaaaaa', { minLength: 10 })).toMatch(/repeated/);
    expect(passwordProblem('ana@example.com', { minLength: 10, email: 'ana@example.com' })).toMatch(/email/);
    expect(passwordProblem('x'.repeat(300), { minLength: 10 })).toMatch(/at most/);
    expect(passwordProblem('a fine passphrase', { minLength: 10 })).toBeUndefined();
  });
});
