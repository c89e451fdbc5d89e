import type { Tx } from '../db/tenancy.js';
import { newId } from '../shared/ids.js';

/** Faults the platform finds itself, beside those chargers report (vendor `voltshare`). */
export type PlatformFaultCode = 'PowerLimitIgnored';

const REPEAT_AFTER_MS = 3_600_000;

/**
 * Records a fault the platform detected at a connector, in the caller's transaction; the same
 * fault at the same connector is recorded once an hour at most (a step every 5 minutes would
 * otherwise repeat it).
 */
export async function recordPlatformFault(
  tx: Tx,
  fault: { tenantId: string; chargePointId: string; connectorId: number; code: PlatformFaultCode; info: string; at: Date },
): Promise<boolean> {
  const recent = await tx
    .selectFrom('evse_faults')
    .select('id')
    .where('tenant_id', '=', fault.tenantId)
    .where('charge_point_id', '=', fault.chargePointId)
    .where('connector_id', '=', fault.connectorId)
    .where('error_code', '=', fault.code)
    .where('occurred_at', '>', new Date(fault.at.getTime() - REPEAT_AFTER_MS))
    .executeTakeFirst();
  if (recent) return false;
  await tx
    .insertInto('evse_faults')
    .values({
      tenant_id: fault.tenantId,
      id: newId('flt'),
      charge_point_id: fault.chargePointId,
      connector_id: fault.connectorId,
      error_code: fault.code,
      info: fault.info.slice(0, 500),
      vendor_id: 'voltshare',
      vendor_error_code: null,
      occurred_at: fault.at,
    })
    .execute();
  return true;
}
