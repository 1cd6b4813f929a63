import { isIPv4, isIPv6 } from 'node:net';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { deleteLoginFailures, lastBlockingFailure, lockLoginClient, recordLoginFailure } from './repository.ts';

/**
 * Password guesses are throttled per (account, client) and per client over all accounts, within a
 * window of LOGIN_LOCK_MINUTES. Never per account alone: then anyone could lock anyone out, and the
 * lock itself would tell which accounts exist. The account is the email as typed (normalised), so an
 * unknown email is counted and answered exactly like a known one.
 */

export interface Attempt {
  /** The normalised email the guess was for. */
  account: string;
  /** The client's address (req.ip). */
  ip: string | undefined;
}

/**
 * The unit a client is counted in. An IPv6 host usually holds a whole /64 and can hop within it at
 * will, so the /64 is the client; IPv4 addresses (and IPv4-mapped IPv6) count one by one.
 */
export function clientOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('%')[0]!.split('::') as [string, string?];
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

export function throttledError(until: Date): AppError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  const minutes = Math.ceil(seconds / 60);
  // The code is the console's (web/src/admin/text.ts); the wait is this client's, not the account's.
  return new AppError(
    429,
    'account_locked',
    `Too many failed attempts from this device: try again in ${minutes} more minute${minutes === 1 ? '' : 's'}`,
    { lockedUntil: until.toISOString(), retryAfterSeconds: seconds },
    { 'retry-after': String(seconds) },
  );
}

/**
 * Refuses (429) a client that has used up its guesses for this account or overall; otherwise counts
 * this guess as a failure before the password is even checked (a success then forgets it, see
 * forgetFailures). Counting first, under a per-client lock, means guesses sent in parallel cannot
 * slip past the limit, and no connection is held while the password hash is computed.
 */
export async function beginAttempt(deps: { db: Db; config: Config }, attempt: Attempt): Promise<void> {
  const { config } = deps;
  const client = clientOf(attempt.ip);
  const windowSeconds = config.auth.loginLockMinutes * 60;
  const blockedSince = await deps.db.transaction().execute(async (trx) => {
    await lockLoginClient(trx, client);
    const since = await lastBlockingFailure(trx, attempt.account, client, windowSeconds, config.auth.loginMaxFailures, config.auth.loginIpMaxFailures);
    if (!since) await recordLoginFailure(trx, attempt.account, client);
    return since;
  });
  if (blockedSince) throw throttledError(new Date(blockedSince.getTime() + windowSeconds * 1000));
}

/** A success (or an administrator's new password) clears this client's failures for the account. */
export async function forgetFailures(db: Db, account: string, ip?: string): Promise<void> {
  await deleteLoginFailures(db, account, ip === undefined ? undefined : clientOf(ip));
}

export { deleteStaleFailures } from './repository.ts';
