import type { AuditService } from '../audit/audit.service.js';
import type { ChargerCommand } from '../charging/charger-commands.js';
import type { ChargingService } from '../charging/charging.service.js';
import { type CommandRouter, commandFailure } from '../charging/commands.js';
import type { IdTagsService } from '../charging/id-tags.service.js';
import type { Scopes } from '../db/tenancy.js';
import type { PaymentsService } from '../payments/payments.service.js';
import { DomainError, fail } from '../shared/errors.js';
import type { TicketActionResult } from '../support/support.model.js';
import type { SupportService } from '../support/support.service.js';

const ANSWER_WITHIN_MS = 15_000;

/** What staff can do from a ticket, to the charger, the session or the money it is about. */
export type TicketAction =
  | { action: 'remote_start' }
  | { action: 'remote_stop' }
  | { action: 'unlock' }
  | { action: 'reset'; hard?: boolean }
  | { action: 'set_availability'; operative: boolean }
  | { action: 'refund'; amount?: number; reason?: string };

/**
 * Staff act from a ticket: a remote start (with the ticket's driver's token) or stop, unlock,
 * reset, availability, or a refund of part of the ticket's session. Each is sent as a neutral
 * command through the router, recorded as an internal note on the ticket and in the audit trail,
 * whatever the charger answered.
 */
export class TicketActionsFlow {
  constructor(
    private readonly scopes: Scopes,
    private readonly support: SupportService,
    private readonly charging: ChargingService,
    private readonly idTags: IdTagsService,
    private readonly payments: PaymentsService,
    private readonly commands: CommandRouter,
    private readonly audit: AuditService,
  ) {}

  async act(tenantId: string, staffUserId: string, ticketId: string, request: TicketAction): Promise<TicketActionResult> {
    const ticket = await this.support.read({ kind: 'staff', tenantId }, ticketId);
    let outcome: 'done' | 'refused';
    let detail: string;
    let subject: { type: string; id: string };
    if (request.action === 'refund') {
      if (!ticket.session_id) throw fail.invalid([{ field: 'action', message: 'this ticket names no session to refund' }]);
      const refund = await this.payments.refund(
        tenantId,
        ticket.session_id,
        staffUserId,
        { amount: request.amount, reason: request.reason ?? `ticket #${ticket.number}` },
        `ticket:${ticketId}:${request.amount ?? 'all'}`,
      );
      outcome = 'done';
      detail = `${refund.id}: ${refund.amount}`;
      subject = { type: 'session', id: ticket.session_id };
    } else {
      if (!ticket.evse_uid) throw fail.invalid([{ field: 'action', message: 'this ticket names no EVSE to act on' }]);
      const target = await this.targetOf(tenantId, ticket.evse_uid);
      const command = await this.commandFor(tenantId, request, target, ticket.evse_uid, ticket);
      let answer: Awaited<ReturnType<CommandRouter['send']>>;
      try {
        answer = await this.commands.send(target.identity, command, ANSWER_WITHIN_MS);
      } catch (error) {
        const failure = commandFailure(error);
        await this.record(tenantId, staffUserId, ticketId, request.action, { type: 'charge_point', id: target.chargePointId }, 'refused', failure.message);
        throw failure;
      }
      outcome = answer.accepted ? 'done' : 'refused';
      detail = answer.status;
      subject = { type: 'charge_point', id: target.chargePointId };
    }
    const event = await this.record(tenantId, staffUserId, ticketId, request.action, subject, outcome, detail);
    return { action: request.action, outcome, detail, audit_event_id: event.id };
  }

  private async record(
    tenantId: string,
    staffUserId: string,
    ticketId: string,
    action: string,
    subject: { type: string; id: string },
    outcome: 'done' | 'refused',
    detail: string,
  ) {
    const event = await this.audit.record(tenantId, {
      actorUserId: staffUserId,
      action: `ticket.${action}`,
      subjectType: subject.type,
      subjectId: subject.id,
      outcome,
      detail: { ticket_id: ticketId, answer: detail },
    });
    await this.support.staffNote(tenantId, staffUserId, ticketId, `${action.replace('_', ' ')}: ${outcome} (${detail})`);
    return event;
  }

  private async targetOf(tenantId: string, evseUid: string): Promise<{ identity: string; connector: number; chargePointId: string }> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('evses')
        .innerJoin('charge_points', (j) => j.onRef('charge_points.tenant_id', '=', 'evses.tenant_id').onRef('charge_points.id', '=', 'evses.charge_point_id'))
        .select(['charge_points.identity', 'charge_points.id as charge_point_id', 'evses.ocpp_connector_id'])
        .where('evses.tenant_id', '=', tenantId)
        .where('evses.id', '=', evseUid)
        .executeTakeFirst(),
    );
    if (!row) throw fail.invalid([{ field: 'action', message: 'the EVSE has no charger the platform can talk to' }]);
    return { identity: row.identity, connector: row.ocpp_connector_id ?? 1, chargePointId: row.charge_point_id };
  }

  private async commandFor(
    tenantId: string,
    request: Exclude<TicketAction, { action: 'refund' }>,
    target: { connector: number },
    evseUid: string,
    ticket: { session_id: string | null; id: string },
  ): Promise<ChargerCommand> {
    switch (request.action) {
      case 'remote_start': {
        const driverId = await this.support.driverOf(tenantId, ticket.id);
        if (!driverId) throw fail.invalid([{ field: 'action', message: 'a remote start needs the ticket to be from a signed-in driver' }]);
        return { kind: 'remoteStart', connector: target.connector, idToken: await this.idTags.tokenForRemoteStart(driverId) };
      }
      case 'remote_stop': {
        const session = await this.charging.activeSessionOn(tenantId, evseUid);
        if (!session) throw new DomainError('conflict', 'no-active-session', 'Nothing is charging on this EVSE.');
        return { kind: 'remoteStop', transactionId: session.charger_transaction_id ?? String(session.transaction_id) };
      }
      case 'unlock':
        return { kind: 'unlock', connector: target.connector };
      case 'reset':
        return { kind: 'reset', hard: request.hard ?? false };
      case 'set_availability':
        return { kind: 'changeAvailability', connector: target.connector, operative: request.operative };
    }
  }
}
