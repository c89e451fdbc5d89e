import { Controller, Get, Query, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type ProblemDocument, problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ShortText } from '../shared/validation.js';
import type { NetworkActivity, NetworkOverview } from './overview.model.js';

/** What this controller uses of the platform's services. */
type OverviewPorts = Pick<Services, 'overview'>;

@Route('v1/network')
@Tags('Operations')
export class OverviewController extends Controller {
  constructor(private readonly services: OverviewPorts) {
    super();
  }

  /** The network at a glance: EVSEs by status, chargers online, sessions and energy per hour over the last day, faults. */
  @Get('overview')
  @Security('bearer', ['network:read'])
  async overview(@Request() req: ExpressRequest): Promise<NetworkOverview> {
    return this.services.overview.overview(tenantOf(principalOf(req)));
  }

  /**
   * Sessions, energy, revenue and utilisation per hour or per local day over [from, to): the
   * console's charts over a period the operator picks (hourly up to 14 days, daily up to 400).
   * @param time_zone IANA zone whose calendar days the daily buckets follow (default UTC).
   */
  @Get('activity')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(422, 'A date, the bucket or the zone is invalid, or the period is too long')
  async activity(
    @Request() req: ExpressRequest,
    @Query() from: Date,
    @Query() to: Date,
    @Query() bucket: 'hour' | 'day' = 'day',
    @Query() time_zone?: ShortText,
  ): Promise<NetworkActivity> {
    if (Number.isNaN(from.getTime())) throw problems.validation([{ field: 'query.from', message: 'must be a date-time' }]);
    if (Number.isNaN(to.getTime())) throw problems.validation([{ field: 'query.to', message: 'must be a date-time' }]);
    return this.services.overview.activity(tenantOf(principalOf(req)), { from, to, bucket, timeZone: time_zone ?? 'UTC' });
  }
}
