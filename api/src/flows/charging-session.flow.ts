import type { SessionRow, SessionSteps } from '../charging/session-steps.js';
import type { ReliabilityService } from '../community/reliability.service.js';
import type { Tx } from '../db/tenancy.js';
import type { ForecastingService } from '../forecasting/forecasting.service.js';
import type { PaymentsService } from '../payments/payments.service.js';
import type { QueueService } from '../queue/queue.service.js';
import type { Emit } from '../realtime/after-commit.js';
import type { ReservationsService } from '../reservations/reservations.service.js';
import type { SiteLimitsService } from '../site-limits/site-limits.service.js';
import type { SustainabilityService } from '../sustainability/sustainability.service.js';

/**
 * What a charging session means to the rest of the platform, in one place:
 *
 * - **starting** on an EVSE fulfils the driver's own reservation (and closes the queue offer it
 *   came from) or is refused while someone else's holds it; then payment is held for the session;
 * - **ending** gives the rest of a fulfilled slot back, then captures the payment and has the
 *   session's energy accounted for its carbon, its site's forecast trained again and its
 *   reliability score computed again;
 * - after either, the site's **power limit** is shared anew;
 * - a charger that **reconnects** is sent its reservations, then its site's power limit.
 *
 * Steps marked "in the session's transaction" commit or roll back with the session itself.
 */
export class ChargingSessionFlow implements SessionSteps {
  constructor(
    private readonly reservations: ReservationsService,
    private readonly queue: QueueService,
    private readonly payments: PaymentsService,
    private readonly siteLimits: SiteLimitsService,
    private readonly sustainability: SustainabilityService,
    private readonly forecasting: ForecastingService,
    private readonly reliability: ReliabilityService,
  ) {}

  /** In the session's transaction. */
  async claimEvse(
    tx: Tx,
    tenantId: string,
    evseUid: string,
    claim: { driverId?: string; chargerReservationId?: number; sessionId: string; at: Date },
    emit: Emit,
  ): Promise<'fulfilled' | 'free' | 'reserved-for-another'> {
    const result = await this.reservations.claimForSession(tx, tenantId, evseUid, claim, emit);
    if (result.outcome === 'fulfilled' && result.wasOffered) await this.queue.acceptedBySession(tx, tenantId, result.reservation, claim.at);
    return result.outcome;
  }

  /** In the session's transaction. */
  started(tx: Tx, session: SessionRow): Promise<void> {
    return this.payments.sessionStarted(tx, session);
  }

  /** In the session's transaction. */
  ending(tx: Tx, tenantId: string, sessionId: string, stoppedAt: Date): Promise<void> {
    return this.reservations.releaseAfterSession(tx, tenantId, sessionId, stoppedAt);
  }

  /** In the session's transaction. */
  async ended(tx: Tx, session: SessionRow): Promise<void> {
    await this.payments.sessionStopped(tx, session);
    await this.sustainability.sessionEnded(tx, session);
    await this.forecasting.sessionEnded(tx, session);
    await this.reliability.sessionEnded(tx, session);
  }

  changed(tenantId: string, chargePointId: string): void {
    this.siteLimits.sessionChanged(tenantId, chargePointId);
  }

  async reconnected(tenantId: string, chargePointId: string): Promise<void> {
    await this.reservations.chargerReconnected(tenantId, chargePointId);
    await this.siteLimits.chargerReconnected(tenantId, chargePointId);
  }
}
