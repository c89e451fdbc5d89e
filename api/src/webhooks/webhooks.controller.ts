import { Body, Controller, Get, Path, Post, Query, Request, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointRequest } from './webhooks.model.js';

/** What this controller uses of the platform's services. */
type WebhooksPorts = Pick<Services, 'webhooks'>;

@Route('v1/webhook-endpoints')
@Tags('Webhooks')
export class WebhooksController extends Controller {
  constructor(private readonly services: WebhooksPorts) {
    super();
  }

  /**
   * Registers an endpoint for the network's events. Deliveries are POSTed with a
   * `Voltshare-Signature` header (HMAC-SHA256 with the secret returned here, once) and retried
   * with backoff until they get a 2xx.
   */
  @Post()
  @Security('bearer', ['network:write'])
  @SuccessResponse(201, 'Created')
  async create(@Request() req: ExpressRequest, @Body() body: WebhookEndpointRequest): Promise<CreatedWebhookEndpoint> {
    const endpoint = await this.services.webhooks.create(tenantOf(principalOf(req)), body);
    this.setStatus(201);
    return endpoint;
  }

  @Get()
  @Security('bearer', ['network:read'])
  async list(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<WebhookEndpoint>> {
    return this.services.webhooks.list(tenantOf(principalOf(req)), pageRequest(limit, cursor));
  }

  /** Stops deliveries to the endpoint. */
  @Post('{endpoint_id}/disable')
  @Security('bearer', ['network:write'])
  async disable(@Request() req: ExpressRequest, @Path() endpoint_id: ResourceId): Promise<WebhookEndpoint> {
    return this.services.webhooks.disable(tenantOf(principalOf(req)), endpoint_id);
  }

  /** The delivery log: each event, its attempts and the last answer. */
  @Get('{endpoint_id}/deliveries')
  @Security('bearer', ['network:read'])
  async deliveries(
    @Request() req: ExpressRequest,
    @Path() endpoint_id: ResourceId,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<WebhookDelivery>> {
    return this.services.webhooks.deliveries(tenantOf(principalOf(req)), endpoint_id, pageRequest(limit, cursor));
  }
}
