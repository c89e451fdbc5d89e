import { type Kysely, sql } from 'kysely';

/** How much energy the driver wants from a session (set in the app; the optimiser plans with it). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table charging_sessions add column energy_wanted_wh integer check (energy_wanted_wh > 0 and energy_wanted_wh <= 1000000)`.execute(db);
}
