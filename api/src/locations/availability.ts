import type { EvseStatus, ReservationStatus } from '../db/schema.js';

/**
 * The one rule for what a driver sees: every reader (discovery, location detail, realtime,
 * open data, the gateway) gets availability from here, never from the raw status.
 */
export interface AvailabilityInput {
  /** The status the charger (or staff) last reported. */
  status: EvseStatus;
  /** Whether the EVSE belongs to an OCPP charge point, and if so whether it is connected. */
  chargePoint: 'none' | 'online' | 'offline';
  /** A reservation holds the EVSE right now (reservations module). */
  reservedNow?: boolean;
}

/**
 * Reservations that show their EVSE as RESERVED now: one in its slot, or a queue offer waiting
 * for its driver. A CONFIRMED reservation holds a later slot and leaves the EVSE free until then.
 */
export const RESERVES_EVSE_NOW: readonly ReservationStatus[] = ['OFFERED', 'ACTIVE'];

/** What drivers see of an EVSE that cannot be booked, queued for or offered. */
export const OUT_OF_SERVICE: readonly EvseStatus[] = ['REMOVED', 'PLANNED', 'OUTOFORDER', 'INOPERATIVE'];

export function evseAvailability({ status, chargePoint, reservedNow = false }: AvailabilityInput): EvseStatus {
  if (status === 'REMOVED' || status === 'PLANNED') return status;
  // A status from a charger that is no longer connected cannot be trusted (OCPI: UNKNOWN).
  if (chargePoint === 'offline') return 'UNKNOWN';
  if (status === 'AVAILABLE' && reservedNow) return 'RESERVED';
  return status;
}

export type StatusCounts = Partial<Record<EvseStatus, number>>;

export interface LocationAvailability {
  /** EVSEs per availability, REMOVED left out. */
  counts: StatusCounts;
  total: number;
  available: number;
  available_now: boolean;
}

export function locationAvailability(availabilities: EvseStatus[]): LocationAvailability {
  const counts: StatusCounts = {};
  let total = 0;
  for (const a of availabilities) {
    if (a === 'REMOVED') continue;
    counts[a] = (counts[a] ?? 0) + 1;
    total += 1;
  }
  const available = counts.AVAILABLE ?? 0;
  return { counts, total, available, available_now: available > 0 };
}
