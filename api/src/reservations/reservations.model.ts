import type { ChargerReservationStatus, ReservationStatus } from '../db/schema.js';
import type { ConnectorStandard } from '../locations/locations.model.js';
import type { Money } from '../shared/money.js';

export interface ReservationRequest {
  /** A specific EVSE (its uid, `evs_…`). Give this or `location_id` + `connector_standard`. @maxLength 64 */
  evse_id?: string;
  /** Any EVSE at this location with a `connector_standard` connector; the platform picks one. @maxLength 64 */
  location_id?: string;
  connector_standard?: ConnectorStandard;
  /** Slot start (ISO 8601). */
  start: Date;
  /** Slot end, exclusive. */
  end: Date;
}

export interface ReservationChange {
  start?: Date;
  end?: Date;
}

export interface Reservation {
  id: string;
  network_id: string;
  driver_id: string;
  location_id: string;
  evse_uid: string;
  connector_standard: string | null;
  /** `booking`: chosen by the driver; `queue`: offered from the location's queue. */
  kind: 'booking' | 'queue';
  start: Date;
  end: Date;
  /**
   * OFFERED (held for a queue offer) → CONFIRMED (booked, not started) → ACTIVE (the slot has
   * started, the EVSE is held) → FULFILLED (the driver started charging); or CANCELLED,
   * NO_SHOW (nobody came within the grace period), EXPIRED (an offer nobody took).
   */
  status: ReservationStatus;
  /** What the charger was told: `accepted` once it confirmed the reservation. */
  charger_status: ChargerReservationStatus;
  /** The OCPP reservationId the charger knows this reservation by. */
  ocpp_reservation_id: number;
  session_id: string | null;
  /** Booking fee, charged with the session (payments). */
  fee: Money | null;
  /** Recorded when the driver did not show up. */
  no_show_fee: Money | null;
  /** When the driver must have started by, or it becomes a no-show. */
  grace_until: Date;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface ReservationPolicy {
  /** @isInt @minimum 0 @maximum 365 */
  max_days_ahead: number;
  /** @isInt @minimum 5 @maximum 1440 */
  min_duration_minutes: number;
  /** @isInt @minimum 5 @maximum 1440 */
  max_duration_minutes: number;
  /** Minutes after the start a reserved EVSE waits for its driver. @isInt @minimum 1 @maximum 240 */
  grace_minutes: number;
  /** Minor units. @isInt @minimum 0 @maximum 10000000 */
  reservation_fee: number;
  /** Minor units. @isInt @minimum 0 @maximum 10000000 */
  no_show_fee: number;
  /** How long a queue offer holds an EVSE for the first driver in line. @isInt @minimum 1 @maximum 120 */
  queue_offer_minutes: number;
  /** Length of the reservation an accepted offer becomes. @isInt @minimum 5 @maximum 240 */
  queue_hold_minutes: number;
  /**
   * Refuse new bookings (402 `unpaid-fees`) from a driver with a fee of this network that could not
   * be charged, until they pay it (`POST /v1/reservations/{id}/fees/{fee_id}/retry`). Default false.
   */
  block_unpaid_fees?: boolean;
}

export interface SlotAvailability {
  start: Date;
  end: Date;
  /** Start in the location's local time with its offset (two slots may read the same on the night clocks go back). */
  local_start: string;
  /** EVSEs (with a matching connector) free for the whole slot. */
  available_evses: number;
  evse_uids: string[];
  /** The location is open for the whole slot (opening hours). */
  open: boolean;
}

export interface DayAvailability {
  location_id: string;
  date: string;
  time_zone: string;
  slot_minutes: number;
  slots: SlotAvailability[];
  /** What a booking here costs, shown before the driver confirms. */
  booking_terms: BookingTerms;
}

/** The network's booking fees (minor units of `currency`; 0 when free) and how long a booked EVSE waits. */
export interface BookingTerms {
  currency: string;
  reservation_fee: number;
  no_show_fee: number;
  grace_minutes: number;
  min_duration_minutes: number;
  max_duration_minutes: number;
}
