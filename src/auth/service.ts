import type { Logger } from 'pino';
import { recordAudit, SYSTEM_ACTOR, type Actor } from '../admin/audit/repository.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { UserRow } from '../db/schema.ts';
import { AppError, notFound, unprocessable } from '../http/errors.ts';
import { hashPassword, passwordProblem, verifyAgainstNobody, verifyPassword } from './passwords.ts';
import {
  countActiveAdmins,
  deleteStaleSessions,
  findSessionUser,
  findUserByEmail,
  findUserById,
  insertSession,
  insertUser,
  lockAdminAccounts,
  revokeSession,
  revokeUserSessions,
  updateUser,
} from './repository.ts';
import type { Account, Role } from './roles.ts';
import { sessionCacheOf } from './session-cache.ts';
import type { SessionTokens } from './sessions.ts';
import { beginAttempt, deleteStaleFailures, forgetFailures } from './throttle.ts';

/** Rules about accounts: logging in and out, lockout, creating and changing users. */

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The fields of a user anyone may see: never the hash. */
export function publicUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    store: u.store,
    disabled: u.disabled_at !== null,
    createdAt: u.created_at.toISOString(),
    updatedAt: u.updated_at.toISOString(),
  };
}

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'The email or the password is wrong');

export interface LoginResult {
  account: Account;
  token: string;
  expiresAt: Date;
}

/**
 * Known and unknown emails take the same steps (count the guess, read, verify a hash, write the audit
 * line) and get the same answers, so neither the answer nor its timing tells which accounts exist.
 */
export async function login(
  deps: { db: Db; config: Config; tokens: SessionTokens },
  input: { email: string; password: string; ip?: string; userAgent?: string; requestId?: string },
): Promise<LoginResult> {
  const { db, config, tokens } = deps;
  // The replaced system knew a single "admin": that word still names the bootstrapped account.
  const email = input.email.trim().toLowerCase() === 'admin' ? config.auth.adminEmail : normaliseEmail(input.email);
  await beginAttempt(deps, { account: email, ip: input.ip });
  const user = await findUserByEmail(db, email);
  const actor: Actor = { id: user?.id ?? null, email, requestId: input.requestId };
  const matches = user ? await verifyPassword(user.password_hash, input.password) : await verifyAgainstNobody(input.password);
  if (!user || !matches) {
    await recordAudit(db, actor, { action: 'auth.login_failed', entity: 'user', entityId: user?.id ?? null, after: { ip: input.ip ?? null } });
    throw invalidCredentials();
  }
  await forgetFailures(db, email, input.ip);
  if (user.disabled_at) throw new AppError(403, 'account_disabled', 'This account has been disabled; ask an administrator');

  const session = await insertSession(db, {
    userId: user.id,
    expiresAt: new Date(Date.now() + sessionLifetimeMs(config, tokens, user.role)),
    ip: input.ip,
    userAgent: input.userAgent,
  });
  await recordAudit(db, actor, { action: 'auth.login', entity: 'user', entityId: user.id });
  void deleteStaleSessions(db).catch(() => undefined);
  void deleteStaleFailures(db, config.auth.loginLockMinutes * 60).catch(() => undefined);
  const token = await tokens.sign({ userId: user.id, sessionId: session.id }, session.expires_at);
  return { account: { id: user.id, email: user.email, role: user.role, store: user.store, sessionId: session.id }, token, expiresAt: session.expires_at };
}

/** A showroom tablet stays signed in for days (DEVICE_SESSION_TTL_DAYS); console roles for hours. */
function sessionLifetimeMs(config: Config, tokens: SessionTokens, role: Role): number {
  return role === 'associate' ? Math.round(config.auth.deviceSessionTtlDays * 86_400_000) : tokens.ttlMs;
}

/** The account behind a session cookie, or undefined when it is missing, forged, expired or revoked. */
export async function authenticate(deps: { db: Db; tokens: SessionTokens }, token: string | undefined): Promise<Account | undefined> {
  if (!token) return undefined;
  // A tablet's taps come seconds apart: its session, verified a moment ago, is remembered (session-cache.ts).
  const cache = sessionCacheOf(deps.db);
  const remembered = cache?.get(token);
  if (remembered) return remembered;
  const ticket = cache?.ticket() ?? 0;
  const claims = await deps.tokens.verify(token);
  if (!claims) return undefined;
  const user = await findSessionUser(deps.db, claims.sessionId, claims.userId);
  if (!user) return undefined;
  const account: Account = { id: user.id, email: user.email, role: user.role, store: user.store, sessionId: claims.sessionId };
  cache?.set(ticket, token, account, Math.min(claims.expiresAt, user.expires_at.getTime()));
  return account;
}

/** Every remembered session of this person ends on this replica now (other replicas: NOTIFY). */
function forgetUserSessions(db: Db, userId: string): void {
  sessionCacheOf(db)?.forgetUser(userId);
}

export async function logout(db: Db, account: Account, requestId?: string): Promise<void> {
  await revokeSession(db, account.sessionId);
  sessionCacheOf(db)?.forgetSession(account.sessionId);
  await recordAudit(db, { id: account.id, email: account.email, requestId }, { action: 'auth.logout', entity: 'user', entityId: account.id });
}

function checkPassword(config: Config, password: string, email: string) {
  const problem = passwordProblem(password, { minLength: config.auth.passwordMinLength, email, minStrength: config.auth.passwordMinStrength });
  if (problem) throw unprocessable(`password: ${problem}`, { field: 'password' });
}

