import { Body, Controller, Get, Patch, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf, userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { ChargeStart, ChargeStop } from '../flows/driver-charging.flow.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import { problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { ChargerFault, ChargingSession, OcppMessage } from './charging.model.js';
import { commandFailure } from './commands.js';
import { type ChargePointCommand, rawOcpp16 } from './raw-ocpp-command.js';

export interface CommandRequest {
  /** The command's OCPP 1.6 payload, e.g. `{"connectorId": 1, "idTag": "ABC123"}`. */
  payload: Record<string, unknown>;
  /**
   * How long to wait for the charge point's answer (ms).
   * @isInt
   * @minimum 1000
   * @maximum 60000
   */
  timeout_ms?: number;
}

export interface SessionChange {
  /** When you expect to unplug (ISO 8601); null to clear. */
  departure_at?: Date | null;
  /**
   * How much energy you want (Wh); null to clear.
   * @isInt
   * @minimum 1
   * @maximum 1000000
   */
  energy_wanted_wh?: number | null;
  /** Let the site shift your charging to cheaper or cleaner hours, as long as the car has its energy by your departure. */
  flexible?: boolean;
}

export interface CommandResult {
  command: ChargePointCommand;
  /** The charge point's answer, as it sent it. */
  response: unknown;
}

/** A session the caller may see: its network's staff, or the driver it belongs to. */
export async function visibleSession(services: Pick<Services, 'charging'>, req: ExpressRequest, sessionId: string): Promise<ChargingSession> {
  const principal = principalOf(req);
  if (principal.tenantId && principal.permissions.has('network:read')) {
    try {
      return await services.charging.session(principal.tenantId, sessionId);
    } catch (error) {
      if (!principal.isDriver) throw error;
    }
  }
  if (principal.isDriver && principal.userId) {
    const own = await services.charging.driverSession(principal.userId, sessionId);
    if (own) return own;
  }
  throw problems.notFound('session', sessionId);
}

/** What this controller uses of the platform's services. */
type ChargingPorts = Pick<Services, 'audit' | 'chargePoints' | 'charging' | 'commands' | 'payments' | 'flows' | 'sustainability'>;

export interface ChargeStartRequest {
  /** @maxLength 64 */
  evse_uid: string;
}

export interface ChargerActionRequest {
  action: 'report_status' | 'soft_reset' | 'hard_reset';
}

export interface ChargerActionResult {
  /** The charger agreed. */
  accepted: boolean;
  /** Its own word for the answer. */
  status: string;
}

@Route('v1')
@Tags('Charging')
export class ChargingController extends Controller {
  constructor(private readonly services: ChargingPorts) {
    super();
  }

  /**
   * Sends a raw OCPP 1.6 command to a connected charge point and returns its answer: 409 when it is
   * offline, 504 when it does not answer in time. One command at a time per charge point, as OCPP
   * requires. A diagnostic escape hatch for staff: the platform's own features send
   * protocol-neutral commands instead.
   */
  @Post('charge-points/{charge_point_id}/commands/{command}')
  @Security('bearer', ['network:operate'])
  @Response<ProblemDocument>(409, 'Charge point offline')
  @Response<ProblemDocument>(504, 'No answer in time')
  async command(
    @Request() req: ExpressRequest,
    @Path() charge_point_id: ResourceId,
    @Path() command: ChargePointCommand,
    @Body() body: CommandRequest,
  ): Promise<CommandResult> {
    const cp = await this.services.chargePoints.get(tenantOf(principalOf(req)), charge_point_id);
    try {
      const answer = await this.services.commands.send(cp.identity, rawOcpp16(command, body.payload), body.timeout_ms ?? 15_000);
      return { command, response: answer.response };
    } catch (error) {
      throw commandFailure(error);
    }
  }

  /** Asks a charger, in the platform's terms, to report its status now or to restart; kept in the audit trail. */
  @Post('charge-points/{charge_point_id}/actions')
  @Security('bearer', ['network:operate'])
  @Response<ProblemDocument>(409, 'Charge point offline')
  @Response<ProblemDocument>(504, 'No answer in time')
  async act(@Request() req: ExpressRequest, @Path() charge_point_id: ResourceId, @Body() body: ChargerActionRequest): Promise<ChargerActionResult> {
    const principal = principalOf(req);
    return this.services.flows.chargerActions.act(tenantOf(principal), principal.userId, charge_point_id, body.action);
  }

  /** The faults a charge point reported, newest first: the error code, what it means, the EVSE by its printed id. */
  @Get('charge-points/{charge_point_id}/faults')
  @Security('bearer', ['network:read'])
  async faults(
    @Request() req: ExpressRequest,
    @Path() charge_point_id: ResourceId,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<ChargerFault>> {
    const tenantId = tenantOf(principalOf(req));
    await this.services.chargePoints.get(tenantId, charge_point_id); // 404 for another network's
    return this.services.charging.faults(tenantId, charge_point_id, pageRequest(limit, cursor));
  }

  /** The OCPP frames in and out of a charge point, newest first: the first thing to open when a charger misbehaves. */
  @Get('charge-points/{charge_point_id}/messages')
  @Security('bearer', ['network:read'])
  async messages(
    @Request() req: ExpressRequest,
    @Path() charge_point_id: ResourceId,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<OcppMessage>> {
    return this.services.charging.messages(tenantOf(principalOf(req)), charge_point_id, pageRequest(limit, cursor));
  }

  /**
   * The network's charging sessions, newest first.
   * @param location_id Only sessions at this site.
   * @param from Only sessions started at or after this time.
   * @param to Only sessions started before this time.
   */
  @Get('sessions')
  @Security('bearer', ['network:read'])
  async sessions(
    @Request() req: ExpressRequest,
    @Query() status?: 'ACTIVE' | 'COMPLETED',
    @Query() charge_point_id?: ResourceId,
    @Query() location_id?: ResourceId,
    @Query() from?: Date,
    @Query() to?: Date,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<ChargingSession>> {
    if (from && Number.isNaN(from.getTime())) throw problems.validation([{ field: 'query.from', message: 'must be a date-time' }]);
    if (to && Number.isNaN(to.getTime())) throw problems.validation([{ field: 'query.to', message: 'must be a date-time' }]);
    const filter = { status, charge_point_id, location_id, from, to };
    const principal = principalOf(req);
    const tenantId = tenantOf(principal);
    const page = await this.services.charging.networkSessions(tenantId, filter, pageRequest(limit, cursor));
    await this.services.audit.recordRead(
      tenantId,
      principal,
      { type: 'session_list', id: 'sessions' },
      page.data.map((s) => s.driver_id),
    );
    return this.withCarbon(page);
  }

  /** One session: its network's staff, or the driver it belongs to. */
  @Get('sessions/{session_id}')
  @Security('bearer')
  async session(@Request() req: ExpressRequest, @Path() session_id: ResourceId): Promise<ChargingSession> {
    const session = await visibleSession(this.services, req, session_id);
    const principal = principalOf(req);
    if (principal.tenantId === session.network_id)
      await this.services.audit.recordRead(session.network_id, principal, { type: 'session', id: session.id }, [session.driver_id]);
    return {
      ...session,
      payment_status: await this.services.payments.statusOf(session.network_id, session.id),
      carbon: session.status === 'COMPLETED' ? await this.services.sustainability.sessionCarbon(session.network_id, session.id) : null,
    };
  }

  /** The signed-in driver's live and past sessions, at every network. */
  @Get('me/sessions')
  @Security('bearer', ['driver'])
  async mySessions(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<ChargingSession>> {
    return this.withCarbon(await this.services.charging.driverSessions(userOf(principalOf(req)), pageRequest(limit, cursor)));
  }

  /** Each session's payment state and each completed session's carbon account, read per network (a driver's sessions span several). */
  private async withCarbon(page: Page<ChargingSession>): Promise<Page<ChargingSession>> {
    const completed = page.data.filter((s) => s.status === 'COMPLETED');
    const accounts = new Map<string, NonNullable<ChargingSession['carbon']>>();
    const payments = new Map<string, NonNullable<ChargingSession['payment_status']>>();
    for (const network of new Set(page.data.map((s) => s.network_id))) {
      const ids = completed.filter((s) => s.network_id === network).map((s) => s.id);
      for (const [id, carbon] of await this.services.sustainability.sessionsCarbon(network, ids)) accounts.set(id, carbon);
      const all = page.data.filter((s) => s.network_id === network).map((s) => s.id);
      for (const [id, status] of await this.services.payments.statusesOf(network, all)) payments.set(id, status);
    }
    return { ...page, data: page.data.map((s) => ({ ...s, carbon: accounts.get(s.id) ?? null, payment_status: payments.get(s.id) })) };
  }

  /**
   * Starts charging at an EVSE with your account: the charger is asked to start (it answers within
   * seconds); the session appears in `GET /v1/me/sessions` once the car draws power. 402 without a
   * way to pay, 409 when the EVSE is taken, offline or the charger refuses.
   */
  @Post('me/sessions')
  @Security('bearer', ['driver'])
  @SuccessResponse(202, 'The charger is starting')
  @Response<ProblemDocument>(402, 'No payment method')
  @Response<ProblemDocument>(409, 'EVSE taken, offline, or the charger refused')
  async startMySession(@Request() req: ExpressRequest, @Body() body: ChargeStartRequest): Promise<ChargeStart> {
    const started = await this.services.flows.driverCharging.start(userOf(principalOf(req)), body.evse_uid);
    this.setStatus(202);
    return started;
  }

  /** Stops your live session: the charger is asked to stop; the session ends when it reports the stop. */
  @Post('me/sessions/{session_id}/stop')
  @Security('bearer', ['driver'])
  @SuccessResponse(202, 'The charger is stopping')
  @Response<ProblemDocument>(409, 'Ended already, or the charger refused')
  async stopMySession(@Request() req: ExpressRequest, @Path() session_id: ResourceId): Promise<ChargeStop> {
    const stopped = await this.services.flows.driverCharging.stop(userOf(principalOf(req)), session_id);
    this.setStatus(202);
    return stopped;
  }

  /** Tells the platform when you will leave and how much energy you want, so people in line get a better estimate and the site can plan power. */
  @Patch('me/sessions/{session_id}')
  @Security('bearer', ['driver'])
  async updateMySession(@Request() req: ExpressRequest, @Path() session_id: ResourceId, @Body() body: SessionChange): Promise<ChargingSession> {
    return this.services.charging.planSession(userOf(principalOf(req)), session_id, {
      departureAt: body.departure_at,
      energyWantedWh: body.energy_wanted_wh,
      flexible: body.flexible,
    });
  }
}
