import { type Kysely, sql } from 'kysely';

/** What the optimiser plans for the car at each EVSE (energy by its departure), for the driver's view. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table evse_power_shares add column planned_wh integer, add column planned_by timestamptz`.execute(db);
}
