import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/** Session pricing: tariff bounds, the tariff a session started under, and its meter readings. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table tariffs
      add column min_price bigint check (min_price >= 0),
      add column max_price bigint check (max_price >= 0),
      add constraint tariffs_price_bounds check (min_price is null or max_price is null or min_price <= max_price)`.execute(db);

  // The tariff in force when the session started (a later change never reprices it).
  await sql`alter table charging_sessions add column tariff jsonb`.execute(db);

  // Every energy reading of a session, so its cost follows the curve across price boundaries.
  await sql`
    create table meter_samples (
      tenant_id text not null references networks (id),
      session_id text not null,
      at timestamptz not null,
      energy_wh bigint not null check (energy_wh >= 0),
      power_w integer,
      primary key (tenant_id, session_id, at),
      foreign key (tenant_id, session_id) references charging_sessions (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['meter_samples']);
}
