import { type Kysely, sql } from 'kysely';

/**
 * Accounts that are safe: a verified email address, single-use expiring tokens for verification
 * and password resets (only their hash is kept), and a device name per login for the list of
 * active sessions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column email_verified_at timestamptz`.execute(db);
  await sql`alter table refresh_tokens add column device text`.execute(db);
  await sql`
    create table account_tokens (
      id text primary key,
      user_id text not null references users (id),
      purpose text not null check (purpose in ('verify_email', 'reset_password')),
      token_hash text not null unique,
      -- The address the link was sent to: a verification counts only for the address it was sent to.
      email text not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index account_tokens_user_idx on account_tokens (user_id, purpose)`.execute(db);
}
