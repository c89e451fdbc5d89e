import { Body, Controller, Delete, Get, Path, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ResourceId } from '../shared/validation.js';
import type { JoinQueueRequest, OfferDecision, QueueStatus } from './queue.model.js';

/** What this controller uses of the platform's services. */
type QueuePorts = Pick<Services, 'queue'>;

@Route('v1')
@Tags('Queue')
export class QueueController extends Controller {
  constructor(private readonly services: QueuePorts) {
    super();
  }

  /** Joins a location's line when nothing compatible is free (409 `evse-available` otherwise). Joining twice keeps your place. */
  @Post('locations/{location_id}/queue')
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'In line')
  @Response<ProblemDocument>(409, 'A compatible EVSE is free')
  async join(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: JoinQueueRequest): Promise<QueueStatus> {
    const p = principalOf(req);
    const status = await this.services.queue.join(userOf(p), p.tenantId, location_id, body);
    this.setStatus(201);
    return status;
  }

  /** The line's length and expected wait; your position and any offer when you are in it. */
  @Get('locations/{location_id}/queue')
  @Security('bearer', ['public:read'])
  async status(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<QueueStatus> {
    const p = principalOf(req);
    return this.services.queue.status(p.tenantId, location_id, p.isDriver ? p.userId : undefined);
  }

  /** Leaves the line at once (an offer you held goes to the next driver). */
  @Delete('locations/{location_id}/queue/me')
  @Security('bearer', ['driver'])
  @SuccessResponse(204, 'Left')
  async leave(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<void> {
    await this.services.queue.leave(userOf(principalOf(req)), location_id);
    this.setStatus(204);
  }

  /** Takes the offered EVSE: it becomes a short reservation, starting now. */
  @Post('queue-offers/{offer_id}/accept')
  @Security('bearer', ['driver'])
  async accept(@Request() req: ExpressRequest, @Path() offer_id: ResourceId): Promise<OfferDecision> {
    return this.services.queue.decide(userOf(principalOf(req)), offer_id, 'accept');
  }

  /** Turns the offer down and leaves the line. */
  @Post('queue-offers/{offer_id}/decline')
  @Security('bearer', ['driver'])
  async decline(@Request() req: ExpressRequest, @Path() offer_id: ResourceId): Promise<OfferDecision> {
    return this.services.queue.decide(userOf(principalOf(req)), offer_id, 'decline');
  }

  /** Lets the next driver have this one and keeps your place just behind them. */
  @Post('queue-offers/{offer_id}/snooze')
  @Security('bearer', ['driver'])
  async snooze(@Request() req: ExpressRequest, @Path() offer_id: ResourceId): Promise<OfferDecision> {
    return this.services.queue.decide(userOf(principalOf(req)), offer_id, 'snooze');
  }
}
