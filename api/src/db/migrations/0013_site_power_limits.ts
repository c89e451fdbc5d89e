import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/**
 * Site power limits: a cap on a location's total charging power, set by its network or pushed
 * by the utility the network names as the site's grid operator; enforced over OCPP.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table locations add column grid_operator_id text references partners (id)`.execute(db);
  await sql`
    create table site_power_limits (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      max_power_w integer not null check (max_power_w between 0 and 100000000),
      source text not null check (source in ('network', 'grid')),
      partner_id text references partners (id),
      starts_at timestamptz not null,
      ends_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id),
      check (ends_at is null or ends_at > starts_at),
      check ((source = 'grid') = (partner_id is not null))
    )`.execute(db);
  await sql`create index site_power_limits_by_location on site_power_limits (tenant_id, location_id, starts_at)`.execute(db);
  await enableTenantIsolation(db, ['site_power_limits']);
}
