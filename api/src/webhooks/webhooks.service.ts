import { randomToken } from '../auth/secrets.js';
import type { Scopes } from '../db/tenancy.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { DRIVER_EVENT_TYPES, PLATFORM_EVENT_TYPES } from '../realtime/events.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import { SIGNATURE_HEADER, signPayload } from './signature.js';
import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointRequest } from './webhooks.model.js';

const EVENT_TYPES: readonly string[] = [...DRIVER_EVENT_TYPES, ...PLATFORM_EVENT_TYPES];

function toEndpoint(r: { id: string; url: string; events: string[]; description: string | null; disabled_at: Date | null; created_at: Date }): WebhookEndpoint {
  return { id: r.id, url: r.url, events: r.events, description: r.description, disabled: r.disabled_at !== null, created_at: r.created_at };
}

/** Partners hear of incidents at the stations they can see and of the tickets they opened. */
export const PARTNER_EVENT_TYPES: readonly string[] = PLATFORM_EVENT_TYPES.filter(
  (t) => t.startsWith('incident.') || ['ticket.created', 'ticket.updated', 'ticket.message'].includes(t),
);

/** The events asked for (known types, `prefix.*` or `*`) and a URL that parses; 422 naming the field otherwise. */
function checkEndpoint(input: WebhookEndpointRequest, known: readonly string[]): string[] {
  const events = input.events ?? [];
  const prefixes = new Set(known.map((t) => t.split('.')[0]));
  const unknown = events.filter((e) => e !== '*' && !known.includes(e) && !(e.endsWith('.*') && prefixes.has(e.slice(0, -2))));
  if (unknown.length) throw fail.invalid([{ field: 'events', message: `unknown event types: ${unknown.join(', ')}` }]);
  try {
    new URL(input.url);
  } catch {
    throw fail.invalid([{ field: 'url', message: 'is not a URL' }]);
  }
  return events;
}

type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** A network's webhook endpoints, partners' endpoints, and the signed delivery of events to them. */
export class WebhooksService {
  constructor(
    private readonly scopes: Scopes,
    private readonly timeoutMs = 10_000,
  ) {}

  async create(tenantId: string, input: WebhookEndpointRequest): Promise<CreatedWebhookEndpoint> {
    const events = checkEndpoint(input, EVENT_TYPES);
    const secret = `whsec_${randomToken(24)}`;
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('webhook_endpoints')
        .values({ tenant_id: tenantId, id: newId('whe'), url: input.url, secret, events, description: input.description ?? null })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return { ...toEndpoint(row), secret };
  }

  list(tenantId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('webhook_endpoints')
            .select(['id', 'url', 'events', 'description', 'disabled_at', 'created_at'])
            .where('tenant_id', '=', tenantId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      toEndpoint,
    );
  }

  /** Stops deliveries to an endpoint; pending ones are given up. */
  async disable(tenantId: string, id: string): Promise<WebhookEndpoint> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('webhook_endpoints')
        .set({ disabled_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returning(['id', 'url', 'events', 'description', 'disabled_at', 'created_at'])
        .executeTakeFirst(),
    );
    if (!row) throw fail.notFound('webhook endpoint', id);
    return toEndpoint(row);
  }

