import { type Kysely, sql } from 'kysely';

/** A site may be planned for the least carbon or for its own solar first (the sustainability module's figures). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table site_energy_contracts drop constraint site_energy_contracts_objective_check`.execute(db);
  await sql`
    alter table site_energy_contracts add constraint site_energy_contracts_objective_check
    check (objective in ('most_energy', 'least_cost', 'least_carbon', 'solar_first'))`.execute(db);
}
