import { Controller, Get, Path, Post, Query, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { Incident, IncidentDetail, NetworkStatus } from './incidents.model.js';

type IncidentsPorts = Pick<Services, 'incidents' | 'flows'>;

/**
 * A network's slug, as in its status page's address.
 * @maxLength 64
 */
type NetworkSlug = string;

@Route('v1')
@Tags('Incidents')
export class IncidentsController extends Controller {
  constructor(private readonly services: IncidentsPorts) {
    super();
  }

  /** The network's incidents, newest first: opened and resolved by the platform from what chargers and drivers report. */
  @Get('incidents')
  @Security('bearer', ['network:read'])
  async list(
    @Request() req: ExpressRequest,
    @Query() status?: 'open' | 'resolved',
    @Query() location_id?: ResourceId,
    @Query() evse_uid?: ResourceId,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<Incident>> {
    return this.services.incidents.list(tenantOf(principalOf(req)), { status, location_id, evse_uid }, pageRequest(limit, cursor));
  }

  /** One incident with the charger's OCPP messages from before it opened and its tickets. */
  @Get('incidents/{incident_id}')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(404, 'Not found')
  async get(@Request() req: ExpressRequest, @Path() incident_id: ResourceId): Promise<IncidentDetail> {
    return this.services.incidents.get(tenantOf(principalOf(req)), incident_id);
  }

  /** Staff resolve an incident by hand; it opens again by itself if the charger still reports the fault. */
  @Post('incidents/{incident_id}/resolve')
  @Security('bearer', ['network:operate'])
  @Response<ProblemDocument>(409, 'Already resolved')
  async resolve(@Request() req: ExpressRequest, @Path() incident_id: ResourceId): Promise<IncidentDetail> {
    return this.services.incidents.resolve(tenantOf(principalOf(req)), incident_id);
  }

  /** A network's public status page: open incidents at its published sites and its uptime over 30 days. No sign-in. */
  @Get('status/{network_slug}')
  @Response<ProblemDocument>(404, 'No such network, or it does not share publicly')
  @Response<ProblemDocument>(429, 'Too many requests')
  async status(@Path() network_slug: NetworkSlug): Promise<NetworkStatus> {
    return this.services.flows.networkStatus.status(network_slug);
  }
}
