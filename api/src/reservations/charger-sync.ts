import type { Logger } from 'pino';
import { ChargePointOffline, type CommandRouter } from '../charging/commands.js';
import type { IdTagsService } from '../charging/id-tags.service.js';
import type { ReservationStatus } from '../db/schema.js';
import type { Scopes } from '../db/tenancy.js';
import type { ReservationRow } from './reservation-rows.js';
import { TERMINAL } from './reservation-rules.js';

/**
 * What a charger knows of the reservations on its EVSEs: the platform holds the EVSE either way;
 * the charger is told (where it can hold a connector for a token) so it refuses other drivers
 * itself, and `charger_status` records what it answered.
 */
export class ReservationChargerSync {
  constructor(
    private readonly scopes: Scopes,
    private readonly commands: CommandRouter,
    private readonly logger: Logger,
    private readonly idTags: Pick<IdTagsService, 'primaryOf'>,
  ) {}

  /**
   * Brings the charger in line with the reservation: reserve while it is active (again after an
   * extension: the same reservation id replaces it), cancel once it ended.
   */
  async tell(tenantId: string, reservationId: string, mayRetry: boolean): Promise<void> {
    const target = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('reservations')
        .innerJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 'reservations.tenant_id').onRef('evses.id', '=', 'reservations.evse_uid'))
        .leftJoin('charge_points', (j) => j.onRef('charge_points.tenant_id', '=', 'evses.tenant_id').onRef('charge_points.id', '=', 'evses.charge_point_id'))
        .select([
          'reservations.status',
          'reservations.charger_status',
          'reservations.ends_at',
          'reservations.ocpp_reservation_id',
          'reservations.driver_id',
          'evses.capabilities',
          'evses.ocpp_connector_id',
          'charge_points.identity',
        ])
        .where('reservations.tenant_id', '=', tenantId)
        .where('reservations.id', '=', reservationId)
        .executeTakeFirst(),
    );
    if (!target) return;
    const record = (charger_status: ReservationRow['charger_status'], whenStatus: ReservationStatus) =>
      this.scopes.tenant(tenantId, (tx) =>
        tx
          .updateTable('reservations')
          .set({ charger_status, updated_at: new Date() })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', reservationId)
          .where('status', '=', whenStatus)
          .execute(),
      );

    if (target.status === 'ACTIVE') {
      if (!target.identity || !target.ocpp_connector_id || !target.capabilities.includes('RESERVABLE')) return void (await record('not_reservable', 'ACTIVE'));
      const idToken = await this.idTags.primaryOf(target.driver_id);
      if (!idToken) return void (await record('no_id_tag', 'ACTIVE'));
      try {
        const answer = await this.commands.send(
          target.identity,
          {
            kind: 'reserve',
            connector: target.ocpp_connector_id,
            expiresAt: target.ends_at.toISOString(),
            idToken,
            reservationId: target.ocpp_reservation_id,
          },
          15_000,
        );
        await record(answer.accepted ? 'accepted' : 'rejected', 'ACTIVE');
      } catch (error) {
        // The platform still holds the EVSE; an offline charger simply does not know.
        if (error instanceof ChargePointOffline) return void (await record('offline', 'ACTIVE'));
        throw error;
      }
      return;
    }
    if (TERMINAL.includes(target.status) && target.status !== 'FULFILLED' && target.charger_status === 'accepted' && target.identity) {
      try {
        await this.commands.send(target.identity, { kind: 'cancelReservation', reservationId: target.ocpp_reservation_id }, 15_000);
        // Rejected means the charger no longer has it (it expired there): the same end state.
        await record('cancelled', target.status);
      } catch (error) {
        // Keep trying while the charger is away; after the last attempt its own expiry clears it.
        if (mayRetry) throw error;
        this.logger.warn({ reservation_id: reservationId }, 'the cancellation never reached the charger; it expires there on its own');
      }
    }
  }
}
