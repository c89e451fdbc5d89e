import type { StaffRole } from '../db/schema.js';
import { fail } from '../shared/errors.js';
import type { Permission } from './permissions.js';

/** Who is calling, resolved once per request by `authentication.ts`. */
export interface Principal {
  kind: 'user' | 'secret_key' | 'publishable_key';
  userId?: string;
  keyId?: string;
  /** The network the caller acts for, if any. */
  tenantId?: string;
  partnerId?: string;
  role?: StaffRole;
  isDriver: boolean;
  /** A signed-in person's login (for the list of sessions and signing out). */
  sessionId?: string;
  permissions: ReadonlySet<Permission>;
}

/** The network a staff route acts on; its absence is a 403, not a crash. */
export function tenantOf(principal: Principal): string {
  if (!principal.tenantId) throw fail.forbidden('These credentials do not act for a network.');
  return principal.tenantId;
}

/** The partner whose key this is; 403 for anyone else. */
export function partnerOf(principal: Principal, why = 'This needs a partner’s key.'): string {
  if (!principal.partnerId) throw fail.forbidden(why);
  return principal.partnerId;
}

export function userOf(principal: Principal): string {
  if (!principal.userId) throw fail.forbidden('This operation needs a signed-in user, not an API key.');
  return principal.userId;
}
