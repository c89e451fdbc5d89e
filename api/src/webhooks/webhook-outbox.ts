import type { Tx } from '../db/tenancy.js';
import { scheduleJobs } from '../jobs/job-runner.js';
import { newId } from '../shared/ids.js';

export const matchesFilter = (filters: string[], type: string) =>
  filters.length === 0 || filters.some((f) => f === type || f === '*' || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));

/**
 * An event as every webhook receives it: `{ id, type, created_at, network_id, data }`, under one id.
 * `partners` says which partners' endpoints get it too: all (`'public'`, e.g. an incident at a
 * published station) or the ones named (the partner who opened a ticket); none by default.
 */
export interface WebhookEvent {
  id: string;
  type: string;
  body: string;
  partners?: 'public' | string[];
}

export function webhookEvent(tenantId: string, type: string, data: unknown, at: Date, id = newId('evt')): WebhookEvent {
  return { id, type, body: JSON.stringify({ id, type, created_at: at.toISOString(), network_id: tenantId, data }) };
}

/**
 * Queues an event for every endpoint of the network that listens for it, in the caller's
 * transaction (the outbox), with a job each to deliver it.
 */
export function enqueueWebhookDeliveries(tx: Tx, tenantId: string, event: WebhookEvent): Promise<void> {
  return enqueueWebhookBatch(tx, tenantId, [event]);
}

/** Many events at once (an outage opening an incident per site): the endpoints read once, the deliveries written together. */
export async function enqueueWebhookBatch(tx: Tx, tenantId: string, events: WebhookEvent[]): Promise<void> {
  if (events.length === 0) return;
  await enqueuePartnerDeliveries(tx, tenantId, events);
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

/** The partners' side of the outbox: their listening endpoints read (never their secrets), deliveries queued. */
async function enqueuePartnerDeliveries(tx: Tx, tenantId: string, events: WebhookEvent[]): Promise<void> {
  const forPartners = events.filter((e) => e.partners === 'public' || (e.partners?.length ?? 0) > 0);
  if (forPartners.length === 0) return;
  const named = [...new Set(forPartners.flatMap((e) => (Array.isArray(e.partners) ? e.partners : [])))];
  const anyPublic = forPartners.some((e) => e.partners === 'public');
  const endpoints = await tx
    .selectFrom('partner_webhook_endpoints')
    .select(['id', 'partner_id', 'events'])
    .where('disabled_at', 'is', null)
    .$if(!anyPublic, (q) => q.where('partner_id', 'in', named))
    .execute();
  const deliveries = endpoints.flatMap((endpoint) =>
    forPartners
      .filter((event) => (event.partners === 'public' || event.partners?.includes(endpoint.partner_id)) && matchesFilter(endpoint.events, event.type))
      .map((event) => ({
        partner_id: endpoint.partner_id,
        id: newId('pwd'),
        endpoint_id: endpoint.id,
        tenant_id: tenantId,
        event_id: event.id,
        event_type: event.type,
        payload: event.body,
      })),
  );
  if (deliveries.length === 0) return;
  await tx.insertInto('partner_webhook_deliveries').values(deliveries).execute();
  await scheduleJobs(
    tx,
    deliveries.map((d) => ({
      kind: 'webhook.deliver_partner',
      key: `webhook.deliver_partner:${d.id}`,
      tenantId,
      payload: { delivery_id: d.id },
      maxAttempts: 8,
    })),
  );
}
