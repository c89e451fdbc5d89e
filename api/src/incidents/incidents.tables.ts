import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp, UpdatedAt } from '../db/column-types.js';

// The tables the incidents module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

/** Why an incident is open: a charger's fault, it being offline, starts that fail, a power limit ignored, drivers' reports. */
export type IncidentCause = 'fault' | 'offline' | 'failed_starts' | 'power_limit_ignored' | 'driver_report';

export interface IncidentsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  /** Null for an incident of the whole site (every charger offline at once: a grid or network outage). */
  evse_uid: string | null;
  scope_key: string;
  status: ColumnType<'open' | 'resolved', 'open' | 'resolved' | undefined, 'open' | 'resolved'>;
  causes: ColumnType<IncidentCause[], IncidentCause[], IncidentCause[]>;
  affected_evse_uids: ColumnType<string[], string[], string[]>;
  charge_point_ids: ColumnType<string[], string[] | undefined, string[]>;
  fault_code: string | null;
  fault_info: string | null;
  vendor_error_code: string | null;
  opened_at: Timestamp;
  last_signal_at: Timestamp;
  resolved_at: NullableTimestamp;
  resolution: 'recovered' | 'staff' | 'merged' | null;
  merged_into: string | null;
  /** The charger's OCPP messages in the minutes before the incident opened. */
  message_log: ColumnType<unknown, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
