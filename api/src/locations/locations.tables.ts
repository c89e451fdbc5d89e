import type { ColumnType } from 'kysely';
import type { CreatedAt, Timestamp, UpdatedAt, Version } from '../db/column-types.js';

// The tables the locations module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

/**
 * A time of day (`HH:MM`) or an ISO-8601 instant, as OCPI's opening hours use them.
 * @maxLength 32
 */
export type PeriodBound = string;

export interface OpeningHours {
  twentyfourseven: boolean;
  regular_hours?: { weekday: number; period_begin: PeriodBound; period_end: PeriodBound }[];
  exceptional_openings?: { period_begin: PeriodBound; period_end: PeriodBound }[];
  exceptional_closings?: { period_begin: PeriodBound; period_end: PeriodBound }[];
}

export interface LocationsTable {
  /** Kept by triggers (migration 0005); read by the public_read policies. */
  is_public: ColumnType<boolean, never, never>;
  tenant_id: string;
  id: string;
  name: string;
  address: string;
  city: string;
  postal_code: string | null;
  state: string | null;
  country: string;
  latitude: number;
  longitude: number;
  time_zone: string;
  opening_hours: ColumnType<OpeningHours, string | undefined, string>;
  facilities: ColumnType<string[], string[] | undefined, string[]>;
  parking_type: string | null;
  operator_name: string | null;
  owner_name: string | null;
  images: ColumnType<unknown[], string | undefined, string>;
  publish: ColumnType<boolean, boolean | undefined, boolean>;
  renewable_share: ColumnType<string | null, number | null | undefined, number | null>;
  co2_g_per_kwh: ColumnType<string | null, number | null | undefined, number | null>;
  /** 0–10, from the community module's score job; null until there is anything to go on. */
  reliability_score: ColumnType<string | null, number | null | undefined, number | null>;
  /** What the score rests on (sessions, check-ins, uptime, window), shown beside it. */
  reliability: ColumnType<unknown, string | null | undefined, string | null>;
  status: ColumnType<'ACTIVE' | 'REMOVED', 'ACTIVE' | 'REMOVED' | undefined, 'ACTIVE' | 'REMOVED'>;
  source: string | null;
  grid_operator_id: ColumnType<string | null, string | null | undefined, string | null>;
  attribution: ColumnType<unknown, string | null | undefined, string | null>;
  version: Version;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type EvseStatus = 'AVAILABLE' | 'BLOCKED' | 'CHARGING' | 'INOPERATIVE' | 'OUTOFORDER' | 'PLANNED' | 'REMOVED' | 'RESERVED' | 'UNKNOWN';

export interface EvsesTable {
  /** Kept by triggers (migration 0005); read by the public_read policies. */
  is_public: ColumnType<boolean, never, never>;
  tenant_id: string;
  id: string;
  location_id: string;
  evse_id: string | null;
  charge_point_id: string | null;
  ocpp_connector_id: number | null;
  status: ColumnType<EvseStatus, EvseStatus | undefined, EvseStatus>;
  availability: ColumnType<EvseStatus, EvseStatus | undefined, EvseStatus>;
  status_updated_at: UpdatedAt;
  capabilities: ColumnType<string[], string[] | undefined, string[]>;
  physical_reference: string | null;
  floor_level: string | null;
  source: string | null;
  version: Version;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ConnectorsTable {
  /** Kept by triggers (migration 0005); read by the public_read policies. */
  is_public: ColumnType<boolean, never, never>;
  tenant_id: string;
  id: string;
  evse_id: string;
  standard: string;
  format: 'SOCKET' | 'CABLE';
  power_type: 'AC_1_PHASE' | 'AC_2_PHASE' | 'AC_2_PHASE_SPLIT' | 'AC_3_PHASE' | 'DC';
  max_voltage: number;
  max_amperage: number;
  max_electric_power: number;
  tariff_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One change of an EVSE's availability (what drivers see), appended by `recomputeAvailability`. */
export interface EvseAvailabilityChangesTable {
  tenant_id: string;
  evse_uid: string;
  location_id: string;
  availability: EvseStatus;
  at: Timestamp;
  id: ColumnType<string, never, never>;
}
