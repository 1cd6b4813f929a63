import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { UserRow } from '../db/schema.ts';
import type { Role } from './roles.ts';

/** SQL for accounts and their sessions. */

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('email').execute();
}

/** Inserts unless the email is taken; undefined then. */
export function insertUser(db: Db, user: { email: string; role: Role; passwordHash: string; store?: string | null }): Promise<UserRow | undefined> {
  return db
    .insertInto('users')
    .values({ email: user.email, role: user.role, password_hash: user.passwordHash, store: user.store ?? null, updated_at: new Date() })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updateUser(
  db: Db,
  id: string,
  changes: { role?: Role; passwordHash?: string; disabled?: boolean; store?: string | null },
): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({
      ...(changes.role ? { role: changes.role } : {}),
      ...(changes.store !== undefined ? { store: changes.store } : {}),
      ...(changes.passwordHash ? { password_hash: changes.passwordHash } : {}),
      ...(changes.disabled !== undefined ? { disabled_at: changes.disabled ? new Date() : null } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export function countActiveAdmins(db: Db): Promise<number> {
  return db
    .selectFrom('users')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow()
    .then((r) => r.n);
}

export function insertSession(db: Db, session: { userId: string; expiresAt: Date; ip?: string; userAgent?: string }) {
  return db
    .insertInto('user_sessions')
    .values({ user_id: session.userId, expires_at: session.expiresAt, ip: session.ip ?? null, user_agent: session.userAgent?.slice(0, 300) ?? null })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
}

/** The session's user when the session is live and the account enabled. */
export function findSessionUser(db: Db, sessionId: string, userId: string) {
  return db
    .selectFrom('user_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.role', 'u.store', 's.expires_at'])
    .where('s.id', '=', sessionId)
    .where('s.user_id', '=', userId)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.updateTable('user_sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/** Ends every session of a user, but the one given (the person changing their own password stays in). */
export async function revokeUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<void> {
  let q = db.updateTable('user_sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  await q.execute();
}

/** Sessions that ended more than a day ago are of no further use. */
export async function deleteStaleSessions(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('user_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', sql<Date>`now() - interval '1 day'`), eb('revoked_at', '<', sql<Date>`now() - interval '1 day'`)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Locks the admins' rows to the end of the transaction: changes to accounts are serialised. */
export async function lockAdminAccounts(db: Db): Promise<void> {
  await db.selectFrom('users').select('id').where('role', '=', 'admin').forUpdate().execute();
}

/* Password guesses (login_failures), counted per (account, client) and per client: see throttle.ts. */

/** Serialises one client's guesses, for the rest of the transaction. */
export async function lockLoginClient(trx: Db, client: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`atelier:login:${client}`}))`.execute(trx);
}

export async function recordLoginFailure(db: Db, account: string, client: string): Promise<void> {
  await db.insertInto('login_failures').values({ account, client }).execute();
}

/** Forgets an account's failures: from one client, or from all. */
export async function deleteLoginFailures(db: Db, account: string, client?: string): Promise<void> {
  let q = db.deleteFrom('login_failures').where('account', '=', account);
  if (client !== undefined) q = q.where('client', '=', client);
  await q.execute();
}

/** Failures older than the window no longer count; kept at most a day for the audit-minded. */
export async function deleteStaleFailures(db: Db, windowSeconds: number): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where('failed_at', '<', sql<Date>`now() - make_interval(secs => ${Math.max(windowSeconds, 86_400)})`)
    .execute();
}

/**
 * The failure whose expiry ends the client's wait: the max-th most recent one for the pair, or the
 * ipMax-th most recent one of the client, whichever is later; undefined while neither is reached.
 */
export async function lastBlockingFailure(
  db: Db,
  account: string,
  client: string,
  windowSeconds: number,
  max: number,
  ipMax: number,
): Promise<Date | undefined> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('login_failures')
        .select('failed_at')
        .where('client', '=', client)
        .where('account', '=', account)
        .where('failed_at', '>', sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
        .orderBy('failed_at', 'desc')
        .offset(max - 1)
        .limit(1)
        .as('pair'),
      eb
        .selectFrom('login_failures')
        .select('failed_at')
        .where('client', '=', client)
        .where('failed_at', '>', sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
        .orderBy('failed_at', 'desc')
        .offset(ipMax - 1)
        .limit(1)
        .as('overall'),
    ])
    .executeTakeFirst();
  const times = [row?.pair, row?.overall].filter((d): d is Date => d instanceof Date);
  return times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : undefined;
}
