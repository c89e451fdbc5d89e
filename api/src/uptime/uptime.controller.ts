import { Body, Controller, Delete, Get, Path, Post, Produces, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ResourceId } from '../shared/validation.js';
import type { Month } from '../sustainability/sustainability.model.js';
import { uptimeCsv, uptimePdf } from './report-formats.js';
import type { Exclusion, ExclusionRequest, UptimeReport } from './uptime.model.js';

type UptimePorts = Pick<Services, 'uptime' | 'networks'>;

/** A calendar month in UTC. */
const monthSpan = (month: Month) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
};

@Route('v1/uptime')
@Tags('Uptime')
export class UptimeController extends Controller {
  constructor(private readonly services: UptimePorts) {
    super();
  }

  /** A month's uptime per port, site and network (NEVI), the share of ports under 97 %, and UK reliability of rapid charge points. */
  @Get('report')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(422, 'Invalid month')
  async report(@Request() req: ExpressRequest, @Query() month: Month, @Query() location_id?: ResourceId): Promise<UptimeReport> {
    return this.services.uptime.report(tenantOf(principalOf(req)), monthSpan(month), location_id);
  }

  /** The month's report as CSV (a row per port, site and the network) or PDF. */
  @Get('report/export')
  @Security('bearer', ['network:read'])
  @Produces('text/csv')
  @Produces('application/pdf')
  async export(@Request() req: ExpressRequest, @Query() month: Month, @Query() format: 'csv' | 'pdf', @Query() location_id?: ResourceId): Promise<void> {
    const tenantId = tenantOf(principalOf(req));
    const report = await this.services.uptime.report(tenantId, monthSpan(month), location_id);
    const res = req.res as NonNullable<ExpressRequest['res']>;
    res.setHeader('Content-Disposition', `attachment; filename="uptime-${month}.${format}"`);
    if (format === 'csv') res.type('text/csv; charset=utf-8').send(uptimeCsv(report));
    else res.type('application/pdf').send(await uptimePdf(report, (await this.services.networks.get(tenantId)).name, month));
  }

  /** Records an outage outside the network's control (grid, vandalism, maintenance…): uptime leaves it out. */
  @Post('exclusions')
  @Security('bearer', ['network:operate'])
  @SuccessResponse(201, 'Recorded')
  @Response<ProblemDocument>(422, 'Invalid exclusion')
  async addExclusion(@Request() req: ExpressRequest, @Body() body: ExclusionRequest): Promise<Exclusion> {
    const principal = principalOf(req);
    this.setStatus(201);
    return this.services.uptime.addExclusion(tenantOf(principal), principal.userId, body);
  }

  @Delete('exclusions/{exclusion_id}')
  @Security('bearer', ['network:operate'])
  @SuccessResponse(204, 'Removed')
  async removeExclusion(@Request() req: ExpressRequest, @Path() exclusion_id: ResourceId): Promise<void> {
    await this.services.uptime.removeExclusion(tenantOf(principalOf(req)), exclusion_id);
    this.setStatus(204);
  }
}
