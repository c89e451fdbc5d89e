import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp } from '../db/column-types.js';

// The tables the site-limits module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface SitePowerLimitsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  max_power_w: number;
  source: 'network' | 'grid';
  partner_id: string | null;
  starts_at: Timestamp;
  ends_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface EvsePowerSharesTable {
  tenant_id: string;
  evse_uid: string;
  share_w: number | null;
  told_at: Timestamp;
  /** What the plan delivers to the car here by `planned_by` (its departure); null without a car or a plan. */
  planned_wh: ColumnType<number | null, number | null | undefined, number | null>;
  planned_by: NullableTimestamp;
}

export interface SiteEnergyContractsTable {
  tenant_id: string;
  location_id: string;
  objective: 'most_energy' | 'least_cost' | 'least_carbon' | 'solar_first';
  currency: string;
  base_price_per_kwh: ColumnType<number, number, number>;
  windows: ColumnType<EnergyPriceWindowRow[], string, string>;
  demand_charge_per_kw: ColumnType<number, number, number>;
  value_per_kwh: ColumnType<number, number, number>;
  updated_at: Timestamp;
}

export interface EnergyPriceWindowRow {
  days: number[];
  start: string;
  end: string;
  price_per_kwh: number;
}

export interface SitePowerSamplesTable {
  tenant_id: string;
  location_id: string;
  at: Timestamp;
  cap_w: number | null;
  planned_w: number;
  measured_w: number;
}
