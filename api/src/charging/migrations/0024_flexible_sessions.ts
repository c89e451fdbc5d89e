import { type Kysely, sql } from 'kysely';

/** A driver may let the site shift their charging (cheaper or cleaner hours), as long as the car is ready by departure. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table charging_sessions add column flexible boolean not null default false`.execute(db);
}
