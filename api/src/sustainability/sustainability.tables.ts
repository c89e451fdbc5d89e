import type { ColumnType } from 'kysely';
import type { Timestamp } from '../db/column-types.js';

// The tables the sustainability module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

type Real = ColumnType<number, number, number>;
type NullableReal = ColumnType<number | null, number | null | undefined, number | null>;

/** A site's declared energy assets and supply contract. */
export interface SiteEnergyAssetsTable {
  tenant_id: string;
  location_id: string;
  pv_kwp: NullableReal;
  pv_tilt_deg: NullableReal;
  pv_azimuth_deg: NullableReal;
  battery_kwh: NullableReal;
  battery_kw: NullableReal;
  /** Share of the site's grid energy covered by a renewable supply contract, 0–1. */
  renewable_contract_share: Real;
  renewable_contract_name: string | null;
  updated_at: Timestamp;
}

/** What a site's energy manager or utility reported, at any interval. */
export interface SiteEnergyReadingsTable {
  tenant_id: string;
  location_id: string;
  at: Timestamp;
  pv_w: NullableReal;
  site_load_w: NullableReal;
  /** Positive while the battery discharges into the site. */
  battery_w: NullableReal;
  battery_soc_percent: NullableReal;
  received_at: Timestamp;
}

/** A network's own hourly carbon intensity profile for a zone (uploaded as CSV). */
export interface GridIntensityHoursTable {
  tenant_id: string;
  zone: string;
  starts_at: Timestamp;
  g_per_kwh: Real;
  source: string;
}

/** Each completed session's energy by source, CO₂ and CO₂ avoided, as accounted when it ended. */
export interface SessionCarbonAccountsTable {
  tenant_id: string;
  session_id: string;
  location_id: string;
  driver_id: string | null;
  stopped_at: Timestamp;
  total_wh: Real;
  pv_wh: Real;
  battery_wh: Real;
  grid_wh: Real;
  co2_location_g: Real;
  co2_market_g: Real;
  renewable_location_wh: Real;
  renewable_market_wh: Real;
  avoided_co2_g: Real;
  distance_km: Real;
  on_site_method: 'measured' | 'modelled' | 'mixed' | 'none';
  sources: ColumnType<string[], string, string>;
  computed_at: Timestamp;
}
