import { Controller, Get, Request, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { Services } from '../server/services.js';
import type { NetworkOverview } from './overview.model.js';

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
}
