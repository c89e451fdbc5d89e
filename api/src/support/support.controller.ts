import { Body, Controller, Get, Patch, Path, Post, Put, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { Principal } from '../auth/principal.js';
import { tenantOf, userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { TicketAction } from '../flows/ticket-actions.flow.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import { fail } from '../shared/errors.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type {
  Attachment,
  FaultReportReceipt,
  FaultReportRequest,
  RatingRequest,
  ReplyRequest,
  SlaPolicies,
  Ticket,
  TicketActionRequest,
  TicketActionResult,
  TicketMessage,
  TicketRequest,
  TicketUpdate,
  TicketWithMessages,
} from './support.model.js';
import type { SupportCaller } from './support.service.js';
import type { TicketPriority, TicketStatus } from './support.tables.js';

type SupportPorts = Pick<Services, 'support' | 'flows'>;

/**
 * The secret a fault report's receipt gave.
 * @maxLength 100
 */
type FollowToken = string;

/** Staff of the ticket's network read with staff rights; anyone else is the driver who opened it. */
function readerOf(principal: Principal): { kind: 'staff'; tenantId: string } | { kind: 'driver'; userId: string } {
  if (principal.tenantId && principal.permissions.has('network:read')) return { kind: 'staff', tenantId: principal.tenantId };
  if (principal.isDriver && principal.userId) return { kind: 'driver', userId: principal.userId };
  throw fail.forbidden('Tickets are read by the driver who opened them and by the staff of their network.');
}

function callerOf(principal: Principal): SupportCaller {
  if (principal.tenantId && principal.permissions.has('support:write')) return { kind: 'staff', tenantId: principal.tenantId, userId: principal.userId };
  if (principal.isDriver && principal.userId) return { kind: 'driver', userId: principal.userId };
  if (principal.partnerId) return { kind: 'partner', partnerId: principal.partnerId };
  throw fail.forbidden('Sign in as a driver to write to support, or use the fault form on the charger.');
}

@Route('v1')
@Tags('Support')
export class SupportController extends Controller {
  constructor(private readonly services: SupportPorts) {
    super();
  }

  /**
   * Opens a ticket: a question, a fault at a charger, a billing dispute or a booking problem.
   * Drivers, partners and staff alike; the ticket goes to the network the charger, session or booking belongs to.
   */
  @Post('support/tickets')
  @Security('bearer', ['public:read'])
  @SuccessResponse(201, 'Opened')
  @Response<ProblemDocument>(422, 'Invalid ticket: a missing or foreign EVSE, session or booking')
  async open(@Request() req: ExpressRequest, @Body() body: TicketRequest): Promise<TicketWithMessages> {
    const ticket = await this.services.support.open(callerOf(principalOf(req)), body);
    this.setStatus(201);
    return ticket;
  }

  /** The network's support queue, newest first. */
  @Get('support/tickets')
  @Security('bearer', ['network:read'])
  async queue(
    @Request() req: ExpressRequest,
    @Query() status?: TicketStatus,
    @Query() priority?: TicketPriority,
    @Query() kind?: 'question' | 'fault' | 'billing' | 'booking',
    @Query() assignee_id?: ResourceId,
    @Query() evse_uid?: ResourceId,
    @Query() incident_id?: ResourceId,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<Ticket>> {
    return this.services.support.networkTickets(
      tenantOf(principalOf(req)),
      { status, priority, kind, assignee_id, evse_uid, incident_id },
      pageRequest(limit, cursor),
    );
  }

  /** The signed-in driver's tickets at every network. */
  @Get('me/support/tickets')
  @Security('bearer', ['driver'])
  async mine(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<Ticket>> {
    return this.services.support.driverTickets(userOf(principalOf(req)), pageRequest(limit, cursor));
  }

  /** A ticket and its conversation; staff also see internal notes. */
  @Get('support/tickets/{ticket_id}')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'Not found or not yours')
  async get(@Request() req: ExpressRequest, @Path() ticket_id: ResourceId): Promise<TicketWithMessages> {
    return this.services.support.read(readerOf(principalOf(req)), ticket_id);
  }

  /** Writes on a ticket: the driver's message, or staff's reply or internal note. */
  @Post('support/tickets/{ticket_id}/messages')
  @Security('bearer', ['public:read'])
  @SuccessResponse(201, 'Written')
  @Response<ProblemDocument>(409, 'The ticket is closed')
  async reply(@Request() req: ExpressRequest, @Path() ticket_id: ResourceId, @Body() body: ReplyRequest): Promise<TicketMessage> {
    const principal = principalOf(req);
    const caller = callerOf(principal);
    this.setStatus(201);
    if (caller.kind === 'staff') return this.services.support.staffReply(caller.tenantId, caller.userId, ticket_id, body);
    if (caller.kind === 'driver') return this.services.support.driverReply(caller, ticket_id, body);
    throw fail.forbidden('Partners open tickets; the conversation is between the driver and the network.');
  }

  /** The driver has read the conversation (a reply they have read is not also emailed). */
  @Post('support/tickets/{ticket_id}/read')
  @Security('bearer', ['driver'])
  @SuccessResponse(204, 'Noted')
  async read(@Request() req: ExpressRequest, @Path() ticket_id: ResourceId): Promise<void> {
    await this.services.support.markRead(userOf(principalOf(req)), ticket_id);
    this.setStatus(204);
  }

  /** Staff change a ticket's status, priority, tags or assignee. */
  @Patch('support/tickets/{ticket_id}')
  @Security('bearer', ['support:write'])
  @Response<ProblemDocument>(422, 'Invalid change')
  async update(@Request() req: ExpressRequest, @Path() ticket_id: ResourceId, @Body() body: TicketUpdate): Promise<Ticket> {
    return this.services.support.update(tenantOf(principalOf(req)), ticket_id, body);
  }

  /**
   * Staff act from the ticket: remote start (with the ticket's driver's token) or stop, unlock,
   * reset, set availability, or refund (part of) the ticket's session. Noted on the ticket and in the audit trail.
   */
  @Post('support/tickets/{ticket_id}/actions')
  @Security('bearer', ['network:operate'])
  @Response<ProblemDocument>(409, 'The charger is offline, or nothing is charging')
  @Response<ProblemDocument>(422, 'The ticket names nothing to act on')
  async act(@Request() req: ExpressRequest, @Path() ticket_id: ResourceId, @Body() body: TicketActionRequest): Promise<TicketActionResult> {
    const principal = principalOf(req);
    const request = this.toAction(body);
    return this.services.flows.ticketActions.act(tenantOf(principal), userOf(principal), ticket_id, request);
  }

  private toAction(body: TicketActionRequest): TicketAction {
    if (body.action === 'set_availability') {
      if (body.operative === undefined) throw fail.invalid([{ field: 'operative', message: 'say whether the EVSE goes in or out of service' }]);
      return { action: 'set_availability', operative: body.operative };
    }
    if (body.action === 'reset') return { action: 'reset', hard: body.hard };
    if (body.action === 'refund') return { action: 'refund', amount: body.amount, reason: body.reason };
    return { action: body.action };
  }

  /** The driver rates the help they got, once the ticket is resolved. */
  @Put('support/tickets/{ticket_id}/rating')
  @Security('bearer', ['driver'])
  @Response<ProblemDocument>(409, 'Not resolved yet')
  async rate(@Request() req: ExpressRequest, @Path() ticket_id: ResourceId, @Body() body: RatingRequest): Promise<Ticket> {
    return this.services.support.rate(userOf(principalOf(req)), ticket_id, body);
  }

  /**
   * Adds a photo to a ticket: send the image itself (`Content-Type: image/jpeg`, `image/png` or
   * `image/webp`, at most 5 MB), then name it in a message's `attachment_id`.
   */
  @Post('support/tickets/{ticket_id}/attachments')
  @Security('bearer', ['public:read'])
  @SuccessResponse(201, 'Stored')
  @Response<ProblemDocument>(413, 'Larger than 5 MB')
  @Response<ProblemDocument>(422, 'Not a JPEG, PNG or WebP image')
  async attach(@Request() req: ExpressRequest, @Path() ticket_id: ResourceId): Promise<Attachment> {
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const attachment = await this.services.support.attach(readerOf(principalOf(req)), ticket_id, req.headers['content-type'], bytes);
    this.setStatus(201);
    return attachment;
  }

  /** A photo on a ticket. */
  @Get('support/tickets/{ticket_id}/attachments/{attachment_id}')
  @Security('bearer', ['public:read'])
  async attachment(@Request() req: ExpressRequest, @Path() ticket_id: ResourceId, @Path() attachment_id: ResourceId): Promise<void> {
    const file = await this.services.support.attachment(readerOf(principalOf(req)), ticket_id, attachment_id);
    req.res?.status(200).type(file.content_type).setHeader('Cache-Control', 'private, max-age=3600');
    req.res?.send(file.bytes);
  }

  /** Reports a fault at a public charger without an account: the form the QR code on the charger opens. */
  @Post('support/fault-reports')
  @SuccessResponse(201, 'Reported')
  @Response<ProblemDocument>(422, 'Unknown EVSE or symptom')
  @Response<ProblemDocument>(429, 'Too many reports from this address')
  async report(@Body() body: FaultReportRequest): Promise<FaultReportReceipt> {
    const receipt = await this.services.support.reportFault(body);
    this.setStatus(201);
    return receipt;
  }

  /** An anonymous report and the network's answers, for whoever holds its follow token. */
  @Get('support/fault-reports/{ticket_id}')
  @Response<ProblemDocument>(404, 'Unknown report or wrong token')
  async follow(@Path() ticket_id: ResourceId, @Query() token: FollowToken): Promise<TicketWithMessages> {
    return this.services.support.read({ kind: 'reporter', token }, ticket_id);
  }

  /** The reporter writes again on their anonymous report. */
  @Post('support/fault-reports/{ticket_id}/messages')
  @SuccessResponse(201, 'Written')
  async reporterReply(@Path() ticket_id: ResourceId, @Query() token: FollowToken, @Body() body: ReplyRequest): Promise<TicketMessage> {
    this.setStatus(201);
    return this.services.support.driverReply({ kind: 'reporter', token }, ticket_id, body);
  }

  /** The network's SLA targets per priority (defaults where none are set). */
  @Get('support/sla-policies')
  @Security('bearer', ['network:read'])
  async policies(@Request() req: ExpressRequest): Promise<SlaPolicies> {
    return this.services.support.policies(tenantOf(principalOf(req)));
  }

  /** Sets SLA targets for some priorities; tickets opened from now on use them. */
  @Put('support/sla-policies')
  @Security('bearer', ['network:write'])
  @Response<ProblemDocument>(422, 'Invalid targets')
  async setPolicies(@Request() req: ExpressRequest, @Body() body: SlaPolicies): Promise<SlaPolicies> {
    return this.services.support.setPolicies(tenantOf(principalOf(req)), body);
  }
}
