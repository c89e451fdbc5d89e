import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp } from '../db/column-types.js';

// The tables the auth module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  locale: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  disabled_at: NullableTimestamp;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  /** All tokens descended from one login; reuse of a rotated token revokes the family. */
  family_id: string;
  tenant_id: string | null;
  token_hash: string;
  expires_at: Timestamp;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: CreatedAt;
}
