import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/** Charging sessions from OCPP transactions, id tags, faults and the per-charge-point message log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // OCPP 1.6 transactionId is an integer the central system hands out; one sequence keeps it
  // unique across every network and gateway process.
  await sql`create sequence ocpp_transaction_id_seq minvalue 1 maxvalue 2147483647 cycle`.execute(db);
  await sql`grant usage, select on sequence ocpp_transaction_id_seq to voltshare_app`.execute(db);

  // RFID cards and app tokens belong to drivers, who are platform-wide: one card works everywhere.
  await sql`
    create table id_tags (
      id_tag text primary key check (length(id_tag) between 1 and 20),
      driver_id text references drivers (user_id),
      status text not null default 'Accepted' check (status in ('Accepted', 'Blocked', 'Expired', 'Invalid')),
      expires_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`grant select on id_tags to voltshare_app`.execute(db);

  await sql`
    create table charging_sessions (
      tenant_id text not null references networks (id),
      id text not null,
      transaction_id integer not null unique,
      charge_point_id text not null,
      evse_uid text,
      connector_id integer not null,
      id_tag text not null,
      driver_id text,
      status text not null default 'ACTIVE' check (status in ('ACTIVE', 'COMPLETED')),
      started_at timestamptz not null,
      stopped_at timestamptz,
      meter_start_wh bigint not null,
      meter_last_wh bigint not null,
      meter_stop_wh bigint,
      power_w integer,
      soc_percent integer,
      stop_reason text,
      authorization_status text not null,
      cost jsonb,
      version bigint not null default nextval('realtime_version_seq'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, charge_point_id) references charge_points (tenant_id, id),
      -- A retried StartTransaction carries the same connector, tag, meter and time: one session.
      unique (tenant_id, charge_point_id, connector_id, id_tag, meter_start_wh, started_at)
    )`.execute(db);
  await sql`create index charging_sessions_driver_idx on charging_sessions (driver_id, id)`.execute(db);
  await sql`create index charging_sessions_cp_idx on charging_sessions (tenant_id, charge_point_id, id)`.execute(db);

  await sql`
    create table evse_faults (
      tenant_id text not null references networks (id),
      id text not null,
      charge_point_id text not null,
      connector_id integer not null,
      error_code text not null,
      info text,
      vendor_id text,
      vendor_error_code text,
      occurred_at timestamptz not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, charge_point_id) references charge_points (tenant_id, id)
    )`.execute(db);

  await sql`
    create table ocpp_messages (
      tenant_id text not null references networks (id),
      id bigint generated always as identity,
      charge_point_id text not null,
      direction text not null check (direction in ('in', 'out')),
      frame jsonb not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`create index ocpp_messages_cp_idx on ocpp_messages (tenant_id, charge_point_id, id desc)`.execute(db);

  await enableTenantIsolation(db, ['charging_sessions', 'evse_faults', 'ocpp_messages']);
  // Drivers read their own sessions across networks through the system scope, by driver id.
}
