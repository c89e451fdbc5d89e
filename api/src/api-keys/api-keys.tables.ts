import type { CreatedAt, NullableTimestamp } from '../db/column-types.js';

// The tables the api-keys module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

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
