import type { Tx } from '../db/tenancy.js';
import { scheduleJobs } from '../jobs/job-runner.js';
import { newId } from '../shared/ids.js';

export const matchesFilter = (filters: string[], type: string) =>
  filters.length === 0 || filters.some((f) => f === type || f === '*' || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));

/** An event as every webhook receives it: `{ id, type, created_at, network_id, data }`, under one id. */
export function webhookEvent(tenantId: string, type: string, data: unknown, at: Date, id = newId('evt')): { id: string; type: string; body: string } {
  return { id, type, body: JSON.stringify({ id, type, created_at: at.toISOString(), network_id: tenantId, data }) };
}

/**
 * Queues an event for every endpoint of the network that listens for it, in the caller's
 * transaction (the outbox), with a job each to deliver it.
 */
export function enqueueWebhookDeliveries(tx: Tx, tenantId: string, event: { id: string; type: string; body: string }): Promise<void> {
  return enqueueWebhookBatch(tx, tenantId, [event]);
}

/** Many events at once (an outage opening an incident per site): the endpoints read once, the deliveries written together. */
export async function enqueueWebhookBatch(tx: Tx, tenantId: string, events: { id: string; type: string; body: string }[]): Promise<void> {
  if (events.length === 0) return;
  const endpoints = await tx
    .selectFrom('webhook_endpoints')
    .select(['id', 'events'])
    .where('tenant_id', '=', tenantId)
    .where('disabled_at', 'is', null)
    .execute();
  const deliveries = endpoints.flatMap((endpoint) =>
    events
      .filter((event) => matchesFilter(endpoint.events, event.type))
      .map((event) => ({ tenant_id: tenantId, id: newId('whd'), endpoint_id: endpoint.id, event_id: event.id, event_type: event.type, payload: event.body })),
  );
  if (deliveries.length === 0) return;
  await tx.insertInto('webhook_deliveries').values(deliveries).execute();
  await scheduleJobs(
    tx,
    deliveries.map((d) => ({ kind: 'webhook.deliver', key: `webhook.deliver:${d.id}`, tenantId, payload: { delivery_id: d.id }, maxAttempts: 8 })),
  );
}
