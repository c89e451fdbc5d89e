import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp } from '../db/column-types.js';

// The tables the privacy module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export type ExportStatus = 'pending' | 'ready' | 'downloaded' | 'expired' | 'failed';

/** A driver's request for their data (GDPR Art. 15 and 20): built by a job, downloaded once through an expiring link. */
export interface DataExportsTable {
  id: string;
  user_id: string;
  status: ColumnType<ExportStatus, ExportStatus | undefined, ExportStatus>;
  /** SHA-256 of the download link's token, set when the archive is ready. */
  token_hash: string | null;
  size_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  expires_at: NullableTimestamp;
  ready_at: NullableTimestamp;
  downloaded_at: NullableTimestamp;
  created_at: CreatedAt;
}

export type ConsentPurpose = 'marketing' | 'location_history' | 'partner_sharing';

/** Every grant and withdrawal, with the version and words shown (append-only: the latest is the choice). */
export interface ConsentsTable {
  id: string;
  user_id: string;
  purpose: ConsentPurpose;
  partner_id: string | null;
  granted: boolean;
  text_version: string;
  language: string;
  text_shown: string;
  at: ColumnType<Date, Date | undefined, never>;
}

/** A request to delete an account, with its grace period. */
export interface AccountDeletionsTable {
  id: string;
  user_id: string;
  /** Reviews, check-ins, tips and photos: kept under "former driver", or removed. */
  contributions: 'keep' | 'remove';
  status: ColumnType<'scheduled' | 'cancelled' | 'done', 'scheduled' | 'cancelled' | 'done' | undefined, 'scheduled' | 'cancelled' | 'done'>;
  requested_at: ColumnType<Date, Date | undefined, never>;
  due_at: Date;
  done_at: NullableTimestamp;
}

export type DataClass = 'charger_messages' | 'meter_readings' | 'closed_tickets';

/** A network's retention for one class of data (days); no row: the platform's default. */
export interface RetentionSettingsTable {
  tenant_id: string;
  data_class: DataClass;
  days: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
