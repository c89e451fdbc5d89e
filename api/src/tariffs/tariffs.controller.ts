import { Body, Controller, Get, Path, Post, Put, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import { type ProblemDocument, problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { SessionCost } from './pricing.js';
import type { DynamicDay, DynamicPricing, DynamicPricingInput, PricePreview, Tariff, TariffInput, TariffQuoteInput } from './tariffs.model.js';

/** What this controller uses of the platform's services. */
type TariffsPorts = Pick<Services, 'tariffs' | 'flows'>;

@Route('v1')
@Tags('Tariffs')
export class TariffsController extends Controller {
  constructor(private readonly services: TariffsPorts) {
    super();
  }

  /** Creates a tariff: OCPI elements (time of use, idle fees, kWh tiers…) or simple prices. Assign it to connectors through their EVSE. */
  @Post('tariffs')
  @Security('bearer', ['network:write'])
  @SuccessResponse(201, 'Created')
  async create(@Request() req: ExpressRequest, @Body() body: TariffInput): Promise<Tariff> {
    const tariff = await this.services.tariffs.create(tenantOf(principalOf(req)), body);
    this.setStatus(201);
    return tariff;
  }

  /** What an example session would cost under a draft tariff, before it is created: the editor's price preview. */
  @Post('tariffs/quote')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(422, 'The draft tariff or the example session is invalid')
  async quote(@Body() body: TariffQuoteInput): Promise<SessionCost> {
    return this.services.tariffs.quote(body);
  }

  @Get('tariffs')
  @Security('bearer', ['network:read'])
  async list(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<Tariff>> {
    return this.services.tariffs.list(tenantOf(principalOf(req)), pageRequest(limit, cursor));
  }

  /**
   * Dynamic off-peak pricing for a tariff: a discount in hours its sites are forecast quiet, a
   * surcharge at forecast peaks, within bounds. Each evening the next day's prices are published as
   * OCPI elements restricted to that date (so the price shown before a session is what is charged,
   * and nothing announced changes); `held` stops further publishing.
   */
  @Put('tariffs/{tariff_id}/dynamic-pricing')
  @Security('bearer', ['network:write'])
  @Response<ProblemDocument>(422, 'Invalid rules')
  async setDynamicPricing(@Request() req: ExpressRequest, @Path() tariff_id: ResourceId, @Body() body: DynamicPricingInput): Promise<DynamicPricing> {
    return this.services.tariffs.setDynamicPricing(tenantOf(principalOf(req)), tariff_id, body);
  }

  @Get('tariffs/{tariff_id}/dynamic-pricing')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(404, 'No dynamic pricing for this tariff')
  async dynamicPricing(@Request() req: ExpressRequest, @Path() tariff_id: ResourceId): Promise<DynamicPricing> {
    return this.services.tariffs.dynamicPricing(tenantOf(principalOf(req)), tariff_id);
  }

  /** Tomorrow's prices as the rules and the forecast make them, hour by hour, before they are published. */
  @Get('tariffs/{tariff_id}/dynamic-pricing/preview')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(404, 'No dynamic pricing for this tariff')
  async previewDynamicDay(@Request() req: ExpressRequest, @Path() tariff_id: ResourceId): Promise<DynamicDay> {
    return this.services.flows.dynamicPricing.preview(tenantOf(principalOf(req)), tariff_id);
  }

  /** Publishes tomorrow's prices now, as previewed (otherwise the evening run does). */
  @Post('tariffs/{tariff_id}/dynamic-pricing/publish')
  @Security('bearer', ['network:operate'])
  @Response<ProblemDocument>(409, 'Held')
  async publishDynamicDay(@Request() req: ExpressRequest, @Path() tariff_id: ResourceId): Promise<DynamicDay> {
    return this.services.flows.dynamicPricing.publish(tenantOf(principalOf(req)), tariff_id);
  }

  @Get('tariffs/{tariff_id}')
  @Security('bearer', ['network:read'])
  async get(@Request() req: ExpressRequest, @Path() tariff_id: ResourceId): Promise<Tariff> {
    return this.services.tariffs.get(tenantOf(principalOf(req)), tariff_id);
  }

  /**
   * The price of charging at this EVSE if the session starts at `at` (default now): every price
   * component, VAT included, before the session begins (EU AFIR).
   */
  @Get('evses/{evse_uid}/price-preview')
  @Security('bearer', ['public:read'])
  async preview(@Request() req: ExpressRequest, @Path() evse_uid: ResourceId, @Query() at?: Date): Promise<PricePreview> {
    if (at && Number.isNaN(at.getTime())) throw problems.validation([{ field: 'query.at', message: 'must be a date-time' }]);
    return this.services.tariffs.preview(principalOf(req).tenantId, evse_uid, at ?? new Date());
  }
}
