import { Body, Controller, Get, Patch, Path, Post, Query, Request, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { ChargePoint, ChargePointInput, ChargePointUpdate } from './charge-points.model.js';

/** What this controller uses of the platform's services. */
type ChargePointsPorts = Pick<Services, 'chargePoints'>;

@Route('v1/charge-points')
@Tags('Charge points')
export class ChargePointsController extends Controller {
  constructor(private readonly services: ChargePointsPorts) {
    super();
  }

  /** Registers an OCPP charge point; it may connect once registered (with its password, if set). */
  @Post()
  @Security('bearer', ['network:write'])
  @SuccessResponse(201, 'Created')
  async create(@Request() req: ExpressRequest, @Body() body: ChargePointInput): Promise<ChargePoint> {
    const cp = await this.services.chargePoints.create(tenantOf(principalOf(req)), body);
    this.setStatus(201);
    return cp;
  }

  @Get()
  @Security('bearer', ['network:read'])
  async list(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<ChargePoint>> {
    return this.services.chargePoints.list(tenantOf(principalOf(req)), pageRequest(limit, cursor));
  }

  @Get('{charge_point_id}')
  @Security('bearer', ['network:read'])
  async get(@Request() req: ExpressRequest, @Path() charge_point_id: ResourceId): Promise<ChargePoint> {
    return this.services.chargePoints.get(tenantOf(principalOf(req)), charge_point_id);
  }

  /** Sets or rotates the charge point's Basic-auth password. */
  @Patch('{charge_point_id}')
  @Security('bearer', ['network:write'])
  async update(@Request() req: ExpressRequest, @Path() charge_point_id: ResourceId, @Body() body: ChargePointUpdate): Promise<ChargePoint> {
    return this.services.chargePoints.update(tenantOf(principalOf(req)), charge_point_id, body);
  }
}
