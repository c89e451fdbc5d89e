import type { Tx } from '../db/tenancy.js';
import { newId } from '../shared/ids.js';

/**
 * Accounts (`users`) belong to auth: one person, one login, whether they drive, work for a
 * network or both. Other modules create one inside their own transaction through this.
 */
export async function createAccount(tx: Tx, account: { email: string; name: string; passwordHash: string; locale?: string }): Promise<string> {
  const id = newId('usr');
  await tx
    .insertInto('users')
    .values({ id, email: account.email, name: account.name.trim(), password_hash: account.passwordHash, ...(account.locale ? { locale: account.locale } : {}) })
    .execute();
  return id;
}
