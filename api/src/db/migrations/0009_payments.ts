import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/** Payments for sessions (pre-authorise, capture, refund), the provider's webhook log, receipt details. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // What a receipt shows of the network, what a session holds on a card, where its money goes.
  await sql`
    alter table networks
      add column billing_address text,
      add column vat_number text,
      add column payment_hold_amount bigint not null default 5000 check (payment_hold_amount > 0),
      add column stripe_account_id text,
      add column application_fee_percent numeric(5, 2) not null default 0 check (application_fee_percent between 0 and 100)`.execute(db);

  // Drivers are platform-wide, and so is their customer at the payment provider.
  await sql`
    create table payment_customers (
      driver_id text primary key references drivers (user_id),
      provider text not null,
      customer_id text not null,
      default_payment_method text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`grant select, insert, update on payment_customers to voltshare_app`.execute(db);

  await sql`
    create table payments (
      tenant_id text not null references networks (id),
      id text not null,
      session_id text not null,
      driver_id text not null,
      provider text not null,
      intent_id text,
      status text not null check (status in ('pending', 'authorized', 'requires_action', 'captured', 'released', 'failed', 'payment_failed')),
      currency char(3) not null,
      hold_amount bigint not null check (hold_amount >= 0),
      captured_amount bigint not null default 0 check (captured_amount >= 0),
      refunded_amount bigint not null default 0 check (refunded_amount >= 0 and refunded_amount <= captured_amount),
      failure_code text,
      -- Part of the capture's idempotency key: a retry after a refusal is a new request.
      capture_attempts integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, session_id),
      foreign key (tenant_id, session_id) references charging_sessions (tenant_id, id)
    )`.execute(db);
  await sql`create unique index payments_intent_idx on payments (intent_id)`.execute(db);

  await sql`
    create table refunds (
      tenant_id text not null references networks (id),
      id text not null,
      payment_id text not null,
      amount bigint not null check (amount > 0),
      reason text,
      provider_refund_id text,
      requested_by text not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, payment_id) references payments (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['payments', 'refunds']);

  // Each provider event is processed once: a replay finds its id here and changes nothing.
  await sql`
    create table payment_events (
      provider text not null,
      event_id text not null,
      type text not null,
      received_at timestamptz not null default now(),
      primary key (provider, event_id)
    )`.execute(db);
}
