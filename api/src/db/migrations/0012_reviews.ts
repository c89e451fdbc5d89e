import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/** Drivers' reviews of stations: one per driver and location, owned by the location's network. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reviews (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      driver_id text not null,
      rating smallint not null check (rating between 1 and 5),
      comment text check (char_length(comment) <= 2000),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id),
      unique (tenant_id, location_id, driver_id)
    )`.execute(db);
  await sql`create index reviews_by_location on reviews (tenant_id, location_id, id desc)`.execute(db);
  await enableTenantIsolation(db, ['reviews']);
}
