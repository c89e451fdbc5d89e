import { Body, Controller, Get, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { partnerOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointRequest } from './webhooks.model.js';

/** What this controller uses of the platform's services. */
type PartnerWebhooksPorts = Pick<Services, 'webhooks'>;

const PARTNERS_ONLY = 'Partner webhook endpoints belong to an automaker, city or utility: use its key.';

@Route('v1/partner/webhook-endpoints')
@Tags('Webhooks')
export class PartnerWebhooksController extends Controller {
  constructor(private readonly services: PartnerWebhooksPorts) {
    super();
  }

  /**
   * Registers an endpoint of your own (a partner's key): `incident.opened`, `incident.updated`,
   * `incident.resolved` at the published stations of every network that shares them, and
   * `ticket.created`, `ticket.updated`, `ticket.message` for the tickets you opened. Signed and
   * retried like a network's deliveries; the secret is shown here once.
   */
  @Post()
  @Security('bearer', ['public:read'])
  @SuccessResponse(201, 'Created')
  @Response<ProblemDocument>(403, 'Not a partner key')
  @Response<ProblemDocument>(422, 'Unknown event type or bad URL')
  async create(@Request() req: ExpressRequest, @Body() body: WebhookEndpointRequest): Promise<CreatedWebhookEndpoint> {
    const endpoint = await this.services.webhooks.createForPartner(partnerOf(principalOf(req), PARTNERS_ONLY), body);
    this.setStatus(201);
    return endpoint;
  }

  @Get()
  @Security('bearer', ['public:read'])
  async list(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<WebhookEndpoint>> {
    return this.services.webhooks.partnerEndpoints(partnerOf(principalOf(req), PARTNERS_ONLY), pageRequest(limit, cursor));
  }

  /** Stops deliveries to the endpoint. */
  @Post('{endpoint_id}/disable')
  @Security('bearer', ['public:read'])
  async disable(@Request() req: ExpressRequest, @Path() endpoint_id: ResourceId): Promise<WebhookEndpoint> {
    return this.services.webhooks.disableForPartner(partnerOf(principalOf(req), PARTNERS_ONLY), endpoint_id);
  }

  /** The delivery log: each event, its attempts and the last answer. */
  @Get('{endpoint_id}/deliveries')
  @Security('bearer', ['public:read'])
  async deliveries(
    @Request() req: ExpressRequest,
    @Path() endpoint_id: ResourceId,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<WebhookDelivery>> {
    return this.services.webhooks.partnerDeliveries(partnerOf(principalOf(req), PARTNERS_ONLY), endpoint_id, pageRequest(limit, cursor));
  }
}
