import type { ColumnType } from 'kysely';
import type { CreatedAt } from '../db/column-types.js';

// The tables the audit module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface AuditEventsTable {
  tenant_id: string;
  id: string;
  actor_user_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  outcome: 'done' | 'refused' | 'failed';
  detail: ColumnType<unknown, string | undefined, never>;
  at: CreatedAt;
  /** Position in the network's chain, from 1. */
  seq: ColumnType<string, number, never>;
  prev_hash: ColumnType<string, string, never>;
  hash: ColumnType<string, string, never>;
}
