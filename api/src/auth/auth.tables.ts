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
  email_verified_at: NullableTimestamp;
  /** Wrong passwords in a row; a sign-in resets it. */
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
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
  /** The browser or app the login came from, as its User-Agent names it (shortened). */
  device: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

/** Single-use links sent by email: verifying an address, resetting a password. Only the hash is kept. */
export interface AccountTokensTable {
  id: string;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  token_hash: string;
  email: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}
