import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/** How long each network keeps each class of data (within the platform's bounds); absent, the default. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table retention_settings (
      tenant_id text not null references networks (id),
      data_class text not null check (data_class in ('charger_messages', 'meter_readings', 'closed_tickets')),
      days integer not null check (days > 0),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, data_class)
    )`.execute(db);
  await enableTenantIsolation(db, ['retention_settings']);
}
