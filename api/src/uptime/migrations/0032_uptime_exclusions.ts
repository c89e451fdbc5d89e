import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/** Outages outside the operator's control, recorded with a reason: NEVI lets uptime leave them out. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table uptime_exclusions (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      -- Null: every EVSE of the site.
      evse_uid text,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      reason text not null check (reason in ('scheduled_maintenance', 'grid_outage', 'vandalism', 'natural_disaster', 'communication_outage', 'other_outside_control')),
      note text,
      incident_id text,
      created_by text references users (id),
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id),
      foreign key (tenant_id, evse_uid) references evses (tenant_id, id),
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index uptime_exclusions_by_site on uptime_exclusions (tenant_id, location_id, starts_at)`.execute(db);
  await enableTenantIsolation(db, ['uptime_exclusions']);
}
