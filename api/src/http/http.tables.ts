import type { CreatedAt } from '../db/column-types.js';

// The tables the http module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number | null;
  response: unknown;
  created_at: CreatedAt;
}
