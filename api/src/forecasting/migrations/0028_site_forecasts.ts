import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/** Each site's trained forecast for the next seven days, hour by hour (written by the nightly training). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table site_forecasts (
      tenant_id text not null references networks (id),
      location_id text not null,
      starts_at timestamptz not null,
      arrivals double precision not null check (arrivals >= 0),
      busy_evses double precision not null check (busy_evses >= 0),
      energy_kwh double precision not null check (energy_kwh >= 0),
      p_no_free double precision not null check (p_no_free between 0 and 1),
      booked_evses double precision not null default 0,
      confidence text not null check (confidence in ('high', 'low', 'borrowed', 'none')),
      model text not null,
      trained_at timestamptz not null,
      primary key (tenant_id, location_id, starts_at),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['site_forecasts']);
}
