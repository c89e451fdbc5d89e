import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/**
 * Incidents: what is wrong with an EVSE (or a whole site), opened and resolved by the platform
 * from what chargers and drivers report; at most one open per EVSE and one per site.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table incidents (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      evse_uid text,
      -- The EVSE's uid, or 'site' for an incident of the whole site: what "one open incident" is keyed by.
      scope_key text not null,
      status text not null default 'open' check (status in ('open', 'resolved')),
      causes text[] not null,
      affected_evse_uids text[] not null,
      charge_point_ids text[] not null default '{}',
      fault_code text,
      fault_info text,
      vendor_error_code text,
      opened_at timestamptz not null,
      last_signal_at timestamptz not null,
      resolved_at timestamptz,
      resolution text check (resolution in ('recovered', 'staff', 'merged')),
      merged_into text,
      message_log jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await sql`create unique index incidents_one_open on incidents (tenant_id, location_id, scope_key) where status = 'open'`.execute(db);
  await sql`create index incidents_by_time on incidents (tenant_id, opened_at)`.execute(db);
  await enableTenantIsolation(db, ['incidents']);
}
