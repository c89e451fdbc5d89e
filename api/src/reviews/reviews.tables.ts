import type { ColumnType } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/column-types.js';

// The tables the reviews module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface ReviewsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  driver_id: string;
  rating: number;
  comment: string | null;
  /** VISIBLE, HELD (reported, awaiting a moderator) or HIDDEN by one. */
  status: ColumnType<'VISIBLE' | 'HELD' | 'HIDDEN', 'VISIBLE' | 'HELD' | 'HIDDEN' | undefined, 'VISIBLE' | 'HELD' | 'HIDDEN'>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A review as it was before each edit. */
export interface ReviewEditsTable {
  tenant_id: string;
  id: string;
  review_id: string;
  rating: number;
  comment: string | null;
  edited_at: CreatedAt;
}
