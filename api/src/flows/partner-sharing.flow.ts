import type { AuditService } from '../audit/audit.service.js';
import type { ChargingService } from '../charging/charging.service.js';
import type { ConsentsService } from '../privacy/consents.service.js';
import type { Page, PageRequest } from '../shared/pagination.js';

/** A driver's session as a partner they share with sees it: no card number, no network-internal ids. */
export interface SharedSession {
  id: string;
  driver_id: string;
  network_id: string;
  evse_uid: string | null;
  started_at: Date;
  stopped_at: Date | null;
  energy_wh: number;
  cost: { amount: number; currency: string } | null;
}

/**
 * What an automaker sees of the drivers who chose to share with it (privacy's consents): their
 * charging sessions at every network, and nothing of anyone else's; a withdrawal applies to the
 * next request. Each page read is in the audit trail of the networks whose sessions it showed.
 */
export class PartnerSharingFlow {
  constructor(
    private readonly consents: Pick<ConsentsService, 'sharingWith'>,
    private readonly charging: Pick<ChargingService, 'driversSessions'>,
    private readonly audit: Pick<AuditService, 'recordRead'>,
  ) {}

  async sessions(partnerId: string, keyId: string | undefined, page: PageRequest): Promise<Page<SharedSession>> {
    const drivers = await this.consents.sharingWith(partnerId);
    const found = await this.charging.driversSessions(drivers, page);
    const byNetwork = new Map<string, (string | null)[]>();
    for (const s of found.data) byNetwork.set(s.network_id, [...(byNetwork.get(s.network_id) ?? []), s.driver_id]);
    for (const [networkId, driverIds] of byNetwork)
      await this.audit.recordRead(networkId, { keyId }, { type: 'partner_shared_sessions', id: partnerId }, driverIds);
    return {
      next_cursor: found.next_cursor,
      data: found.data.map((s) => ({
        id: s.id,
        driver_id: s.driver_id as string,
        network_id: s.network_id,
        evse_uid: s.evse_uid,
        started_at: s.started_at,
        stopped_at: s.stopped_at,
        energy_wh: s.energy_wh,
        cost: s.cost,
      })),
    };
  }
}
