import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/** Booking and no-show fees charged to drivers: one per reservation and kind, charged once. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reservation_fees (
      tenant_id text not null references networks (id),
      id text not null,
      reservation_id text not null,
      driver_id text not null,
      kind text not null check (kind in ('booking', 'no_show')),
      amount bigint not null check (amount > 0),
      currency char(3) not null,
      provider text,
      intent_id text,
      status text not null default 'pending' check (status in ('pending', 'paid', 'failed')),
      failure_code text,
      -- Part of the charge's idempotency key: a retry after a refusal is a new request.
      attempts integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, reservation_id, kind),
      foreign key (tenant_id, reservation_id) references reservations (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['reservation_fees']);
}
