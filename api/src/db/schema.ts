import type { ColumnType } from 'kysely';

/** Row types of the tables; JSON names are the public snake_case names, so rows map 1:1. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

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
  created_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  locale: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  disabled_at: NullableTimestamp;
}

export interface DriversTable {
  user_id: string;
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

export type PartnerKind = 'automaker' | 'city' | 'utility';

export interface PartnersTable {
  id: string;
  name: string;
  kind: PartnerKind;
  created_at: CreatedAt;
}

export type ApiKeyKind = 'secret' | 'publishable';

export interface ApiKeysTable {
  id: string;
  /** Set for a network's keys; null for a partner's keys. */
  tenant_id: string | null;
  partner_id: string | null;
  kind: ApiKeyKind;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  allowed_origins: string[];
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
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

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number | null;
  response: unknown;
  created_at: CreatedAt;
}

export interface Database {
  networks: NetworksTable;
  users: UsersTable;
  drivers: DriversTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  partners: PartnersTable;
  api_keys: ApiKeysTable;
  refresh_tokens: RefreshTokensTable;
  idempotency_keys: IdempotencyKeysTable;
}
