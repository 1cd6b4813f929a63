/** Who may do what in the console. A route names the roles it admits (see guard.ts). */

import { ROLES, type Role } from '../contract/enums.ts';

export { ROLES, type Role };

/** Accounts, purges of stored renders. */
export const ADMINS: Role[] = ['admin'];
/** The catalog, imports, the renders monitor and the audit log. */
export const CURATORS: Role[] = ['admin', 'merchandiser'];
/** Every signed-in person: their own session and password; the stylist app (renders, clients, looks). */
export const SIGNED_IN: Role[] = [...ROLES];

/** The person behind a request, as the guard found them. */
export interface Account {
  id: string;
  email: string;
  role: Role;
  /** The shop the person works in; History shows its renders. */
  store: string | null;
  sessionId: string;
}
