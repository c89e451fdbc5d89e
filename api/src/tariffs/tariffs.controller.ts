import { Body, Controller, Get, Post, Query, Request, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { Services } from '../server/services.js';
import type { Tariff, TariffInput } from './tariffs.model.js';

@Route('v1/tariffs')
@Tags('Tariffs')
export class TariffsController extends Controller {
  constructor(private readonly services: Services) {
    super();
  }

  @Post()
  @Security('bearer', ['network:write'])
  @SuccessResponse(201, 'Created')
  async create(@Request() req: ExpressRequest, @Body() body: TariffInput): Promise<Tariff> {
    const tariff = await this.services.tariffs.create(tenantOf(principalOf(req)), body);
    this.setStatus(201);
    return tariff;
  }

  @Get()
  @Security('bearer', ['network:read'])
  async list(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: string): Promise<Page<Tariff>> {
    return this.services.tariffs.list(tenantOf(principalOf(req)), pageRequest(limit, cursor));
  }
}
