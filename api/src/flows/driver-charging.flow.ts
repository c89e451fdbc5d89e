import type { Logger } from 'pino';
import type { ChargePointsService } from '../charge-points/charge-points.service.js';
import type { ChargingService } from '../charging/charging.service.js';
import { ChargePointOffline, type CommandRouter } from '../charging/commands.js';
import type { IdTagsService } from '../charging/id-tags.service.js';
import type { EvseDirectory } from '../locations/evse-directory.js';
import type { PaymentsService } from '../payments/payments.service.js';
import type { ReservationsService } from '../reservations/reservations.service.js';
import { fail } from '../shared/errors.js';

export interface ChargeStart {
  evse_uid: string;
  /** `starting`: the charger accepted; the session appears once the charger reports the start. */
  status: 'starting';
}

export interface ChargeStop {
  session_id: string;
  /** `stopping`: the charger accepted; the session ends when it reports the stop. */
  status: 'stopping';
}

const ANSWER_WITHIN_MS = 15_000;

/**
 * A driver starting and stopping a charge from the app, across modules: the EVSE must be public,
 * connected and free (or booked by this driver), the driver must have a way to pay, and the
 * charger is told to start with the driver's token. The session itself then comes from the
 * charger, through the same path as a card at the reader, so payment and bookings apply alike.
 */
export class DriverChargingFlow {
  constructor(
    private readonly evses: EvseDirectory,
    private readonly reservations: ReservationsService,
    private readonly payments: PaymentsService,
    private readonly idTags: IdTagsService,
    private readonly charging: ChargingService,
    private readonly chargePoints: ChargePointsService,
    private readonly commands: CommandRouter,
    private readonly logger: Logger,
  ) {}

  async start(driverId: string, evseUid: string): Promise<ChargeStart> {
    const target = await this.evses.target(evseUid);
    if (!target) throw fail.notFound('EVSE', evseUid);
    if (!target.online) throw fail.conflict('This charger is not connected right now, so it cannot be started from the app.', 'charger-offline');
    const free = target.availability === 'AVAILABLE' || target.availability === 'RESERVED';
    if (!free || !(await this.reservations.mayStartNow(target.tenant_id, evseUid, driverId))) {
      throw fail.conflict('This charger is in use or booked by someone else.', 'evse-unavailable');
    }
    const paying = await this.payments.payingWith(driverId);
    if (!paying.payment_method_id && !paying.pays_from_wallet) {
      throw fail.paymentRequired('payment-method-required', 'Add a payment method (or pay from your wallet) before you start charging.');
    }
    const idToken = await this.idTags.tokenForRemoteStart(driverId);
    if (!(await this.ask(target.identity, { kind: 'remoteStart', connector: target.connector, idToken }))) {
      throw fail.conflict('The charger refused to start. Check the cable is plugged in, or try another charger.', 'charger-refused');
    }
    return { evse_uid: evseUid, status: 'starting' };
  }

  async stop(driverId: string, sessionId: string): Promise<ChargeStop> {
    const session = await this.charging.driverSession(driverId, sessionId);
    if (!session) throw fail.notFound('session', sessionId);
    if (session.status !== 'ACTIVE') throw fail.conflict('This session has ended.', 'session-ended');
    const identity = await this.chargePoints.identityOf(session.network_id, session.charge_point_id);
    const transactionId = session.charger_transaction_id ?? String(session.transaction_id);
    if (!identity || !(await this.ask(identity, { kind: 'remoteStop', transactionId }))) {
      throw fail.conflict('The charger did not stop. Stop it at the charger, or ask for help.', 'charger-refused');
    }
    return { session_id: sessionId, status: 'stopping' };
  }

  /** Whether the charger agreed; an offline charger says so, a silent one counts as a refusal. */
  private async ask(identity: string, command: Parameters<CommandRouter['send']>[1]): Promise<boolean> {
    try {
      return (await this.commands.send(identity, command, ANSWER_WITHIN_MS)).accepted;
    } catch (error) {
      if (error instanceof ChargePointOffline) throw fail.conflict('This charger is not connected right now.', 'charger-offline');
      this.logger.warn({ err: error, charger: identity }, 'driver command to a charger failed');
      return false;
    }
  }
}
