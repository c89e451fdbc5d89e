import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp, UpdatedAt, Version } from '../db/column-types.js';

// The tables the reservations module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface ReservationPoliciesTable {
  tenant_id: string;
  max_days_ahead: ColumnType<number, number | undefined, number>;
  min_duration_minutes: ColumnType<number, number | undefined, number>;
  max_duration_minutes: ColumnType<number, number | undefined, number>;
  grace_minutes: ColumnType<number, number | undefined, number>;
  reservation_fee: ColumnType<number, number | undefined, number>;
  no_show_fee: ColumnType<number, number | undefined, number>;
  queue_offer_minutes: ColumnType<number, number | undefined, number>;
  queue_hold_minutes: ColumnType<number, number | undefined, number>;
  block_unpaid_fees: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: UpdatedAt;
}

export type ReservationStatus = 'OFFERED' | 'CONFIRMED' | 'ACTIVE' | 'FULFILLED' | 'CANCELLED' | 'NO_SHOW' | 'EXPIRED';

export type ChargerReservationStatus = 'none' | 'not_reservable' | 'accepted' | 'rejected' | 'offline' | 'no_id_tag' | 'cancelled';

export interface ReservationsTable {
  tenant_id: string;
  id: string;
  ocpp_reservation_id: ColumnType<number, never, never>;
  driver_id: string;
  location_id: string;
  evse_uid: string;
  connector_standard: string | null;
  kind: ColumnType<'booking' | 'queue', 'booking' | 'queue' | undefined, never>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  grace_until: Timestamp;
  status: ReservationStatus;
  charger_status: ColumnType<ChargerReservationStatus, ChargerReservationStatus | undefined, ChargerReservationStatus>;
  session_id: string | null;
  fee_amount: ColumnType<number, number | undefined, number>;
  no_show_fee_amount: ColumnType<number, number | undefined, number>;
  currency: string;
  ended_at: NullableTimestamp;
  version: Version;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