  /** The delivery log of an endpoint, newest first. */
  async deliveries(tenantId: string, endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, async (tx) => {
          const exists = await tx
            .selectFrom('webhook_endpoints')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('id', '=', endpointId)
            .executeTakeFirst();
          if (!exists) throw fail.notFound('webhook endpoint', endpointId);
          return tx
            .selectFrom('webhook_deliveries')
            .select(['id', 'event_id', 'event_type', 'status', 'attempts', 'response_status', 'last_error', 'delivered_at', 'created_at'])
            .where('tenant_id', '=', tenantId)
            .where('endpoint_id', '=', endpointId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute();
        }),
      (r) => r,
    );
  }

  /**
   * One delivery attempt. A 2xx marks it delivered; anything else is recorded in the log and
   * thrown, so the job runner retries with backoff until the last attempt marks it failed.
   */
  async deliver(tenantId: string, deliveryId: string, attempt: number, maxAttempts: number): Promise<void> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', (j) =>
          j.onRef('webhook_endpoints.tenant_id', '=', 'webhook_deliveries.tenant_id').onRef('webhook_endpoints.id', '=', 'webhook_deliveries.endpoint_id'),
        )
        .select([
          'webhook_deliveries.id',
          'webhook_deliveries.status',
          'webhook_deliveries.payload',
          'webhook_endpoints.url',
          'webhook_endpoints.secret',
          'webhook_endpoints.disabled_at',
        ])
        .where('webhook_deliveries.tenant_id', '=', tenantId)
        .where('webhook_deliveries.id', '=', deliveryId)
        .executeTakeFirst(),
    );
    if (row?.status !== 'PENDING') return;
    if (row.disabled_at) return this.record(tenantId, deliveryId, { status: 'FAILED', last_error: 'endpoint disabled' });
    const sent = await this.post(row.url, row.secret, row.payload);
    if (sent.ok) {
      await this.record(tenantId, deliveryId, {
        status: 'DELIVERED',
        response_status: sent.status,
        last_error: null,
        delivered_at: new Date(),
        attempts: attempt,
      });
      return;
    }
    const final = attempt >= maxAttempts;
    await this.record(tenantId, deliveryId, { status: final ? 'FAILED' : 'PENDING', response_status: sent.status, last_error: sent.error, attempts: attempt });
    if (!final) throw new Error(`webhook delivery ${deliveryId} failed: ${sent.error}`);
  }

  /** One signed POST of an event's body: 2xx is delivered, anything else (or no answer in time) is not. */
  private async post(url: string, secret: string, payload: unknown): Promise<Attempt> {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Voltshare-Webhooks/1', [SIGNATURE_HEADER]: signPayload(secret, body) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
      await response.body?.cancel();
      return response.ok ? { ok: true, status: response.status } : { ok: false, status: response.status, error: `HTTP ${response.status}` };
    } catch (e) {
      return { ok: false, status: null, error: e instanceof Error ? (e.name === 'TimeoutError' ? 'timed out' : e.message) : String(e) };
    }
  }

  async createForPartner(partnerId: string, input: WebhookEndpointRequest): Promise<CreatedWebhookEndpoint> {
    const events = checkEndpoint(input, PARTNER_EVENT_TYPES);
    const secret = `whsec_${randomToken(24)}`;
    const row = await this.scopes.system((tx) =>
      tx
        .insertInto('partner_webhook_endpoints')
        .values({ partner_id: partnerId, id: newId('wpe'), url: input.url, secret, events, description: input.description ?? null })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return { ...toEndpoint(row), secret };
  }

  partnerEndpoints(partnerId: string, page: PageRequest): Promise<Page<WebhookEndpoint>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.system((tx) =>
          tx
            .selectFrom('partner_webhook_endpoints')
            .select(['id', 'url', 'events', 'description', 'disabled_at', 'created_at'])
            .where('partner_id', '=', partnerId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      toEndpoint,
    );
  }

  async disableForPartner(partnerId: string, id: string): Promise<WebhookEndpoint> {
    const row = await this.scopes.system((tx) =>
      tx
        .updateTable('partner_webhook_endpoints')
        .set({ disabled_at: new Date() })
        .where('partner_id', '=', partnerId)
        .where('id', '=', id)
        .returning(['id', 'url', 'events', 'description', 'disabled_at', 'created_at'])
        .executeTakeFirst(),
    );
    if (!row) throw fail.notFound('webhook endpoint', id);
    return toEndpoint(row);
  }

  async partnerDeliveries(partnerId: string, endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    const exists = await this.scopes.system((tx) =>
      tx.selectFrom('partner_webhook_endpoints').select('id').where('partner_id', '=', partnerId).where('id', '=', endpointId).executeTakeFirst(),
    );
    if (!exists) throw fail.notFound('webhook endpoint', endpointId);
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.system((tx) =>
          tx
            .selectFrom('partner_webhook_deliveries')
            .select(['id', 'event_id', 'event_type', 'status', 'attempts', 'response_status', 'last_error', 'delivered_at', 'created_at'])
            .where('partner_id', '=', partnerId)
            .where('endpoint_id', '=', endpointId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      (r) => r,
    );
  }

  /** One attempt at a partner's delivery, retried like a network's. */
  async deliverToPartner(deliveryId: string, attempt: number, maxAttempts: number): Promise<void> {
    const row = await this.scopes.system((tx) =>
      tx
        .selectFrom('partner_webhook_deliveries')
        .innerJoin('partner_webhook_endpoints', 'partner_webhook_endpoints.id', 'partner_webhook_deliveries.endpoint_id')
        .select([
          'partner_webhook_deliveries.status',
          'partner_webhook_deliveries.payload',
          'partner_webhook_endpoints.url',
          'partner_webhook_endpoints.secret',
          'partner_webhook_endpoints.disabled_at',
        ])
        .where('partner_webhook_deliveries.id', '=', deliveryId)
        .executeTakeFirst(),
    );
    if (row?.status !== 'PENDING') return;
    const record = (values: {
      status: 'PENDING' | 'DELIVERED' | 'FAILED';
      response_status?: number | null;
      last_error: string | null;
      delivered_at?: Date;
      attempts?: number;
    }) =>
      this.scopes.system((tx) =>
        tx
          .updateTable('partner_webhook_deliveries')
          .set({ ...values, updated_at: new Date() })
          .where('id', '=', deliveryId)
          .execute(),
      );
    if (row.disabled_at) {
      await record({ status: 'FAILED', last_error: 'endpoint disabled' });
      return;
    }
    const sent = await this.post(row.url, row.secret, row.payload);
    if (sent.ok) {
      await record({ status: 'DELIVERED', response_status: sent.status, last_error: null, delivered_at: new Date(), attempts: attempt });
      return;
    }
    const final = attempt >= maxAttempts;
    await record({ status: final ? 'FAILED' : 'PENDING', response_status: sent.status, last_error: sent.error, attempts: attempt });
    if (!final) throw new Error(`partner webhook delivery ${deliveryId} failed: ${sent.error}`);
  }

  private async record(
    tenantId: string,
    deliveryId: string,
    values: { status: 'PENDING' | 'DELIVERED' | 'FAILED'; response_status?: number | null; last_error: string | null; delivered_at?: Date; attempts?: number },
  ): Promise<void> {
    await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('webhook_deliveries')
        .set({ ...values, updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', deliveryId)
        .execute(),
    );
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register('webhook.deliver', async (payload: { delivery_id: string }, ctx) => {
      if (!ctx.tenantId) throw new Error('webhook job without a tenant');
      await this.deliver(ctx.tenantId, payload.delivery_id, ctx.attempt, ctx.maxAttempts);
    });
    jobs.register('webhook.deliver_partner', (payload: { delivery_id: string }, ctx) =>
      this.deliverToPartner(payload.delivery_id, ctx.attempt, ctx.maxAttempts),
    );
  }
}
