import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/**
 * Every change of what drivers see of an EVSE, with when: the history uptime is computed from
 * (NEVI, UK reliability). Seeded with each EVSE's current availability so reports have a start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table evse_availability_changes (
      tenant_id text not null references networks (id),
      evse_uid text not null,
      location_id text not null,
      availability text not null,
      at timestamptz not null,
      id bigint generated always as identity,
      primary key (tenant_id, evse_uid, at, id),
      foreign key (tenant_id, evse_uid) references evses (tenant_id, id)
    )`.execute(db);
  await sql`create index evse_availability_changes_site on evse_availability_changes (tenant_id, location_id, at)`.execute(db);
  await sql`
    insert into evse_availability_changes (tenant_id, evse_uid, location_id, availability, at)
    select tenant_id, id, location_id, availability, status_updated_at from evses where status <> 'REMOVED'`.execute(db);
  await enableTenantIsolation(db, ['evse_availability_changes']);
}
