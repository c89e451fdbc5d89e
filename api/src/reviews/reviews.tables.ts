import type { CreatedAt, UpdatedAt } from '../db/column-types.js';

// The tables the reviews module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface ReviewsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  driver_id: string;
  rating: number;
  comment: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