export async function createUser(
  deps: { db: Db; config: Config },
  actor: Actor,
  input: { email: string; role: Role; password: string; store?: string | null },
): Promise<UserRow> {
  const email = normaliseEmail(input.email);
  checkPassword(deps.config, input.password, email);
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction().execute(async (trx) => {
    const user = await insertUser(trx, { email, role: input.role, passwordHash, store: input.store });
    if (!user) throw new AppError(409, 'email_taken', `There is already an account for ${email}`, { field: 'email' });
    await recordAudit(trx, actor, { action: 'user.create', entity: 'user', entityId: user.id, after: publicUser(user) });
    return user;
  });
}

export async function changeUser(
  deps: { db: Db; config: Config },
  actor: Actor & { sessionId?: string },
  id: string,
  changes: { role?: Role; disabled?: boolean; password?: string; store?: string | null },
): Promise<UserRow> {
  const { db, config } = deps;
  let passwordHash: string | undefined;
  if (changes.password !== undefined) {
    const user = await findUserById(db, id);
    if (!user) throw notFound('user', id);
    checkPassword(config, changes.password, user.email);
    passwordHash = await hashPassword(changes.password);
  }
  const changed = await db.transaction().execute(async (trx) => {
    // Serialise changes to accounts, so two admins cannot demote each other to no admin at all.
    await lockAdminAccounts(trx);
    const before = await findUserById(trx, id);
    if (!before) throw notFound('user', id);
    if (id === actor.id && (changes.disabled || (changes.role && changes.role !== 'admin'))) {
      throw new AppError(409, 'own_account', 'You cannot disable your own account or take away your own admin role');
    }
    const removesAdmin = before.role === 'admin' && !before.disabled_at && (changes.disabled || (changes.role && changes.role !== 'admin'));
    if (removesAdmin && (await countActiveAdmins(trx)) <= 1) {
      throw new AppError(409, 'last_admin', 'This is the last active administrator; make another one first');
    }
    const after = await updateUser(trx, id, { role: changes.role, disabled: changes.disabled, passwordHash, store: changes.store });
    if (changes.disabled || passwordHash) await revokeUserSessions(trx, id, id === actor.id ? actor.sessionId : undefined);
    // A new password set by someone else ends every client's wait: they have vouched for the person.
    if (passwordHash) await forgetFailures(trx, before.email);
    const action = passwordHash ? 'user.password' : changes.disabled !== undefined ? (changes.disabled ? 'user.disable' : 'user.enable') : 'user.update';
    await recordAudit(trx, actor, { action, entity: 'user', entityId: id, before: publicUser(before), after: publicUser(after!) });
    return after!;
  });
  // A new role, store or password, or a disabled account, applies to the very next request.
  forgetUserSessions(db, id);
  return changed;
}

export async function changeOwnPassword(
  deps: { db: Db; config: Config },
  account: Account,
  input: { current: string; next: string; ip?: string; requestId?: string },
): Promise<void> {
  // A stolen session must not become a free password-guessing oracle: these guesses count as failed
  // sign-ins of this client for this account.
  await beginAttempt(deps, { account: account.email, ip: input.ip });
  const user = await findUserById(deps.db, account.id);
  if (!user || !(await verifyPassword(user.password_hash, input.current))) {
    throw new AppError(422, 'wrong_password', 'current: the current password is wrong', { field: 'current' });
  }
  await forgetFailures(deps.db, account.email, input.ip);
  checkPassword(deps.config, input.next, user.email);
  const passwordHash = await hashPassword(input.next);
  await deps.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { passwordHash });
    // Every other session ends: a password change is what people do when they fear a stolen one.
    await revokeUserSessions(trx, user.id, account.sessionId);
    await recordAudit(
      trx,
      { id: account.id, email: account.email, requestId: input.requestId },
      { action: 'user.password', entity: 'user', entityId: user.id },
    );
  });
  forgetUserSessions(deps.db, user.id);
}

/**
 * ADMIN_PASSWORD keeps the replaced system's set-up working: the account ADMIN_EMAIL exists, is an
 * enabled admin and has that password. Runs at every start, in every process; cheap when nothing changed.
 */
export async function bootstrapAdminAccount(db: Db, config: Config, logger: Logger): Promise<void> {
  const password = config.auth.adminPassword;
  if (!password) return;
  const email = config.auth.adminEmail;
  const existing = await findUserByEmail(db, email);
  if (!existing) {
    const user = await insertUser(db, { email, role: 'admin', passwordHash: await hashPassword(password) });
    // Another process starting at the same moment may have inserted it: that is as good.
    if (user) {
      await recordAudit(db, SYSTEM_ACTOR, { action: 'user.bootstrap', entity: 'user', entityId: user.id, after: publicUser(user) });
      logger.info({ email }, 'admin account created from ADMIN_PASSWORD');
    }
    return;
  }
  const passwordMatches = await verifyPassword(existing.password_hash, password);
  if (passwordMatches && existing.role === 'admin' && !existing.disabled_at) return;
  await db.transaction().execute(async (trx) => {
    const after = await updateUser(trx, existing.id, {
      role: 'admin',
      disabled: false,
      ...(passwordMatches ? {} : { passwordHash: await hashPassword(password) }),
    });
    if (!passwordMatches) await revokeUserSessions(trx, existing.id);
    await recordAudit(trx, SYSTEM_ACTOR, {
      action: 'user.bootstrap',
      entity: 'user',
      entityId: existing.id,
      before: publicUser(existing),
      after: publicUser(after!),
    });
  });
  forgetUserSessions(db, existing.id);
  // ADMIN_PASSWORD wins over a password changed in the console: unset it once real accounts exist.
  logger.warn({ email }, 'admin account reset from ADMIN_PASSWORD (unset ADMIN_PASSWORD to manage this account in the console)');
}
