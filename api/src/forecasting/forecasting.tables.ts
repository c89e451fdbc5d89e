import type { ColumnType } from 'kysely';
import type { Timestamp } from '../db/column-types.js';

// The tables the forecasting module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

type Real = ColumnType<number, number, number>;

/** A site's trained forecast, hour by hour for the next seven days (replaced at each training). */
export interface SiteForecastsTable {
  tenant_id: string;
  location_id: string;
  starts_at: Timestamp;
  arrivals: Real;
  busy_evses: Real;
  energy_kwh: Real;
  /** The chance that no EVSE is free in the hour, 0–1. */
  p_no_free: Real;
  booked_evses: Real;
  confidence: 'high' | 'low' | 'borrowed' | 'none';
  model: string;
  trained_at: Timestamp;
}
