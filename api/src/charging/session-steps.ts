import type { Selectable } from 'kysely';
import type { ChargingSessionsTable } from '../db/schema.js';
import type { Tx } from '../db/tenancy.js';
import type { Emit } from '../realtime/after-commit.js';

export type SessionRow = Selectable<ChargingSessionsTable>;

/**
 * The steps other modules take when a session starts or ends and when a charger comes back.
 * Charging calls them at fixed points, in the session's own transaction where it says `tx`;
 * `flows/charging-session.flow.ts` decides what each step does.
 */
export interface SessionSteps {
  /** A session is starting on an EVSE: does a reservation hold it, and is it this driver's? */
  claimEvse(
    tx: Tx,
    tenantId: string,
    evseUid: string,
    claim: { driverId?: string; chargerReservationId?: number; sessionId: string; at: Date },
    emit: Emit,
  ): Promise<'fulfilled' | 'free' | 'reserved-for-another'>;
  /** The session row was written. */
  started(tx: Tx, session: SessionRow): Promise<void>;
  /** A session is about to be closed at `stoppedAt` (before it is priced). */
  ending(tx: Tx, tenantId: string, sessionId: string, stoppedAt: Date): Promise<void>;
  /** The session was closed and priced. */
  ended(tx: Tx, session: SessionRow): Promise<void>;
  /** After commit: a session started, ended or was re-planned by its driver at this charger. */
  changed(tenantId: string, chargePointId: string): void;
  /** A charger connected again: tell it what it missed. */
  reconnected(tenantId: string, chargePointId: string): Promise<void>;
}
