import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/**
 * Locations → EVSEs → connectors, shaped after OCPI 2.2.1 so roaming and open data map one to
 * one; charge points are the OCPP devices the gateway updates. Public discovery reads through
 * `public_read` policies that show only published locations of networks that share publicly.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Every change a realtime client can see takes a number from here, so versions only grow.
  await sql`create sequence realtime_version_seq`.execute(db);
  await sql`grant usage, select on sequence realtime_version_seq to voltshare_app`.execute(db);

  await sql`
    create table tariffs (
      tenant_id text not null references networks (id),
      id text not null,
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      -- OCPI tariff elements (price components with restrictions); priced fully by the payments module.
      elements jsonb not null default '[]',
      vat_percent numeric(5, 2) not null default 0 check (vat_percent between 0 and 100),
      -- What a driver pays per kWh and per session without restrictions, VAT included (AFIR ad-hoc price).
      energy_price_per_kwh integer check (energy_price_per_kwh >= 0),
      flat_price integer check (flat_price >= 0),
      time_price_per_hour integer check (time_price_per_hour >= 0),
      display_text text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);

  await sql`
    create table locations (
      tenant_id text not null references networks (id),
      id text not null,
      name text not null check (length(name) between 1 and 255),
      address text not null check (length(address) <= 255),
      city text not null check (length(city) <= 100),
      postal_code text check (length(postal_code) <= 10),
      state text,
      country char(2) not null check (country ~ '^[A-Z]{2}$'),
      latitude double precision not null check (latitude between -90 and 90),
      longitude double precision not null check (longitude between -180 and 180),
      time_zone text not null,
      opening_hours jsonb not null default '{"twentyfourseven": true}',
      facilities text[] not null default '{}',
      parking_type text,
      operator_name text,
      owner_name text,
      images jsonb not null default '[]',
      publish boolean not null default true,
      renewable_share numeric(5, 2) check (renewable_share between 0 and 100),
      co2_g_per_kwh numeric(7, 2) check (co2_g_per_kwh >= 0),
      status text not null default 'ACTIVE' check (status in ('ACTIVE', 'REMOVED')),
      source text,
      attribution jsonb,
      version bigint not null default nextval('realtime_version_seq'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`create index locations_earth_idx on locations using gist (ll_to_earth(latitude, longitude))`.execute(db);
  await sql`create unique index locations_source_key on locations (tenant_id, source) where source is not null`.execute(db);
  await sql`create index locations_id_idx on locations (id)`.execute(db);

  await sql`
    create table charge_points (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      identity text not null unique check (identity ~ '^[!-9;-~]{1,25}$'),
      password_hash text,
      has_password boolean not null generated always as (password_hash is not null) stored,
      vendor text,
      model text,
      serial_number text,
      firmware_version text,
      ocpp_version text not null default '1.6',
      online boolean not null default false,
      last_seen_at timestamptz,
      status text not null default 'ACTIVE' check (status in ('ACTIVE', 'REMOVED')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);

  await sql`
    create table evses (
      tenant_id text not null references networks (id),
      id text not null,
      location_id text not null,
      evse_id text,
      charge_point_id text,
      ocpp_connector_id integer check (ocpp_connector_id > 0),
      status text not null default 'UNKNOWN'
        check (status in ('AVAILABLE', 'BLOCKED', 'CHARGING', 'INOPERATIVE', 'OUTOFORDER', 'PLANNED', 'REMOVED', 'RESERVED', 'UNKNOWN')),
      -- Derived from status, the charge point being online and reservations by availability.ts only.
      availability text not null default 'UNKNOWN',
      status_updated_at timestamptz not null default now(),
      capabilities text[] not null default '{}',
      physical_reference text,
      floor_level text,
      source text,
      version bigint not null default nextval('realtime_version_seq'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id),
      foreign key (tenant_id, charge_point_id) references charge_points (tenant_id, id),
      unique (tenant_id, charge_point_id, ocpp_connector_id)
    )`.execute(db);
  await sql`create index evses_location_idx on evses (tenant_id, location_id)`.execute(db);
  await sql`create unique index evses_source_key on evses (tenant_id, source) where source is not null`.execute(db);

  await sql`
    create table connectors (
      tenant_id text not null references networks (id),
      id text not null,
      evse_id text not null,
      standard text not null,
      format text not null check (format in ('SOCKET', 'CABLE')),
      power_type text not null check (power_type in ('AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC')),
      max_voltage integer not null check (max_voltage between 1 and 2000),
      max_amperage integer not null check (max_amperage between 1 and 1000),
      max_electric_power integer not null check (max_electric_power between 1 and 2000000),
      tariff_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, evse_id) references evses (tenant_id, id),
      foreign key (tenant_id, tariff_id) references tariffs (tenant_id, id)
    )`.execute(db);
  await sql`create index connectors_evse_idx on connectors (tenant_id, evse_id)`.execute(db);

  await enableTenantIsolation(db, ['tariffs', 'locations', 'charge_points', 'evses', 'connectors']);
  // Staff never read a charge point's password hash; the gateway checks it in the system scope.
  await sql`revoke select on charge_points from voltshare_app`.execute(db);
  await sql`
    grant select (tenant_id, id, location_id, identity, vendor, model, serial_number, firmware_version, ocpp_version,
                  online, last_seen_at, status, created_at, updated_at, has_password) on charge_points to voltshare_app`.execute(db);

  // Public reads: set app.public_read = 'on' in the transaction (Scopes.public). Publicness is
  // decided by one function that runs as the tables' owner, so each check is a single index
  // lookup instead of policies nested three deep (connector → EVSE → location → network).
  await sql`
    create function public_location(t text, l text) returns boolean
    language sql stable security definer set search_path = public as $$
      select exists (
        select 1 from locations x join networks n on n.id = x.tenant_id
        where x.tenant_id = t and x.id = l and x.publish and x.status = 'ACTIVE' and n.public_sharing)
    $$`.execute(db);
  await sql`
    create function public_evse(t text, e text) returns boolean
    language sql stable security definer set search_path = public as $$
      select exists (select 1 from evses x where x.tenant_id = t and x.id = e and public_location(x.tenant_id, x.location_id))
    $$`.execute(db);
  await sql`revoke all on function public_location(text, text), public_evse(text, text) from public`.execute(db);
  await sql`grant execute on function public_location(text, text), public_evse(text, text) to voltshare_app`.execute(db);

  const isPublic = sql`current_setting('app.public_read', true) = 'on'`;
  await sql`create policy public_read on networks for select using (${isPublic} and public_sharing)`.execute(db);
  await sql`create policy public_read on locations for select using (${isPublic} and public_location(tenant_id, id))`.execute(db);
  await sql`create policy public_read on evses for select using (${isPublic} and public_location(tenant_id, location_id))`.execute(db);
  await sql`create policy public_read on connectors for select using (${isPublic} and public_evse(tenant_id, evse_id))`.execute(db);
  await sql`create policy public_read on tariffs for select using (${isPublic})`.execute(db);
  await sql`create policy public_read on charge_points for select using (${isPublic} and public_location(tenant_id, location_id))`.execute(db);
}
