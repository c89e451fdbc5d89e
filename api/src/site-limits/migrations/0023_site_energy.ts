import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/**
 * A site's energy contract (what its power costs, what a kWh earns, the planning objective) and
 * its power at every planning step (cap, plan, measured draw): the operators' chart and the
 * month's peak the demand charge is on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table site_energy_contracts (
      tenant_id text not null references networks (id),
      location_id text not null,
      objective text not null check (objective in ('most_energy', 'least_cost')),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      base_price_per_kwh double precision not null check (base_price_per_kwh between 0 and 10),
      windows jsonb not null default '[]',
      demand_charge_per_kw double precision not null default 0 check (demand_charge_per_kw between 0 and 1000),
      value_per_kwh double precision not null check (value_per_kwh between 0 and 10),
      updated_at timestamptz not null,
      primary key (tenant_id, location_id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await sql`
    create table site_power_samples (
      tenant_id text not null references networks (id),
      location_id text not null,
      at timestamptz not null,
      cap_w integer,
      planned_w integer not null,
      measured_w integer not null,
      primary key (tenant_id, location_id, at),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['site_energy_contracts', 'site_power_samples']);
}
