import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp, UpdatedAt } from '../db/column-types.js';

// The tables the queue module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export type QueueEntryStatus = 'WAITING' | 'OFFERED' | 'ACCEPTED' | 'LEFT' | 'DECLINED' | 'EXPIRED';

export interface QueueEntriesTable {
  tenant_id: string;
  id: string;
  location_id: string;
  driver_id: string;
  connector_standard: string | null;
  status: ColumnType<QueueEntryStatus, QueueEntryStatus | undefined, QueueEntryStatus>;
  line_key: ColumnType<Date, Date | string | undefined, Date | string>;
  snoozed_until: NullableTimestamp;
  joined_at: CreatedAt;
  ended_at: NullableTimestamp;
  updated_at: UpdatedAt;
}

export type QueueOfferStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'SNOOZED' | 'EXPIRED';

export interface QueueOffersTable {
  tenant_id: string;
  id: string;
  entry_id: string;
  reservation_id: string;
  evse_uid: string;
  status: ColumnType<QueueOfferStatus, QueueOfferStatus | undefined, QueueOfferStatus>;
  expires_at: Timestamp;
  decided_at: NullableTimestamp;
  created_at: CreatedAt;
}
