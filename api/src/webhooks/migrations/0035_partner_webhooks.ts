import { type Kysely, sql } from 'kysely';

/**
 * Webhook endpoints of partners (automakers, cities, utilities): incidents at the stations they
 * can see and the tickets they opened, across networks. They belong to a partner, not a network,
 * so no tenant policy: the app reads them by partner in code; inside a network's transaction it
 * may only see which endpoints listen (never their secrets) and queue deliveries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table partner_webhook_endpoints (
      partner_id text not null references partners (id),
      id text primary key,
      url text not null check (url ~ '^https?://'),
      secret text not null,
      events text[] not null default '{}',
      description text,
      disabled_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index partner_webhook_endpoints_partner on partner_webhook_endpoints (partner_id, id desc)`.execute(db);
  await sql`
    create table partner_webhook_deliveries (
      partner_id text not null references partners (id),
      id text primary key,
      endpoint_id text not null references partner_webhook_endpoints (id),
      -- The network whose event it is (its body names it too).
      tenant_id text not null references networks (id),
      event_id text not null,
      event_type text not null,
      payload jsonb not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
      attempts integer not null default 0,
      response_status integer,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (endpoint_id, event_id)
    )`.execute(db);
  await sql`create index partner_webhook_deliveries_endpoint on partner_webhook_deliveries (endpoint_id, id desc)`.execute(db);
  await sql`grant select (id, partner_id, events, disabled_at) on partner_webhook_endpoints to voltshare_app`.execute(db);
  await sql`grant insert on partner_webhook_deliveries to voltshare_app`.execute(db);
}
