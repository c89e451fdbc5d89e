import type { ReservationStatus } from '../db/schema.js';
import type { ReservationPolicy } from './reservations.model.js';

/**
 * The reservation rules other code must not restate: which statuses hold an EVSE's slot, which a
 * session may fulfil, which are over, and when the grace to arrive ends. Three lists, three
 * rules: a FULFILLED reservation still holds its slot (the driver is charging in it) but cannot
 * be fulfilled again; a CONFIRMED one holds its slot but shows the EVSE as reserved only once
 * active (`RESERVES_EVSE_NOW`, in locations' availability rule).
 */

/** Statuses that hold an EVSE for their slot: nothing may overlap them (the database's exclusion constraint uses the same list). */
export const HOLDS_SLOT: readonly ReservationStatus[] = ['OFFERED', 'CONFIRMED', 'ACTIVE', 'FULFILLED'];

/** Statuses a session starting on the EVSE may fulfil (or is refused for): the open ones. */
export const CLAIMABLE: readonly ReservationStatus[] = ['OFFERED', 'CONFIRMED', 'ACTIVE'];

/** Statuses a reservation never leaves. */
export const TERMINAL: readonly ReservationStatus[] = ['FULFILLED', 'CANCELLED', 'NO_SHOW', 'EXPIRED'];

const MINUTE = 60_000;

/** A driver may arrive until the grace ends: `grace_minutes` after the start, never after the end. */
export const graceUntil = (start: Date, end: Date, policy: Pick<ReservationPolicy, 'grace_minutes'>) =>
  new Date(Math.min(start.getTime() + policy.grace_minutes * MINUTE, end.getTime()));
