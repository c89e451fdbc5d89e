import type { CreatedAt, Timestamp } from '../db/column-types.js';

// The tables the uptime module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

/** The reasons NEVI (23 CFR 680.116(b)(3)) lets an outage be left out of uptime. */
export type ExclusionReason = 'scheduled_maintenance' | 'grid_outage' | 'vandalism' | 'natural_disaster' | 'communication_outage' | 'other_outside_control';

export interface UptimeExclusionsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  evse_uid: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: ExclusionReason;
  note: string | null;
  incident_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}
