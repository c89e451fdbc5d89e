import { Controller, Get, Path, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { principalOf } from '../auth/request.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ResourceId } from '../shared/validation.js';
import type { StationOutlook } from './forecasting.model.js';

/** What this controller uses of the platform's services. */
type ForecastingPorts = Pick<Services, 'forecasting'>;

@Route('v1')
@Tags('Forecasts')
export class ForecastingController extends Controller {
  constructor(private readonly services: ForecastingPorts) {
    super();
  }

  /**
   * The next 24 hours at a station, hour by hour: how many EVSEs are expected busy and free, from
   * the station's own sessions of the last eight weeks, with the three quietest hours marked.
   */
  @Get('locations/{location_id}/outlook')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'Not found or not visible')
  async outlook(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<StationOutlook> {
    return this.services.forecasting.outlook(principalOf(req).tenantId, location_id);
  }
}
