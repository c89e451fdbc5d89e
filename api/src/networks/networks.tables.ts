import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp } from '../db/column-types.js';

// The tables the networks module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface NetworksTable {
  id: string;
  /** A network is its own tenant; generated from id so every tenant-owned table has the column. */
  tenant_id: ColumnType<string, never, never>;
  name: string;
  slug: string;
  country: string;
  currency: string;
  public_sharing: ColumnType<boolean, boolean | undefined, boolean>;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  billing_address: ColumnType<string | null, string | null | undefined, string | null>;
  vat_number: ColumnType<string | null, string | null | undefined, string | null>;
  payment_hold_amount: ColumnType<number, number | undefined, number>;
  stripe_account_id: ColumnType<string | null, string | null | undefined, string | null>;
  application_fee_percent: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export type StaffRole = 'owner' | 'admin' | 'operator' | 'support' | 'viewer';

export interface MembershipsTable {
  tenant_id: string;
  user_id: string;
  role: StaffRole;
  created_at: CreatedAt;
}

export interface InvitationsTable {
  tenant_id: string;
  id: string;
  email: string;
  role: StaffRole;
  token_hash: string;
  invited_by: string;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  created_at: CreatedAt;
}
