/** A site's PV array. */
export interface PvArrayInput {
  /** Peak power, kWp. @minimum 0.1 @maximum 100000 */
  kwp: number;
  /** Tilt from horizontal, degrees. @minimum 0 @maximum 90 */
  tilt_deg: number;
  /** Compass direction the panels face, degrees (180 = south). @minimum 0 @maximum 359.99 */
  azimuth_deg: number;
}

/** A site's stationary battery. */
export interface BatteryInput {
  /** Usable capacity, kWh. @minimum 0.1 @maximum 1000000 */
  kwh: number;
  /** Rated power, kW. @minimum 0.1 @maximum 1000000 */
  kw: number;
}

/** A renewable supply contract (guarantees of origin, a PPA) for the site's grid energy: market-based accounting. */
export interface RenewableContractInput {
  /** The share of the site's grid energy it covers, 0–1. @minimum 0 @maximum 1 */
  share: number;
  /** What it is, for the reports (supplier, tariff, certificate scheme). @minLength 1 @maxLength 200 */
  name: string;
}

/** What a site has on site and buys (the whole declaration: a part left out is not there). */
export interface SiteEnergyAssetsInput {
  pv?: PvArrayInput;
  battery?: BatteryInput;
  renewable_contract?: RenewableContractInput;
}

export interface SiteEnergyAssets {
  location_id: string;
  pv: PvArrayInput | null;
  battery: BatteryInput | null;
  renewable_contract: RenewableContractInput | null;
  updated_at: Date | null;
}

/** One reading from a site's energy manager; send what you measure, at any interval. */
export interface SiteEnergyReadingInput {
  /** When it was measured (not in the future). */
  at: Date;
  /** PV production, W. @minimum 0 @maximum 100000000 */
  pv_w?: number | null;
  /** The whole site's consumption, chargers included, W. @minimum 0 @maximum 100000000 */
  site_load_w?: number | null;
  /** Battery power, W: positive while discharging into the site, negative while charging. @minimum -100000000 @maximum 100000000 */
  battery_w?: number | null;
  /** @minimum 0 @maximum 100 */
  battery_soc_percent?: number | null;
}

export interface SiteEnergyReadingsInput {
  /** @minItems 1 @maxItems 2000 */
  readings: SiteEnergyReadingInput[];
}

/** A utility's readings for one site it is grid operator of. */
export interface GridEnergyReadingsInput extends SiteEnergyReadingsInput {
  /** @maxLength 64 */
  location_id: string;
}

export interface SiteEnergyReadingsAccepted {
  /** Readings stored (one per instant: a reading sent again replaces the last). */
  accepted: number;
  /** Completed sessions accounted again because the readings cover them. */
  sessions_reaccounted: number;
}

/** A network's own hourly carbon intensity for a zone, as CSV. */
export interface GridIntensityProfileInput {
  /**
   * Rows `starts_at,g_per_kwh` (ISO 8601 hour starts, grams CO₂e per kWh), a header row first.
   * @minLength 1 @maxLength 2000000
   */
  csv: string;
  /** Where the figures come from, shown in every report that uses them. @minLength 1 @maxLength 200 */
  source: string;
}

export interface GridIntensityProfileAccepted {
  zone: string;
  hours: number;
  from: Date;
  to: Date;
}

/** A session's energy by source, its CO₂ and the CO₂ it avoided, with how it was worked out. */
export interface SessionCarbon {
  energy_wh: { total: number; on_site_pv: number; battery: number; grid: number };
  /** Grams of CO₂e: location-based (the grid's average) and market-based (after the site's renewable supply contract), GHG Protocol Scope 2. */
  co2_g: { location_based: number; market_based: number };
  /** Share renewable, 0–1, by the same two methods. */
  renewable_share: { location_based: number; market_based: number };
  /** Against a petrol car driven the same distance, net of the charging's own location-based CO₂. */
  avoided_co2_g: number;
  /** How far the energy drives an average electric car, km. */
  distance_km: number;
  method: CarbonMethod;
}

