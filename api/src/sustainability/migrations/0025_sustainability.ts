import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/**
 * Sustainability: a site's PV, battery and renewable supply contract; what its energy manager
 * reports; a network's own hourly carbon intensity; and each completed session's carbon account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table site_energy_assets (
      tenant_id text not null references networks (id),
      location_id text not null,
      pv_kwp double precision check (pv_kwp > 0 and pv_kwp <= 100000),
      pv_tilt_deg double precision check (pv_tilt_deg between 0 and 90),
      pv_azimuth_deg double precision check (pv_azimuth_deg >= 0 and pv_azimuth_deg < 360),
      battery_kwh double precision check (battery_kwh > 0 and battery_kwh <= 1000000),
      battery_kw double precision check (battery_kw > 0 and battery_kw <= 1000000),
      renewable_contract_share double precision not null default 0 check (renewable_contract_share between 0 and 1),
      renewable_contract_name text,
      updated_at timestamptz not null,
      primary key (tenant_id, location_id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await sql`
    create table site_energy_readings (
      tenant_id text not null references networks (id),
      location_id text not null,
      at timestamptz not null,
      pv_w double precision check (pv_w >= 0),
      site_load_w double precision check (site_load_w >= 0),
      battery_w double precision,
      battery_soc_percent double precision check (battery_soc_percent between 0 and 100),
      received_at timestamptz not null,
      primary key (tenant_id, location_id, at),
      foreign key (tenant_id, location_id) references locations (tenant_id, id)
    )`.execute(db);
  await sql`
    create table grid_intensity_hours (
      tenant_id text not null references networks (id),
      zone text not null,
      starts_at timestamptz not null,
      g_per_kwh double precision not null check (g_per_kwh between 0 and 2000),
      source text not null,
      primary key (tenant_id, zone, starts_at)
    )`.execute(db);
  await sql`
    create table session_carbon_accounts (
      tenant_id text not null references networks (id),
      session_id text not null,
      location_id text not null,
      driver_id text,
      stopped_at timestamptz not null,
      total_wh double precision not null,
      pv_wh double precision not null,
      battery_wh double precision not null,
      grid_wh double precision not null,
      co2_location_g double precision not null,
      co2_market_g double precision not null,
      renewable_location_wh double precision not null,
      renewable_market_wh double precision not null,
      avoided_co2_g double precision not null,
      distance_km double precision not null,
      on_site_method text not null check (on_site_method in ('measured', 'modelled', 'mixed', 'none')),
      sources jsonb not null,
      computed_at timestamptz not null,
      primary key (tenant_id, session_id),
      foreign key (tenant_id, session_id) references charging_sessions (tenant_id, id)
    )`.execute(db);
  await sql`create index session_carbon_by_site_month on session_carbon_accounts (tenant_id, location_id, stopped_at)`.execute(db);
  await sql`create index session_carbon_by_driver on session_carbon_accounts (driver_id, stopped_at) where driver_id is not null`.execute(db);
  await enableTenantIsolation(db, ['site_energy_assets', 'site_energy_readings', 'grid_intensity_hours', 'session_carbon_accounts']);
}
