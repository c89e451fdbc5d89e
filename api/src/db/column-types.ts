import type { ColumnType } from 'kysely';

/** Column types the tables share: how each is read, inserted and updated. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
export type Version = ColumnType<number, never, never>;
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
