import type { CreatedAt } from '../db/column-types.js';

// The tables the drivers module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface DriversTable {
  user_id: string;
  created_at: CreatedAt;
}
