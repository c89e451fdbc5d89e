import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, UpdatedAt } from '../db/column-types.js';

// The tables the charge-points module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface ChargePointsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  identity: string;
  password_hash: string | null;
  has_password: ColumnType<boolean, never, never>;
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  ocpp_version: ColumnType<string, string | undefined, string>;
  online: ColumnType<boolean, boolean | undefined, boolean>;
  last_seen_at: NullableTimestamp;
  status: ColumnType<'ACTIVE' | 'REMOVED', 'ACTIVE' | 'REMOVED' | undefined, 'ACTIVE' | 'REMOVED'>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
