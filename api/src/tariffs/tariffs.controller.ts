import { Body, Controller, Get, Path, Post, Query, Request, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import { problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { PricePreview, Tariff, TariffInput } from './tariffs.model.js';

/** What this controller uses of the platform's services. */
type TariffsPorts = Pick<Services, 'tariffs'>;

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

  @Get('tariffs')
  @Security('bearer', ['network:read'])
  async list(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<Tariff>> {
    return this.services.tariffs.list(tenantOf(principalOf(req)), pageRequest(limit, cursor));
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
