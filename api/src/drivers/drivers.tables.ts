import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp } from '../db/column-types.js';

// The tables the drivers module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

/** The app settings as stored (shaped by `DriverPreferences`; kept apart so the schema does not import the API model). */
export type StoredPreferences = { [setting: string]: unknown; notifications?: Record<string, boolean> };

export interface DriversTable {
  user_id: string;
  terms_version: string | null;
  terms_accepted_at: NullableTimestamp;
  preferences: ColumnType<StoredPreferences, string | undefined, string>;
  created_at: CreatedAt;
}
