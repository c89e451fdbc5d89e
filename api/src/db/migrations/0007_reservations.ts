import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/** Reservations, the virtual queue, the job runner, webhooks and the notification outbox. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Each network decides how its chargers may be booked; absent a row the defaults apply.
  await sql`
    create table reservation_policies (
      tenant_id text primary key references networks (id),
      max_days_ahead integer not null default 14 check (max_days_ahead between 0 and 365),
      min_duration_minutes integer not null default 15 check (min_duration_minutes between 5 and 1440),
      max_duration_minutes integer not null default 180 check (max_duration_minutes between 5 and 1440),
      grace_minutes integer not null default 15 check (grace_minutes between 1 and 240),
      reservation_fee bigint not null default 0 check (reservation_fee >= 0),
      no_show_fee bigint not null default 0 check (no_show_fee >= 0),
      queue_offer_minutes integer not null default 15 check (queue_offer_minutes between 1 and 120),
      queue_hold_minutes integer not null default 30 check (queue_hold_minutes between 5 and 240),
      updated_at timestamptz not null default now(),
      check (min_duration_minutes <= max_duration_minutes)
    )`.execute(db);

  // OCPP 1.6 reservationId is an integer, unique per charge point; one sequence keeps it unique everywhere.
  await sql`create sequence ocpp_reservation_id_seq minvalue 1 maxvalue 2147483647 cycle`.execute(db);
  await sql`grant usage, select on sequence ocpp_reservation_id_seq to voltshare_app`.execute(db);

  await sql`
    create table reservations (
      tenant_id text not null references networks (id),
      id text not null,
      ocpp_reservation_id integer not null unique default nextval('ocpp_reservation_id_seq'),
      driver_id text not null references drivers (user_id),
      location_id text not null,
      evse_uid text not null,
      connector_standard text,
      -- 'booking': the driver chose the slot; 'queue': the EVSE was offered from the queue.
      kind text not null default 'booking' check (kind in ('booking', 'queue')),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      slot tstzrange generated always as (tstzrange(starts_at, ends_at, '[)')) stored,
      -- The driver must have started by then, or the reservation is a no-show.
      grace_until timestamptz not null,
      status text not null check (status in ('OFFERED', 'CONFIRMED', 'ACTIVE', 'FULFILLED', 'CANCELLED', 'NO_SHOW', 'EXPIRED')),
      -- What the charger itself knows (OCPP ReserveNow / CancelReservation).
      charger_status text not null default 'none'
        check (charger_status in ('none', 'not_reservable', 'accepted', 'rejected', 'offline', 'no_id_tag', 'cancelled')),
      session_id text,
      fee_amount bigint not null default 0 check (fee_amount >= 0),
      no_show_fee_amount bigint not null default 0 check (no_show_fee_amount >= 0),
      currency text not null,
      ended_at timestamptz,
      version bigint not null default nextval('realtime_version_seq'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, evse_uid) references evses (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id),
      check (ends_at > starts_at),
      -- Double booking is impossible: no two holding reservations of one EVSE overlap.
      constraint reservations_no_overlap exclude using gist (tenant_id with =, evse_uid with =, slot with &&)
        where (status in ('OFFERED', 'CONFIRMED', 'ACTIVE', 'FULFILLED')),
      -- A driver is in one place at a time.
      constraint reservations_driver_no_overlap exclude using gist (driver_id with =, slot with &&)
        where (status in ('CONFIRMED', 'ACTIVE'))
    )`.execute(db);
  await sql`create index reservations_driver_idx on reservations (driver_id, id)`.execute(db);
  await sql`create index reservations_evse_idx on reservations (tenant_id, evse_uid, starts_at)`.execute(db);
  await sql`create index reservations_location_idx on reservations (tenant_id, location_id, starts_at)`.execute(db);

  await sql`
    create table queue_entries (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      driver_id text not null references drivers (user_id),
      connector_standard text,
      status text not null default 'WAITING' check (status in ('WAITING', 'OFFERED', 'ACCEPTED', 'LEFT', 'DECLINED', 'EXPIRED')),
      -- Order in line; a snooze moves it behind the next driver.
      line_key timestamptz not null default clock_timestamp(),
      snoozed_until timestamptz,
      joined_at timestamptz not null default now(),
      ended_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await sql`
    create unique index queue_entries_one_per_driver on queue_entries (tenant_id, location_id, driver_id)
    where status in ('WAITING', 'OFFERED')`.execute(db);
  await sql`create index queue_entries_line_idx on queue_entries (tenant_id, location_id, line_key) where status in ('WAITING', 'OFFERED')`.execute(db);

  await sql`
    create table queue_offers (
      tenant_id text not null references networks (id),
      id text not null,
      entry_id text not null,
      reservation_id text not null,
      evse_uid text not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'ACCEPTED', 'DECLINED', 'SNOOZED', 'EXPIRED')),
      expires_at timestamptz not null,
      decided_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, entry_id) references queue_entries (tenant_id, id),
      foreign key (tenant_id, reservation_id) references reservations (tenant_id, id)
    )`.execute(db);

  // What drivers told us about their sessions (for queue ETAs).
  await sql`alter table charging_sessions add column departure_at timestamptz`.execute(db);

  await sql`
    create table webhook_endpoints (
      tenant_id text not null references networks (id),
      id text not null,
      url text not null check (url ~ '^https?://'),
      -- HMAC signing needs the secret itself; it is shown once and never returned again.
      secret text not null,
      events text[] not null default '{}',
      description text,
      disabled_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);

  await sql`
    create table webhook_deliveries (
      tenant_id text not null references networks (id),
      id text not null,
      endpoint_id text not null,
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
      primary key (tenant_id, id),
      foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id),
      unique (tenant_id, endpoint_id, event_id)
    )`.execute(db);
  await sql`create index webhook_deliveries_endpoint_idx on webhook_deliveries (tenant_id, endpoint_id, id desc)`.execute(db);

  // Email / push messages for drivers; a sender drains it (the console in embedded mode).
  await sql`
    create table notification_outbox (
      tenant_id text not null references networks (id),
      id text not null,
      driver_id text not null,
      channel text not null check (channel in ('email', 'push')),
      template text not null,
      data jsonb not null,
      status text not null default 'PENDING' check (status in ('PENDING', 'SENT', 'FAILED')),
      sent_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);

  await enableTenantIsolation(db, [
    'reservation_policies',
    'reservations',
    'queue_entries',
    'queue_offers',
    'webhook_endpoints',
    'webhook_deliveries',
    'notification_outbox',
  ]);

  // One job table for both modes. Work is scheduled in the same transaction as the change that
  // needs it, so the app role may insert; claiming and running happens in the system scope.
  await sql`
    create table jobs (
      id bigint generated always as identity primary key,
      kind text not null,
      -- At most one pending job per key: scheduling the same work twice is a no-op.
      key text,
      tenant_id text,
      payload jsonb not null default '{}',
      run_at timestamptz not null default now(),
      status text not null default 'pending' check (status in ('pending', 'running', 'done', 'failed')),
      attempts integer not null default 0,
      max_attempts integer not null default 8,
      locked_until timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  // A job already running may need to run once more (new work arrived meanwhile), so only
  // pending jobs are deduplicated.
  await sql`create unique index jobs_pending_key on jobs (key) where status = 'pending'`.execute(db);
  await sql`create index jobs_due_idx on jobs (run_at) where status in ('pending', 'running')`.execute(db);
  // ON CONFLICT needs to read the key of the row it collides with; RLS keeps that to the tenant's
  // own jobs. Not forced: the runner (the table's owner) claims every tenant's jobs.
  await sql`grant insert, select (key, status, tenant_id) on jobs to voltshare_app`.execute(db);
  await sql`alter table jobs enable row level security`.execute(db);
  await sql`
    create policy tenant_jobs on jobs to voltshare_app
    using (tenant_id = current_setting('app.tenant_id', true))
    with check (tenant_id = current_setting('app.tenant_id', true))`.execute(db);
}
