import type { Tx } from '../db/tenancy.js';

/** A network's charger frames older than `before` (the message log's own limit still applies to every network). */
export async function pruneChargerMessages(tx: Tx, tenantId: string, before: Date): Promise<number> {
  const result = await tx.deleteFrom('ocpp_messages').where('tenant_id', '=', tenantId).where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The meter readings of a network's sessions that ended before `before`: their energy and cost stay on the session. */
export async function pruneMeterReadings(tx: Tx, tenantId: string, before: Date): Promise<number> {
  const result = await tx
    .deleteFrom('meter_samples')
    .where('tenant_id', '=', tenantId)
    .where('session_id', 'in', (eb) =>
      eb.selectFrom('charging_sessions').select('id').where('tenant_id', '=', tenantId).where('status', '=', 'COMPLETED').where('stopped_at', '<', before),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