export interface CarbonMethod {
  /** On-site production: pushed readings, the clear-sky model of the declared array, both, or none declared. */
  on_site: 'measured' | 'modelled' | 'mixed' | 'none';
  /** Where the grid intensity came from. */
  intensity_sources: string[];
  petrol_car: { g_per_km: number; source: string };
  ev_kwh_per_100_km: number;
  computed_at: Date;
}

/** A site's (or the network's) month, summed over its completed sessions. */
export interface SustainabilityMonth {
  /** `YYYY-MM`, in the site's local time (UTC for the network total). */
  month: string;
  location_id: string | null;
  /** The site's name; null for the network's total. */
  location_name: string | null;
  sessions: number;
  energy_kwh: number;
  on_site_pv_kwh: number;
  battery_kwh: number;
  grid_kwh: number;
  renewable_share: { location_based: number; market_based: number };
  co2_kg: { location_based: number; market_based: number };
  avoided_co2_kg: number;
  /** The share of the PV the site made that its charging used; null without PV readings or a model. */
  pv_self_consumption: number | null;
  /** PV the site made in the month, kWh (measured where reported, else modelled); null without PV. */
  pv_produced_kwh: number | null;
}

export interface SustainabilityReport {
  network_id: string;
  from: string;
  to: string;
  months: SustainabilityMonth[];
  method: { intensity_sources: string[]; accounting: string; petrol_car: string; pv_model: Record<string, string | number> };
}

/**
 * A calendar month, `YYYY-MM`.
 * @pattern ^\d{4}-(0[1-9]|1[0-2])$
 * @maxLength 7
 * @example "2026-11"
 */
export type Month = string;

/**
 * A grid zone: an ISO 3166-1 alpha-2 country code.
 * @pattern ^[A-Za-z]{2}$
 * @maxLength 2
 * @example "DE"
 */
export type GridZone = string;

/** A driver's year of charging at every network, in plain terms. */
export interface DriverCarbonYear {
  year: number;
  sessions: number;
  energy_kwh: number;
  /** Share renewable, 0–1 (market-based: what the networks bought counts). */
  renewable_share: number;
  co2_kg: number;
  avoided_co2_kg: number;
  distance_km: number;
  /** What the avoided CO₂ is like, with where each figure comes from. */
  equivalents: {
    trees_for_a_year: number;
    flight_km: number;
    /** The figures behind them and who publishes them (names, not sentences, so every language can cite them). */
    sources: { tree_kg_per_year: number; tree_source: string; flight_g_per_km: number; flight_source: string };
  };
}

/** What a PV carport over a site's charging bays would make and save, for sites without PV. */
export interface SolarPotential {
  location_id: string;
  location_name: string;
  /** The array assumed: one carport bay per EVSE. */
  kwp: number;
  tilt_deg: number;
  azimuth_deg: number;
  yield_kwh_per_year: number;
  /** CO₂ the yield avoids at the zone's average grid intensity. */
  co2_avoided_kg_per_year: number;
  /** Share of the site's charging (its last 90 days, hour by hour) the array would have covered directly. */
  share_of_charging: number | null;
  charging_kwh_last_90_days: number;
  assumptions: Record<string, string | number>;
}

/** Public stations in an area, by month: what cities and utilities may see (aggregates only). */
export interface AreaSustainability {
  /** `[min_lng, min_lat, max_lng, max_lat]`. */
  bbox: number[];
  stations: number;
  months: AreaSustainabilityMonth[];
  /** Stations in the area without PV, and what carports over their bays would make. */
  solar_potential: { stations: number; kwp: number; yield_kwh_per_year: number; co2_avoided_kg_per_year: number };
  method: { accounting: string; intensity_sources: string[]; solar_potential: string };
}

export interface AreaSustainabilityMonth {
  /** `YYYY-MM`, UTC. */
  month: string;
  sessions: number;
  energy_kwh: number;
  on_site_pv_kwh: number;
  renewable_share: { location_based: number; market_based: number };
  co2_kg: { location_based: number; market_based: number };
  avoided_co2_kg: number;
}
