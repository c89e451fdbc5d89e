import type { Scopes } from '../db/tenancy.js';
import type { LocationsService } from '../locations/locations.service.js';
import { writeThenPublish } from '../realtime/after-commit.js';
import type { EventBus } from '../realtime/events.js';
import { newId } from '../shared/ids.js';
import type { StatusReport } from './charging.model.js';

interface PendingStatus {
  chargePointId: string;
  report: StatusReport;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const STATUS_BATCH = 500;

/**
 * Connector statuses from chargers, written in batches: the reports of one network that arrive
 * in the same turn of the event loop share a transaction (a busy gateway sends thousands a
 * second); a report that fails is retried alone so it cannot fail the others.
 */
export class StatusReports {
  constructor(
    private readonly scopes: Scopes,
    private readonly locations: LocationsService,
    private readonly bus: EventBus | undefined,
  ) {}

  private readonly statusQueues = new Map<string, { pending: PendingStatus[]; running?: Promise<void> }>();

  /**
   * A connector's status: faults are kept; the EVSE's status goes through the availability rule.
   * Reports arriving together for a network are written in one transaction (a busy gateway
   * sends thousands a second); each call resolves once its report is committed.
   */
  report(tenantId: string, chargePointId: string, report: StatusReport): Promise<void> {
    return new Promise((resolve, reject) => {
      let queue = this.statusQueues.get(tenantId);
      if (!queue) {
        queue = { pending: [] };
        this.statusQueues.set(tenantId, queue);
      }
      queue.pending.push({ chargePointId, report, resolve, reject });
      queue.running ??= this.drainStatuses(tenantId, queue);
    });
  }

  private async drainStatuses(tenantId: string, queue: { pending: PendingStatus[]; running?: Promise<void> }): Promise<void> {
    // Reports that arrive in the same turn of the event loop join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.pending.length) {
      const batch = queue.pending.splice(0, STATUS_BATCH);
      try {
        await this.applyReports(tenantId, batch);
        for (const p of batch) p.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        // One bad report must not fail the others: retry them one by one.
        else
          for (const p of batch) {
            await this.applyReports(tenantId, [p]).then(p.resolve, p.reject);
          }
      }
    }
    queue.running = undefined;
  }

  private applyReports(tenantId: string, batch: PendingStatus[]): Promise<void> {
    return writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const faults = batch.filter((p) => p.report.fault && p.report.fault.errorCode !== 'NoError');
      if (faults.length) {
        await tx
          .insertInto('evse_faults')
          .values(
            faults.map(({ chargePointId, report }) => ({
              tenant_id: tenantId,
              id: newId('flt'),
              charge_point_id: chargePointId,
              connector_id: report.connectorId,
              error_code: report.fault?.errorCode as string,
              info: report.fault?.info ?? null,
              vendor_id: report.fault?.vendorId ?? null,
              vendor_error_code: report.fault?.vendorErrorCode ?? null,
              occurred_at: report.at,
            })),
          )
          .execute();
      }
      const evses = await tx
        .selectFrom('evses')
        .select(['id', 'charge_point_id', 'ocpp_connector_id'])
        .where('tenant_id', '=', tenantId)
        .where('charge_point_id', 'in', [...new Set(batch.map((p) => p.chargePointId))])
        .where('status', '<>', 'REMOVED')
        .execute();
      const updates = batch.flatMap(({ chargePointId, report }) => {
        // Connector 0 speaks for the whole charge point only when it is out of service.
        if (report.connectorId === 0 && !['INOPERATIVE', 'OUTOFORDER'].includes(report.status)) return [];
        return evses
          .filter((e) => e.charge_point_id === chargePointId && (report.connectorId === 0 || e.ocpp_connector_id === report.connectorId))
          .map((e) => ({ evseUid: e.id, status: report.status, at: report.at }));
      });
      emit(...(await this.locations.applyStatuses(tx, tenantId, updates)));
    });
  }
}
