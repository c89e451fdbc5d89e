import type { Tx } from '../db/tenancy.js';
import { scheduleJob } from '../jobs/job-runner.js';
import { newId } from '../shared/ids.js';

export const matchesFilter = (filters: string[], type: string) =>
  filters.length === 0 || filters.some((f) => f === type || f === '*' || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));

/**
 * Queues an event for every endpoint of the network that listens for it, in the caller's
 * transaction (the outbox), with a job each to deliver it.
 */
export async function enqueueWebhookDeliveries(tx: Tx, tenantId: string, event: { id: string; type: string; body: string }): Promise<void> {
  const endpoints = await tx
    .selectFrom('webhook_endpoints')
    .select(['id', 'events'])
    .where('tenant_id', '=', tenantId)
    .where('disabled_at', 'is', null)
    .execute();
  for (const endpoint of endpoints) {
    if (!matchesFilter(endpoint.events, event.type)) continue;
    const id = newId('whd');
    await tx
      .insertInto('webhook_deliveries')
      .values({ tenant_id: tenantId, id, endpoint_id: endpoint.id, event_id: event.id, event_type: event.type, payload: event.body })
      .execute();
    await scheduleJob(tx, { kind: 'webhook.deliver', key: `webhook.deliver:${id}`, tenantId, payload: { delivery_id: id }, maxAttempts: 8 });
  }
}
