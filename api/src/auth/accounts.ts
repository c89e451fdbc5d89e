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

/** Where and how to write to a person: their address, name and language (undefined for an unknown or disabled account). */
export async function contactOf(tx: Tx, userId: string): Promise<{ email: string; name: string; locale: string } | undefined> {
  const row = await tx.selectFrom('users').select(['email', 'name', 'locale', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
  return row && !row.disabled_at ? { email: row.email, name: row.name, locale: row.locale } : undefined;
}

/**
 * Erasure: the account keeps its id (what must stay — sessions, invoices — still points at it)
 * but nothing that says who it was: no address, no name, no way to sign in, no logins or links.
 */
export async function anonymiseAccount(tx: Tx, userId: string, now: Date): Promise<void> {
  await tx
    .updateTable('users')
    .set({ email: `erased+${userId}@erased.invalid`, name: '', password_hash: '!erased', disabled_at: now, email_verified_at: null, locked_until: null })
    .where('id', '=', userId)
    .execute();
  await tx.updateTable('refresh_tokens').set({ revoked_at: now, device: null }).where('user_id', '=', userId).execute();
  await tx.deleteFrom('account_tokens').where('user_id', '=', userId).execute();
}
