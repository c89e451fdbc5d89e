import { pruneChargerMessages, pruneMeterReadings } from '../charging/retention.js';
import type { Scopes } from '../db/tenancy.js';
import type { DataClass } from '../privacy/privacy.tables.js';
import type { RetentionEnforcer } from '../privacy/retention.service.js';
import { wipeClosedTickets } from '../support/retention.js';

/** A network's retention, each module dropping or wiping its own data past the cutoff, in one transaction. */
export class RetentionFlow implements RetentionEnforcer {
  constructor(private readonly scopes: Scopes) {}

  enforce(tenantId: string, cutoffs: Record<DataClass, Date>): Promise<Record<DataClass, number>> {
    return this.scopes.tenant(tenantId, async (tx) => ({
      charger_messages: await pruneChargerMessages(tx, tenantId, cutoffs.charger_messages),
      meter_readings: await pruneMeterReadings(tx, tenantId, cutoffs.meter_readings),
      closed_tickets: await wipeClosedTickets(tx, tenantId, cutoffs.closed_tickets),
    }));
  }
}
