import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp } from '../db/column-types.js';

// The tables the jobs module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface JobsTable {
  id: ColumnType<number, never, never>;
  kind: string;
  key: string | null;
  tenant_id: string | null;
  payload: ColumnType<unknown, string | undefined, string>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  status: ColumnType<'pending' | 'running' | 'done' | 'failed', 'pending' | undefined, 'pending' | 'running' | 'done' | 'failed'>;
  attempts: ColumnType<number, never, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
  last_error: string | null;
  created_at: CreatedAt;
  finished_at: NullableTimestamp;
}
