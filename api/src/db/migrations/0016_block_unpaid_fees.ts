import { type Kysely, sql } from 'kysely';

/** A network may refuse new bookings from drivers who left one of its fees unpaid. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reservation_policies add column block_unpaid_fees boolean not null default false`.execute(db);
}
