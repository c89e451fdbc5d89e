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
