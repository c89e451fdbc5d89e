import { Body, Controller, Delete, Get, Path, Post, Put, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { partnerOf, tenantOf, userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type ProblemDocument, problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ResourceId } from '../shared/validation.js';
import type {
  EnergyContract,
  EnergyContractInput,
  GridOperatorInput,
  GridSignalInput,
  NetworkPowerLimit,
  PowerLimitInput,
  SessionPlan,
  SitePowerHistory,
  SitePowerState,
  SitePowerView,
} from './site-limits.model.js';

const GRID_SIGNALS_ONLY = 'Grid signals come from a utility partner key.';

/** What this controller uses of the platform's services. */
type SiteLimitsPorts = Pick<Services, 'siteLimits' | 'charging'>;

@Route('v1')
@Tags('Site power')
export class SiteLimitsController extends Controller {
  constructor(private readonly services: SiteLimitsPorts) {
    super();
  }

  /** Your live session's share of its site's power: what the charger was told and what the plan gives your car by when you leave. */
  @Get('me/sessions/{session_id}/plan')
  @Security('bearer', ['driver'])
  @Response<ProblemDocument>(404, 'Not your session')
  async sessionPlan(@Request() req: ExpressRequest, @Path() session_id: ResourceId): Promise<SessionPlan> {
    const session = await this.services.charging.driverSession(userOf(principalOf(req)), session_id);
    if (!session) throw problems.notFound('session', session_id);
    if (session.status !== 'ACTIVE') return { limited: false, power_w: null, planned_wh: null, by: null };
    return this.services.siteLimits.planFor(session.network_id, session.evse_uid);
  }

  /** Every power limit of the network's sites in force or ahead, soonest first. */
  @Get('power-limits')
  @Security('bearer', ['network:read'])
  async list(@Request() req: ExpressRequest): Promise<NetworkPowerLimit[]> {
    return this.services.siteLimits.listForNetwork(tenantOf(principalOf(req)));
  }

  /** A site's power limits in force and ahead, the one in force now, each EVSE's share and why, and what the site draws. */
  @Get('locations/{location_id}/power-limits')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(404, 'No such location')
  async state(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<SitePowerView> {
    return this.services.siteLimits.state(tenantOf(principalOf(req)), location_id);
  }

  /**
   * Caps a site's total charging power (load management): the lowest limit in force is split
   * evenly over its chargers as an OCPP charging profile. Answers with what each charger said.
   */
  @Post('locations/{location_id}/power-limits')
  @Security('bearer', ['network:operate'])
  @SuccessResponse(201, 'Created')
  @Response<ProblemDocument>(422, 'Invalid limit')
  async set(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: PowerLimitInput): Promise<SitePowerState> {
    const state = await this.services.siteLimits.setByNetwork(tenantOf(principalOf(req)), location_id, body);
    this.setStatus(201);
    return state;
  }

  /** Ends a limit now (the site's chargers are told at once). */
  @Delete('power-limits/{limit_id}')
  @Security('bearer', ['network:operate'])
  async end(@Request() req: ExpressRequest, @Path() limit_id: ResourceId): Promise<SitePowerState> {
    return this.services.siteLimits.end(tenantOf(principalOf(req)), limit_id);
  }

  /** A site's energy contract: what its power costs, what a kWh earns, and how its power is planned. */
  @Get('locations/{location_id}/energy-contract')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(404, 'No such location, or it has no contract')
  async energyContract(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<EnergyContract> {
    return this.services.siteLimits.energyContract(tenantOf(principalOf(req)), location_id);
  }

  /**
   * Sets a site's energy contract: time-of-use prices, the demand charge on the month's peak and
   * what a delivered kWh earns. With `least_cost` the site's power is planned for the most it earns.
   */
  @Put('locations/{location_id}/energy-contract')
  @Security('bearer', ['network:operate'])
  @Response<ProblemDocument>(422, 'Invalid contract')
  async setEnergyContract(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: EnergyContractInput): Promise<EnergyContract> {
    return this.services.siteLimits.setEnergyContract(tenantOf(principalOf(req)), location_id, body);
  }

  /** Removes a site's energy contract: its power is planned for the most energy again. */
  @Delete('locations/{location_id}/energy-contract')
  @Security('bearer', ['network:operate'])
  @SuccessResponse(204, 'Removed')
  async removeEnergyContract(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<void> {
    await this.services.siteLimits.removeEnergyContract(tenantOf(principalOf(req)), location_id);
    this.setStatus(204);
  }

  /** A site's cap, plan and measured draw at each planning step (default: the last 24 hours), and this month's peak. */
  @Get('locations/{location_id}/power-history')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(422, 'Invalid range')
  async powerHistory(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Query() from?: Date, @Query() to?: Date): Promise<SitePowerHistory> {
    const end = to ?? new Date();
    return this.services.siteLimits.powerHistory(tenantOf(principalOf(req)), location_id, from ?? new Date(end.getTime() - 86_400_000), end);
  }

  /** Names the utility that may push grid signals for this site (its grid operator), or none. */
  @Put('locations/{location_id}/grid-operator')
  @Security('bearer', ['network:write'])
  @SuccessResponse(204, 'Set')
  async setGridOperator(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: GridOperatorInput): Promise<void> {
    await this.services.siteLimits.setGridOperator(tenantOf(principalOf(req)), location_id, body.partner_id);
    this.setStatus(204);
  }

  /** Utilities: a grid signal capping a site's charging power, for sites you are grid operator of. */
  @Post('grid/power-limits')
  @Security('bearer', ['grid:signal'])
  @SuccessResponse(201, 'Created')
  @Response<ProblemDocument>(404, 'Not a site you are grid operator of')
  async signal(@Request() req: ExpressRequest, @Body() body: GridSignalInput): Promise<SitePowerState> {
    const state = await this.services.siteLimits.setByGridOperator(partnerOf(principalOf(req), GRID_SIGNALS_ONLY), body);
    this.setStatus(201);
    return state;
  }

  /** Utilities: ends a limit you pushed. */
  @Delete('grid/power-limits/{limit_id}')
  @Security('bearer', ['grid:signal'])
  async endSignal(@Request() req: ExpressRequest, @Path() limit_id: ResourceId): Promise<SitePowerState> {
    const partnerId = partnerOf(principalOf(req), GRID_SIGNALS_ONLY);
    const tenantId = await this.services.siteLimits.networkOfGridLimit(partnerId, limit_id);
    return this.services.siteLimits.end(tenantId, limit_id);
  }
}
