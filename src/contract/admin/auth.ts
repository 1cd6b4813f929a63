import { z } from 'zod';
import { timestamp } from '../common.ts';
import { ROLES } from '../enums.ts';

/** Signing in and out, the signed-in person, and (for admins) everyone's accounts. */

/** Longer passwords are refused before hashing: argon2 on megabytes is a denial of service. */
export const PASSWORD_MAX_LENGTH = 256;

export const loginBody = z.object({
  email: z.string().trim().min(1, { message: 'enter your email' }).max(254),
  password: z.string().min(1, { message: 'enter your password' }).max(PASSWORD_MAX_LENGTH),
});
const email = z.email({ message: 'expected an email address' }).max(254);
const password = z.string().max(PASSWORD_MAX_LENGTH);
export const role = z.enum(ROLES, { message: `expected one of ${ROLES.join(', ')}` });
/** The shop an account works in (History shows its renders); null for none. */
const store = z.string().trim().min(1, { message: 'must not be empty' }).max(80, { message: 'at most 80 characters' }).nullable();
export const userCreate = z.strictObject({ email, role, password, store: store.optional() });
export const userChange = z.strictObject({ role: role.optional(), disabled: z.boolean().optional(), password: password.optional(), store: store.optional() });
export const ownPasswordChange = z.strictObject({ current: z.string().max(PASSWORD_MAX_LENGTH), next: password });
export const userParams = z.object({ id: z.uuid({ message: 'expected a user id' }) });

export const sessionUser = z.object({ id: z.uuid(), email: z.string(), role, store: z.string().nullable() });
export type SessionUser = z.infer<typeof sessionUser>;

export const loginAnswer = z.object({ user: sessionUser, expiresAt: timestamp });

/** What the server accepts, as the console's forms should state it (uploads are checked again on arrival). */
export const consoleLimits = z.object({ uploadMaxBytes: z.number(), uploadMaxPixels: z.number(), passwordMinLength: z.number() });
export type ConsoleLimits = z.infer<typeof consoleLimits>;

export const meAnswer = z.object({ user: sessionUser, limits: consoleLimits });

export const account = z.object({
  id: z.uuid(),
  email: z.string(),
  role,
  store: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Account = z.infer<typeof account>;
export const accountList = z.object({ items: z.array(account) });
