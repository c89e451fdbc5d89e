import { type Kysely, sql } from 'kysely';

/**
 * What a driver chose in the app: the version of the terms they accepted at sign-up (null for
 * accounts made before the app asked), and their settings (units, default connector and vehicle,
 * which notifications they want), one JSON document validated by the API.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table drivers add column terms_version text, add column terms_accepted_at timestamptz`.execute(db);
  await sql`alter table drivers add column preferences jsonb not null default '{}'::jsonb`.execute(db);
}
