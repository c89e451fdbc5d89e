import type { Insertable } from 'kysely';
import type { ApiKeysTable } from '../db/schema.js';
import type { Tx } from '../db/tenancy.js';

/** Writes of `api_keys`, which this module owns; partners and auth use them inside their own transactions. */
export function insertKey(tx: Tx, key: Insertable<ApiKeysTable>) {
  return tx.insertInto('api_keys').values(key).returningAll().executeTakeFirstOrThrow();
}

/** When a key was last used (kept coarse by the caller, so a busy key does not write on every request). */
export async function recordKeyUse(tx: Tx, keyId: string, at: Date): Promise<void> {
  await tx.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', keyId).execute();
}

/** The origins a publishable key is allowed from. */
export async function setAllowedOrigins(tx: Tx, tenantId: string, keyHash: string, origins: string[]): Promise<void> {
  await tx.updateTable('api_keys').set({ allowed_origins: origins }).where('tenant_id', '=', tenantId).where('key_hash', '=', keyHash).execute();
}
