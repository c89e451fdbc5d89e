import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp } from '../db/column-types.js';

// The tables the notifications module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface NotificationOutboxTable {
  tenant_id: string;
  id: string;
  driver_id: string;
  channel: 'email' | 'push';
  template: string;
  data: ColumnType<unknown, string, string>;
  status: ColumnType<'PENDING' | 'SENT' | 'FAILED', 'PENDING' | 'SENT' | 'FAILED' | undefined, 'PENDING' | 'SENT' | 'FAILED'>;
  sent_at: NullableTimestamp;
  created_at: CreatedAt;
}
