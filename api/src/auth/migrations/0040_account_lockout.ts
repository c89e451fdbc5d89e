import { type Kysely, sql } from 'kysely';

/** Wrong passwords in a row per account, and until when the account refuses sign-in (beside the per-address limit). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column failed_logins integer not null default 0, add column locked_until timestamptz`.execute(db);
}
