import type { Selectable } from 'kysely';
import { constraintOf, pgErrorCode } from '../db/errors.js';
import type { ReservationsTable } from '../db/schema.js';
import { fail } from '../shared/errors.js';
import type { Reservation, ReservationPolicy } from './reservations.model.js';

export type ReservationRow = Selectable<ReservationsTable>;

/** What a session starting on an EVSE means for the reservations holding it. */
export type SessionClaim =
  | { outcome: 'free' | 'reserved-for-another' }
  /** The driver's own reservation is fulfilled; `wasOffered` when it was a queue offer still open. */
  | { outcome: 'fulfilled'; reservation: ReservationRow; wasOffered: boolean };

export const DEFAULT_POLICY: ReservationPolicy = {
  max_days_ahead: 14,
  min_duration_minutes: 15,
  max_duration_minutes: 180,
  grace_minutes: 15,
  reservation_fee: 0,
  no_show_fee: 0,
  queue_offer_minutes: 15,
  queue_hold_minutes: 30,
  block_unpaid_fees: false,
};

export function toReservation(r: ReservationRow): Reservation {
  return {
    id: r.id,
    network_id: r.tenant_id,
    driver_id: r.driver_id,
    location_id: r.location_id,
    evse_uid: r.evse_uid,
    connector_standard: r.connector_standard,
    kind: r.kind,
    start: r.starts_at,
    end: r.ends_at,
    status: r.status,
    charger_status: r.charger_status,
    ocpp_reservation_id: r.ocpp_reservation_id,
    session_id: r.session_id,
    fee: r.fee_amount > 0 ? { amount: r.fee_amount, currency: r.currency } : null,
    no_show_fee: r.no_show_fee_amount > 0 ? { amount: r.no_show_fee_amount, currency: r.currency } : null,
    grace_until: r.grace_until,
    version: r.version,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** Is this error the database refusing an overlapping slot? Which one? */
export function overlapOf(error: unknown): 'evse' | 'driver' | undefined {
  if (pgErrorCode(error) !== '23P01') return undefined;
  return constraintOf(error) === 'reservations_driver_no_overlap' ? 'driver' : 'evse';
}

export const slotTaken = () => fail.conflict('That EVSE is already reserved for part of this slot; pick another time or EVSE.', 'slot-taken');
