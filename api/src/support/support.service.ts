import { type Selectable, sql } from 'kysely';
import type { Logger } from 'pino';
import { randomToken, safeEqual, sha256 } from '../auth/secrets.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { scheduleJob } from '../jobs/job-runner.js';
import type { EvseDirectory } from '../locations/evse-directory.js';
import { recordDriverEvent } from '../notifications/outbox.js';
import { type Emit, writeThenPublish } from '../realtime/after-commit.js';
import type { EventBus, TicketEvent } from '../realtime/events.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import { enqueueWebhookDeliveries, webhookEvent } from '../webhooks/webhook-outbox.js';
import type { SupportDeskService } from './desk.service.js';
import { DEFAULT_SLA, dueTimes, FAULT_SYMPTOMS, type FaultSymptom, initialPriority, PRIORITIES, type SlaTarget, slaState, warnAt as warnTime } from './sla.js';
import type {
  Attachment,
  FaultReportReceipt,
  FaultReportRequest,
  RatingRequest,
  ReplyRequest,
  SlaPolicies,
  SlaPolicy,
  Ticket,
  TicketMessage,
  TicketRequest,
  TicketUpdate,
  TicketWithMessages,
} from './support.model.js';
import type { MessageAuthor, SupportTicketsTable, TicketChannel, TicketPriority, TicketStatus } from './support.tables.js';
import { systemText } from './system-messages.js';

type TicketRow = Selectable<SupportTicketsTable>;

/** Who is writing: a signed-in driver, staff of a network, a partner, or a server key of a network. */
export type SupportCaller = { kind: 'driver'; userId: string } | { kind: 'staff'; tenantId: string; userId?: string } | { kind: 'partner'; partnerId: string };

/** A ticket as one of its readers may see it: the driver who opened it, an anonymous reporter, or staff. */
type Reader = { kind: 'driver'; userId: string } | { kind: 'staff'; tenantId: string } | { kind: 'reporter'; token: string };

/** What a ticket about a charger fault tells the incidents module, inside the ticket's transaction. */
export interface FaultReports {
  faultReported(
    tx: Tx,
    tenantId: string,
    report: { ticket_id: string; evse_uid: string; symptom: string; at: Date },
  ): Promise<{ incident_id: string; known: boolean } | undefined>;
}

const SLA_JOB = 'support.sla';
const UNREAD_JOB = 'support.unread-reply';
/** A staff reply the driver has not read in the app within this time goes out by email. */
export const UNREAD_REPLY_EMAIL_AFTER_MS = 2 * 60_000;
/** Photos of a fault: JPEG, PNG or WebP, at most 5 MB each. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
const IMAGE_SIGNATURES: [string, (b: Buffer) => boolean][] = [
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/webp', (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
];
const MAX_ATTACHMENTS_PER_TICKET = 10;

const nextPriority = (p: TicketPriority): TicketPriority => PRIORITIES[Math.min(PRIORITIES.indexOf(p) + 1, PRIORITIES.length - 1)] as TicketPriority;

/** A ticket a partner opened is announced to that partner's endpoints too. */
const partnerOfTicket = (row: Pick<TicketRow, 'partner_id'>): { partners?: string[] } => (row.partner_id ? { partners: [row.partner_id] } : {});

/** No message bodies, names or addresses: webhooks and the staff list carry only what identifies the ticket. */
function summaryOf(row: TicketRow) {
  return {
    ticket_id: row.id,
    number: Number(row.number),
    kind: row.kind,
    status: row.status,
    priority: row.priority,
    location_id: row.location_id,
    evse_uid: row.evse_uid,
    incident_id: row.incident_id,
    assignee_id: row.assignee_id,
  };
}

/**
 * The 24/7 support desk of each network: tickets from drivers, partners, staff and reporters
 * without an account, a conversation per ticket (realtime on socket.io; a reply the driver has
 * not read goes out by email through the outbox), SLA targets with warnings and escalation.
 * A ticket lives in the network it is about: the charger's, the session's, the booking's.
 */
export class SupportService {
  constructor(
    private readonly scopes: Scopes,
    private readonly evses: EvseDirectory,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly desk: SupportDeskService,
    private faults?: FaultReports,
  ) {}

  /** The incidents module, handed over once both exist (incidents read tickets, tickets open incidents). */
  connectFaultReports(faults: FaultReports): void {
    this.faults = faults;
  }

  // ---- opening ------------------------------------------------------------------------------

  async open(caller: SupportCaller, input: TicketRequest, now = new Date()): Promise<TicketWithMessages> {
    const about = await this.resolveSubject(caller, input);
    const channel: TicketChannel = caller.kind === 'partner' ? 'partner' : caller.kind === 'staff' ? (input.channel ?? 'staff') : (input.channel ?? 'app');
    const author: MessageAuthor = caller.kind === 'driver' ? 'driver' : caller.kind === 'partner' ? 'partner' : 'staff';
    const ticket = await this.insertTicket(
      about.tenantId,
      {
        kind: input.kind,
        channel,
        subject: input.subject.trim(),
        language: input.language ?? 'en',
        driver_id: caller.kind === 'driver' ? caller.userId : null,
        partner_id: caller.kind === 'partner' ? caller.partnerId : null,
        opened_by_user_id: caller.kind === 'staff' ? (caller.userId ?? null) : null,
        location_id: about.locationId ?? null,
        evse_uid: about.evseUid ?? null,
        session_id: input.session_id ?? null,
        reservation_id: input.reservation_id ?? null,
        symptom: input.symptom ?? null,
      },
      { author, authorUserId: caller.kind === 'partner' ? null : (caller.userId ?? null), body: input.message.trim() },
      now,
    );
    return this.read({ kind: 'staff', tenantId: about.tenantId }, ticket.id, now);
  }

  /** The QR code's form: a fault at a public EVSE, without an account; the receipt's token follows the ticket. */
  async reportFault(input: FaultReportRequest, now = new Date()): Promise<FaultReportReceipt> {
    const email = input.email?.trim().toLowerCase();
    if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw fail.invalid([{ field: 'email', message: 'is not an email address' }]);
    const card = await this.findPublicEvse(input.evse_ref);
    const followToken = `tfr_${randomToken(24)}`;
    const ticket = await this.insertTicket(
      card.network_id,
      {
        kind: 'fault',
        channel: 'qr',
        subject: `Fault reported at ${card.evse_id ?? card.location_name}: ${input.symptom}`,
        language: input.language ?? 'en',
        driver_id: null,
        partner_id: null,
        opened_by_user_id: null,
        reporter_email: email ?? null,
        reporter_token_hash: sha256(followToken),
        location_id: card.location_id,
        evse_uid: card.evse_uid,
        session_id: null,
        reservation_id: null,
        symptom: input.symptom,
      },
      { author: 'reporter', authorUserId: null, body: input.message?.trim() || `(${input.symptom})` },
      now,
    );
    return { ticket_id: ticket.id, number: Number(ticket.number), follow_token: followToken };
  }

  private async findPublicEvse(ref: string) {
    try {
      return await this.evses.find(undefined, ref);
    } catch {
      throw fail.invalid([{ field: 'evse_ref', message: 'is not a public EVSE we know: check the id printed on the charger' }]);
    }
  }

  /** Which network, site and EVSE a new ticket is about; every missing or foreign reference is a field error. */
  private async resolveSubject(caller: SupportCaller, input: TicketRequest): Promise<{ tenantId: string; locationId?: string; evseUid?: string }> {
    const errors: DomainFieldError[] = [];
    const own = caller.kind === 'staff' ? caller.tenantId : undefined;
    let tenantId = own;
    let locationId: string | undefined;
    let evseUid: string | undefined;
    const claim = (network: string, field: string) => {
      if (tenantId && tenantId !== network)
        errors.push({ field, message: own ? 'belongs to another network' : 'is at another network than the rest of the ticket' });
      else tenantId = network;
    };
    if (input.kind === 'fault') {
      if (!input.evse_ref) errors.push({ field: 'evse_ref', message: 'say which EVSE is at fault (the id printed on it)' });
      if (!input.symptom) errors.push({ field: 'symptom', message: `is required for a fault: one of ${FAULT_SYMPTOMS.join(', ')}` });
    }
    if (input.symptom && input.kind !== 'fault') errors.push({ field: 'symptom', message: 'only a fault has a symptom' });
    if (input.evse_ref) {
      const evse = own ? await this.evses.ownEvse(own, input.evse_ref) : await this.evses.find(undefined, input.evse_ref).catch(() => undefined);
      if (!evse) errors.push({ field: 'evse_ref', message: own ? 'no such EVSE in this network' : 'is not a public EVSE we know' });
      else {
        claim(evse.network_id, 'evse_ref');
        locationId = evse.location_id;
        evseUid = evse.evse_uid;
      }
    }
    if (input.kind === 'billing' && !input.session_id) errors.push({ field: 'session_id', message: 'say which session the dispute is about' });
    if (input.kind === 'booking' && !input.reservation_id) errors.push({ field: 'reservation_id', message: 'say which booking the problem is about' });
    if (input.session_id) {
      const session = await this.sessionOf(caller, input.session_id);
      if (!session) errors.push({ field: 'session_id', message: caller.kind === 'driver' ? 'is not one of your sessions' : 'no such session in this network' });
      else claim(session.tenant_id, 'session_id');
    }
    if (input.reservation_id) {
      const booking = await this.reservationOf(caller, input.reservation_id);
      if (!booking)
        errors.push({ field: 'reservation_id', message: caller.kind === 'driver' ? 'is not one of your bookings' : 'no such booking in this network' });
      else {
        claim(booking.tenant_id, 'reservation_id');
        locationId ??= booking.location_id;
      }
    }
    if (input.location_id && !locationId) {
      const location = await this.locationOf(own, input.location_id);
      if (!location) errors.push({ field: 'location_id', message: 'no such location' });
      else {
        claim(location.tenant_id, 'location_id');
        locationId = location.id;
      }
    }
    if (input.network_id) {
      const network = await this.scopes.system((tx) =>
        tx
          .selectFrom('networks')
          .select('id')
          .where('id', '=', input.network_id as string)
          .executeTakeFirst(),
      );
      if (!network) errors.push({ field: 'network_id', message: 'no such network' });
      else claim(network.id, 'network_id');
    }
    if (!tenantId && !errors.length) errors.push({ field: 'network_id', message: 'say which network (or station, session or booking) the ticket is for' });
    if (errors.length) throw fail.invalid(errors);
    return { tenantId: tenantId as string, locationId, evseUid };
  }

  private sessionOf(caller: SupportCaller, id: string) {
    if (caller.kind === 'partner') return Promise.resolve(undefined);
    const query = (tx: Tx) => {
      let q = tx.selectFrom('charging_sessions').select(['tenant_id', 'id']).where('id', '=', id);
      q = caller.kind === 'driver' ? q.where('driver_id', '=', caller.userId) : q.where('tenant_id', '=', caller.tenantId);
      return q.executeTakeFirst();
    };
    return caller.kind === 'staff' ? this.scopes.tenant(caller.tenantId, query) : this.scopes.system(query);
  }

  private reservationOf(caller: SupportCaller, id: string) {
    if (caller.kind === 'partner') return Promise.resolve(undefined);
    const query = (tx: Tx) => {
      let q = tx.selectFrom('reservations').select(['tenant_id', 'id', 'location_id']).where('id', '=', id);
      q = caller.kind === 'driver' ? q.where('driver_id', '=', caller.userId) : q.where('tenant_id', '=', caller.tenantId);
      return q.executeTakeFirst();
    };
    return caller.kind === 'staff' ? this.scopes.tenant(caller.tenantId, query) : this.scopes.system(query);
  }

  /** A location: the caller's own (staff), or a published one of any network. */
  private locationOf(ownTenant: string | undefined, id: string) {
    if (ownTenant)
      return this.scopes.tenant(ownTenant, (tx) =>
        tx.selectFrom('locations').select(['tenant_id', 'id']).where('tenant_id', '=', ownTenant).where('id', '=', id).executeTakeFirst(),
      );
    return this.scopes.system((tx) =>
      tx
        .selectFrom('locations')
        .select(['tenant_id', 'id'])
        .where('id', '=', id)
        .where('is_public', '=', true)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst(),
    );
  }

  private async insertTicket(
    tenantId: string,
    fields: Omit<
      SupportTicketsTable,
      | 'tenant_id'
      | 'id'
      | 'number'
      | 'status'
      | 'priority'
      | 'tags'
      | 'assignee_id'
      | 'first_response_due_at'
      | 'resolution_due_at'
      | 'first_responded_at'
      | 'resolved_at'
      | 'closed_at'
      | 'first_response_warned_at'
      | 'breached_at'
      | 'escalated_at'
      | 'rating'
      | 'rating_comment'
      | 'driver_read_at'
      | 'created_at'
      | 'updated_at'
      | 'reporter_email'
      | 'reporter_token_hash'
      | 'incident_id'
    > & { reporter_email?: string | null; reporter_token_hash?: string | null },
    first: { author: MessageAuthor; authorUserId: string | null; body: string },
    now: Date,
  ): Promise<TicketRow> {
    return writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const priority = initialPriority(fields.kind, fields.symptom as FaultSymptom | null);
      const target = await this.target(tx, tenantId, priority);
      const due = dueTimes(now, target);
      const id = newId('tkt');
      let row = await tx
        .insertInto('support_tickets')
        .values({
          tenant_id: tenantId,
          id,
          ...fields,
          priority,
          first_response_due_at: due.firstResponseDue,
          resolution_due_at: due.resolutionDue,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.insertMessage(tx, row, { ...first, internal: false, attachmentId: null }, now, emit);
      if (row.kind === 'fault' && row.evse_uid && this.faults) {
        const incident = await this.faults.faultReported(tx, tenantId, { ticket_id: id, evse_uid: row.evse_uid, symptom: row.symptom ?? 'other', at: now });
        if (incident) {
          row = await tx
            .updateTable('support_tickets')
            .set({ incident_id: incident.incident_id })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow();
          // A fault the network already knows about is answered at once.
          if (incident.known)
            await this.insertMessage(
              tx,
              row,
              { author: 'system', authorUserId: null, body: systemText('incident.linked', row.language), internal: false, attachmentId: null },
              now,
              emit,
            );
        }
      }
      await scheduleJob(tx, { kind: SLA_JOB, key: `${SLA_JOB}:${id}:${due.warnAt.getTime()}`, tenantId, runAt: due.warnAt, payload: { ticket_id: id } });
      await this.announce(tx, row, 'ticket.created', emit, now);
      if (row.priority === 'urgent') await this.pageOnCall(tx, row, now);
      return row;
    });
  }

  private async target(tx: Tx, tenantId: string, priority: TicketPriority): Promise<SlaTarget> {
    const own = await tx
      .selectFrom('support_sla_policies')
      .select(['first_response_minutes', 'resolution_minutes'])
      .where('tenant_id', '=', tenantId)
      .where('priority', '=', priority)
      .executeTakeFirst();
    return own ?? DEFAULT_SLA[priority];
  }

  // ---- reading ------------------------------------------------------------------------------

  /** A ticket with the messages this reader may see (internal notes for staff only). */
  async read(reader: Reader, id: string, now = new Date()): Promise<TicketWithMessages> {
    const row = await this.find(reader, id);
    const staff = reader.kind === 'staff';
    return this.scopes.tenant(row.tenant_id, async (tx) => {
      const messages = await tx
        .selectFrom('support_messages')
        .leftJoin('users', 'users.id', 'support_messages.author_user_id')
        .select([
          'support_messages.id',
          'support_messages.author',
          'support_messages.body',
          'support_messages.internal',
          'support_messages.attachment_id',
          'support_messages.created_at',
          'users.name as author_name',
        ])
        .where('support_messages.tenant_id', '=', row.tenant_id)
        .where('support_messages.ticket_id', '=', id)
        .$if(!staff, (q) => q.where('support_messages.internal', '=', false))
        .orderBy('support_messages.id')
        .execute();
      const [ticket] = await this.withPrintedIds(tx, [row], now);
      return {
        ...(ticket as Ticket),
        messages: messages.map(
          (m): TicketMessage => ({
            id: m.id,
            author: m.author,
            // Staff sign their replies; a driver's name stays with support.
            author_name: m.author === 'staff' ? (m.author_name ?? null) : null,
            body: m.body,
            internal: m.internal,
            attachment_id: m.attachment_id,
            created_at: m.created_at,
          }),
        ),
      };
    });
  }

  private toTicket(row: TicketRow, evseId: string | null, now: Date): Ticket {
    return {
      id: row.id,
      number: Number(row.number),
      network_id: row.tenant_id,
      kind: row.kind,
      status: row.status,
      priority: row.priority,
      channel: row.channel,
      subject: row.subject,
      language: row.language,
      location_id: row.location_id,
      evse_uid: row.evse_uid,
      evse_id: evseId,
      session_id: row.session_id,
      reservation_id: row.reservation_id,
      incident_id: row.incident_id,
      symptom: row.symptom,
      tags: row.tags,
      assignee_id: row.assignee_id,
      first_response_due_at: row.first_response_due_at,
      resolution_due_at: row.resolution_due_at,
      first_responded_at: row.first_responded_at,
      resolved_at: row.resolved_at,
      sla: slaState(row, now),
      rating: row.rating,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  /** The ticket if this reader may see it; 404 otherwise, so nobody learns that another's ticket exists. */
  private async find(reader: Reader, id: string): Promise<TicketRow> {
    let row: TicketRow | undefined;
    if (reader.kind === 'staff') {
      row = await this.scopes.tenant(reader.tenantId, (tx) =>
        tx.selectFrom('support_tickets').selectAll().where('tenant_id', '=', reader.tenantId).where('id', '=', id).executeTakeFirst(),
      );
    } else if (reader.kind === 'driver') {
      // Drivers are platform-wide: their tickets may be with any network.
      row = await this.scopes.system((tx) =>
        tx.selectFrom('support_tickets').selectAll().where('driver_id', '=', reader.userId).where('id', '=', id).executeTakeFirst(),
      );
    } else {
      const found = await this.scopes.system((tx) => tx.selectFrom('support_tickets').selectAll().where('id', '=', id).executeTakeFirst());
      if (found?.reporter_token_hash && safeEqual(found.reporter_token_hash, sha256(reader.token))) row = found;
    }
    if (!row) throw fail.notFound('ticket', id);
    return row;
  }

  /** Whether this principal may follow a ticket live (socket.io); the same rule as reading it. */
  async mayFollow(reader: { userId?: string; tenantId?: string; isDriver: boolean; staff: boolean }, id: string): Promise<{ staff: boolean }> {
    if (reader.staff && reader.tenantId) {
      await this.find({ kind: 'staff', tenantId: reader.tenantId }, id);
      return { staff: true };
    }
    if (reader.isDriver && reader.userId) {
      await this.find({ kind: 'driver', userId: reader.userId }, id);
      return { staff: false };
    }
    throw fail.notFound('ticket', id);
  }

  /** The driver's tickets at every network, newest first. */
  async driverTickets(driverId: string, page: PageRequest, now = new Date()): Promise<Page<Ticket>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.system(async (tx) => {
          const rows = await tx
            .selectFrom('support_tickets')
            .selectAll()
            .where('driver_id', '=', driverId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute();
          return this.withPrintedIds(tx, rows, now);
        }),
      (ticket) => ticket,
    );
  }

  /** Tickets as people read them: the EVSE by the id printed on it, not by its uid. */
  private async withPrintedIds(tx: Tx, rows: TicketRow[], now: Date): Promise<Ticket[]> {
    const uids = [...new Set(rows.map((r) => r.evse_uid).filter((u): u is string => u !== null))];
    const printed = new Map(
      uids.length ? (await tx.selectFrom('evses').select(['id', 'evse_id']).where('id', 'in', uids).execute()).map((e) => [e.id, e.evse_id]) : [],
    );
    return rows.map((row) => this.toTicket(row, row.evse_uid ? (printed.get(row.evse_uid) ?? null) : null, now));
  }

  /** The network's queue: filtered, newest first. */
  async networkTickets(
    tenantId: string,
    filter: { status?: TicketStatus; priority?: TicketPriority; kind?: string; assignee_id?: string; evse_uid?: string; incident_id?: string },
    page: PageRequest,
    now = new Date(),
  ): Promise<Page<Ticket>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, async (tx) => {
          const rows = await tx
            .selectFrom('support_tickets')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status as TicketStatus))
            .$if(filter.priority !== undefined, (q) => q.where('priority', '=', filter.priority as TicketPriority))
            .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind as TicketRow['kind']))
            .$if(filter.assignee_id !== undefined, (q) => q.where('assignee_id', '=', filter.assignee_id as string))
            .$if(filter.evse_uid !== undefined, (q) => q.where('evse_uid', '=', filter.evse_uid as string))
            .$if(filter.incident_id !== undefined, (q) => q.where('incident_id', '=', filter.incident_id as string))
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute();
          return this.withPrintedIds(tx, rows, now);
        }),
      (ticket) => ticket,
    );
  }

  // ---- the conversation ---------------------------------------------------------------------

  /** A driver (or an anonymous reporter) writes on their ticket; a resolved ticket opens again. */
  async driverReply(
    reader: { kind: 'driver'; userId: string } | { kind: 'reporter'; token: string },
    id: string,
    input: ReplyRequest,
    now = new Date(),
  ): Promise<TicketMessage> {
    if (input.internal) throw fail.invalid([{ field: 'internal', message: 'only staff write internal notes' }]);
    if (input.status) throw fail.invalid([{ field: 'status', message: 'only staff set the status' }]);
    const row = await this.find(reader, id);
    if (row.status === 'closed') throw fail.conflict('This ticket is closed: open a new one.', 'ticket-closed');
    return writeThenPublish(this.scopes, this.bus, row.tenant_id, async (tx, emit) => {
      const attachmentId = await this.checkAttachment(tx, row, input.attachment_id);
      const message = await this.insertMessage(
        tx,
        row,
        {
          author: reader.kind === 'driver' ? 'driver' : 'reporter',
          authorUserId: reader.kind === 'driver' ? reader.userId : null,
          body: input.body.trim(),
          internal: false,
          attachmentId,
        },
        now,
        emit,
      );
      if (row.status !== 'open') {
        const updated = await this.setFields(tx, row, { status: 'open', resolved_at: null }, now);
        await this.announce(tx, updated, 'ticket.updated', emit, now);
      }
      return message;
    });
  }

  /** Staff answer the driver (or note for colleagues). The first reply stops the first-response clock. */
  async staffReply(tenantId: string, userId: string | undefined, id: string, input: ReplyRequest, now = new Date()): Promise<TicketMessage> {
    const row = await this.find({ kind: 'staff', tenantId }, id);
    if (row.status === 'closed') throw fail.conflict('This ticket is closed.', 'ticket-closed');
    return writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const attachmentId = await this.checkAttachment(tx, row, input.attachment_id);
      const internal = input.internal ?? false;
      const message = await this.insertMessage(
        tx,
        row,
        { author: 'staff', authorUserId: userId ?? null, body: input.body.trim(), internal, attachmentId },
        now,
        emit,
      );
      if (!internal) {
        const status = input.status ?? 'waiting';
        const updated = await this.setFields(
          tx,
          row,
          { status, first_responded_at: row.first_responded_at ?? now, ...this.statusStamps(row, status, now) },
          now,
        );
        await this.announce(tx, updated, 'ticket.updated', emit, now);
        if (row.driver_id)
          await scheduleJob(tx, {
            kind: UNREAD_JOB,
            key: `${UNREAD_JOB}:${message.id}`,
            tenantId,
            runAt: new Date(now.getTime() + UNREAD_REPLY_EMAIL_AFTER_MS),
            payload: { ticket_id: id, message_id: message.id },
          });
      } else if (input.status) {
        throw fail.invalid([{ field: 'status', message: 'a note does not change the status: reply, or change it on the ticket' }]);
      }
      return message;
    });
  }

  /** An internal note in a staff member's name (what they did from the ticket). */
  async staffNote(tenantId: string, userId: string | undefined, id: string, body: string, now = new Date()): Promise<void> {
    const row = await this.find({ kind: 'staff', tenantId }, id);
    await writeThenPublish(this.scopes, this.bus, tenantId, (tx, emit) =>
      this.insertMessage(tx, row, { author: 'staff', authorUserId: userId ?? null, body, internal: true, attachmentId: null }, now, emit),
    );
  }

  /** The driver who opened a ticket, if one did. */
  async driverOf(tenantId: string, id: string): Promise<string | null> {
    return (await this.find({ kind: 'staff', tenantId }, id)).driver_id;
  }

  /** The driver has seen the conversation up to now (the app calls this when the ticket is on screen). */
  async markRead(driverId: string, id: string, now = new Date()): Promise<void> {
    const row = await this.find({ kind: 'driver', userId: driverId }, id);
    await this.scopes.tenant(row.tenant_id, (tx) =>
      tx.updateTable('support_tickets').set({ driver_read_at: now }).where('tenant_id', '=', row.tenant_id).where('id', '=', id).execute(),
    );
  }

  /** A message from the platform itself (an incident resolving, a staff action), shown to everyone on the ticket. */
  async systemMessage(tx: Tx, tenantId: string, ticketId: string, body: string, now: Date, emit: Emit, internal = false): Promise<void> {
    const row = await tx.selectFrom('support_tickets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', ticketId).executeTakeFirst();
    if (!row) return;
    await this.insertMessage(tx, row, { author: 'system', authorUserId: null, body, internal, attachmentId: null }, now, emit);
  }

  /** Ties the open fault tickets on these incidents' EVSEs to them, and tells their drivers the fault is known. */
  async linkFaultTickets(
    tx: Tx,
    tenantId: string,
    incidents: { incidentId: string; evseUids: string[] }[],
    since: Date,
    exceptTicketId?: string,
  ): Promise<void> {
    const evseUids = incidents.flatMap((i) => i.evseUids);
    if (evseUids.length === 0) return;
    const waiting = await tx
      .selectFrom('support_tickets')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'fault')
      .where('status', 'in', ['open', 'waiting'])
      .where('incident_id', 'is', null)
      .where('evse_uid', 'in', evseUids)
      .where('created_at', '>', since)
      .$if(exceptTicketId !== undefined, (q) => q.where('id', '!=', exceptTicketId as string))
      .execute();
    for (const ticket of waiting) {
      const incident = incidents.find((i) => i.evseUids.includes(ticket.evse_uid as string));
      if (!incident) continue;
      const row = await this.setFields(tx, ticket, { incident_id: incident.incidentId }, new Date());
      await this.insertMessage(
        tx,
        row,
        { author: 'system', authorUserId: null, body: systemText('incident.linked', row.language), internal: false, attachmentId: null },
        new Date(),
        () => {},
      );
    }
  }

  /** An incident merged into another (a site outage): its tickets follow. */
  async moveToIncident(tx: Tx, tenantId: string, fromIncident: string, toIncident: string): Promise<void> {
    await tx
      .updateTable('support_tickets')
      .set({ incident_id: toIncident })
      .where('tenant_id', '=', tenantId)
      .where('incident_id', '=', fromIncident)
      .execute();
  }

  /** The incidents behind these tickets are resolved: each ticket says so, in its language, live to whoever follows it. */
  async incidentsResolved(tx: Tx, tenantId: string, incidentIds: string[], now: Date, emit: Emit): Promise<void> {
    if (incidentIds.length === 0) return;
    const tickets = await tx
      .selectFrom('support_tickets')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('incident_id', 'in', incidentIds)
      .where('status', '!=', 'closed')
      .execute();
    for (const row of tickets)
      await this.insertMessage(
        tx,
        row,
        { author: 'system', authorUserId: null, body: systemText('incident.resolved', row.language), internal: false, attachmentId: null },
        now,
        emit,
      );
  }

  /** How many tickets each of these incidents has. */
  async ticketCounts(tx: Tx, tenantId: string, incidentIds: string[]): Promise<Map<string, number>> {
    if (incidentIds.length === 0) return new Map();
    const rows = await tx
      .selectFrom('support_tickets')
      .select(['incident_id', sql<string>`count(*)`.as('n')])
      .where('tenant_id', '=', tenantId)
      .where('incident_id', 'in', incidentIds)
      .groupBy('incident_id')
      .execute();
    return new Map(rows.map((r) => [r.incident_id as string, Number(r.n)]));
  }

  /** Tickets tied to an incident, for the incidents module to tell them the news. */
  async ticketsOfIncident(tx: Tx, tenantId: string, incidentId: string): Promise<{ id: string; status: TicketStatus }[]> {
    return tx.selectFrom('support_tickets').select(['id', 'status']).where('tenant_id', '=', tenantId).where('incident_id', '=', incidentId).execute();
  }

  private async insertMessage(
    tx: Tx,
    ticket: TicketRow,
    m: { author: MessageAuthor; authorUserId: string | null; body: string; internal: boolean; attachmentId: string | null },
    now: Date,
    emit: Emit,
  ): Promise<TicketMessage> {
    const row = await tx
      .insertInto('support_messages')
      .values({
        tenant_id: ticket.tenant_id,
        id: newId('msg'),
        ticket_id: ticket.id,
        author: m.author,
        author_user_id: m.authorUserId,
        body: m.body,
        internal: m.internal,
        attachment_id: m.attachmentId,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    let authorName: string | null = null;
    if (m.author === 'staff' && m.authorUserId) {
      authorName = (await tx.selectFrom('users').select('name').where('id', '=', m.authorUserId).executeTakeFirst())?.name ?? null;
    }
    const message: TicketMessage = {
      id: row.id,
      author: row.author,
      author_name: authorName,
      body: row.body,
      internal: row.internal,
      attachment_id: row.attachment_id,
      created_at: row.created_at,
    };
    emit({
      type: 'ticket.message',
      audience: { tenant_id: ticket.tenant_id, ticket_id: ticket.id, driver_id: ticket.driver_id, staff_only: m.internal },
      payload: { ticket_id: ticket.id, message: { ...message, created_at: message.created_at.toISOString() } },
    } satisfies TicketEvent);
    if (!m.internal) {
      await enqueueWebhookDeliveries(tx, ticket.tenant_id, {
        ...webhookEvent(ticket.tenant_id, 'ticket.message', { ticket_id: ticket.id, message_id: row.id, author: row.author }, now),
        ...partnerOfTicket(ticket),
      });
    }
    return message;
  }

  private async announce(tx: Tx, row: TicketRow, type: 'ticket.created' | 'ticket.updated' | 'ticket.sla_warning' | 'ticket.escalated', emit: Emit, now: Date) {
    const data = summaryOf(row);
    // SLA warnings and escalations are the desk's own business; the partner who wrote in hears the rest.
    const partners = type === 'ticket.created' || type === 'ticket.updated' ? partnerOfTicket(row) : {};
    await enqueueWebhookDeliveries(tx, row.tenant_id, { ...webhookEvent(row.tenant_id, type, data, now), ...partners });
    emit({
      type: type === 'ticket.created' ? 'ticket.created' : 'ticket.updated',
      audience: { tenant_id: row.tenant_id, ticket_id: row.id, driver_id: row.driver_id, staff_only: type !== 'ticket.updated' },
      payload: { ...data, sla: slaState(row, now) },
    } satisfies TicketEvent);
  }

  /**
   * An urgent ticket pages whoever is on call now (speaking the ticket's language where someone
   * does): a `ticket.on_call` webhook the network routes to its pager, in the ticket's transaction.
   */
  private async pageOnCall(tx: Tx, row: TicketRow, now: Date): Promise<void> {
    const onCall = await this.desk.onCall(tx, row.tenant_id, now, row.language);
    const data = { ...summaryOf(row), language: row.language, on_call: onCall.map((s) => ({ user_id: s.user_id, name: s.name, languages: s.languages })) };
    await enqueueWebhookDeliveries(tx, row.tenant_id, webhookEvent(row.tenant_id, 'ticket.on_call', data, now));
    if (onCall.length === 0) this.logger.warn({ ticket_id: row.id }, 'urgent ticket and nobody on call');
  }

  private setFields(tx: Tx, row: TicketRow, set: Partial<Omit<TicketRow, 'tenant_id' | 'id' | 'number' | 'created_at'>>, now: Date): Promise<TicketRow> {
    return tx
      .updateTable('support_tickets')
      .set({ ...set, updated_at: now })
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  private statusStamps(row: TicketRow, status: TicketStatus, now: Date) {
    if (status === row.status) return {};
    if (status === 'resolved') return { resolved_at: now };
    if (status === 'closed') return { closed_at: now, resolved_at: row.resolved_at ?? now };
    return { resolved_at: null, closed_at: null };
  }

  // ---- staff changes ------------------------------------------------------------------------

  async update(tenantId: string, id: string, change: TicketUpdate, now = new Date()): Promise<Ticket> {
    const row = await this.find({ kind: 'staff', tenantId }, id);
    return writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const errors: DomainFieldError[] = [];
      if (change.assignee_id) {
        const member = await tx
          .selectFrom('memberships')
          .select('role')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', change.assignee_id)
          .executeTakeFirst();
        if (!member) errors.push({ field: 'assignee_id', message: 'is not staff of this network' });
        else if (member.role === 'viewer') errors.push({ field: 'assignee_id', message: 'a viewer cannot work tickets: give them the support role first' });
      }
      const tags = change.tags?.map((t) => t.trim().toLowerCase()).filter(Boolean);
      tags?.forEach((t, i) => {
        if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(t)) errors.push({ field: `tags[${i}]`, message: 'letters, digits, - and _, up to 40' });
      });
      if (errors.length) throw fail.invalid(errors);
      const set: Partial<TicketRow> = {};
      if (change.status) Object.assign(set, { status: change.status }, this.statusStamps(row, change.status, now));
      if (change.priority && change.priority !== row.priority) {
        // The targets follow the new priority, counted from when the ticket was opened.
        const due = dueTimes(row.created_at, await this.target(tx, tenantId, change.priority));
        Object.assign(set, { priority: change.priority, first_response_due_at: due.firstResponseDue, resolution_due_at: due.resolutionDue });
        await this.scheduleSlaCheck(tx, row, due.warnAt, now);
      }
      if (tags) set.tags = [...new Set(tags)];
      if (change.assignee_id !== undefined) set.assignee_id = change.assignee_id;
      const updated = await this.setFields(tx, row, set, now);
      await this.announce(tx, updated, 'ticket.updated', emit, now);
      return (await this.withPrintedIds(tx, [updated], now))[0] as Ticket;
    });
  }

  /** The driver rates how the ticket was handled, once it is resolved. */
  async rate(driverId: string, id: string, input: RatingRequest, now = new Date()): Promise<Ticket> {
    const row = await this.find({ kind: 'driver', userId: driverId }, id);
    if (row.status !== 'resolved' && row.status !== 'closed') throw fail.conflict('A ticket is rated once it is resolved.', 'ticket-not-resolved');
    return this.scopes.tenant(row.tenant_id, async (tx) => {
      const updated = await this.setFields(tx, row, { rating: input.rating, rating_comment: input.comment?.trim() || null }, now);
      return (await this.withPrintedIds(tx, [updated], now))[0] as Ticket;
    });
  }

  // ---- attachments --------------------------------------------------------------------------

  /** A photo for a ticket (of the fault, the screen, the receipt): checked to be the image it says it is. */
  async attach(reader: Reader, id: string, contentType: string | undefined, bytes: Buffer): Promise<Attachment> {
    const row = await this.find(reader, id);
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    const signature = IMAGE_SIGNATURES.find(([t]) => t === type);
    if (!signature) throw fail.invalid([{ field: 'content-type', message: 'send a JPEG, PNG or WebP photo' }]);
    if (bytes.length === 0) throw fail.invalid([{ field: 'body', message: 'is empty' }]);
    if (bytes.length > MAX_ATTACHMENT_BYTES) throw fail.invalid([{ field: 'body', message: `is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB` }]);
    if (!signature[1](bytes)) throw fail.invalid([{ field: 'body', message: `is not a ${type} image` }]);
    return this.scopes.tenant(row.tenant_id, async (tx) => {
      const count = await tx
        .selectFrom('support_attachments')
        .select(sql<string>`count(*)`.as('n'))
        .where('tenant_id', '=', row.tenant_id)
        .where('ticket_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_ATTACHMENTS_PER_TICKET)
        throw fail.conflict(`A ticket holds at most ${MAX_ATTACHMENTS_PER_TICKET} photos.`, 'too-many-attachments');
      const att = await tx
        .insertInto('support_attachments')
        .values({ tenant_id: row.tenant_id, id: newId('att'), ticket_id: id, content_type: type as string, size_bytes: bytes.length, bytes })
        .returning(['id', 'content_type', 'size_bytes'])
        .executeTakeFirstOrThrow();
      return att;
    });
  }

  async attachment(reader: Reader, ticketId: string, attachmentId: string): Promise<{ content_type: string; bytes: Buffer }> {
    const row = await this.find(reader, ticketId);
    const att = await this.scopes.tenant(row.tenant_id, (tx) =>
      tx
        .selectFrom('support_attachments')
        .select(['content_type', 'bytes'])
        .where('tenant_id', '=', row.tenant_id)
        .where('ticket_id', '=', ticketId)
        .where('id', '=', attachmentId)
        .executeTakeFirst(),
    );
    if (!att) throw fail.notFound('attachment', attachmentId);
    return att;
  }

  private async checkAttachment(tx: Tx, row: TicketRow, attachmentId: string | undefined): Promise<string | null> {
    if (!attachmentId) return null;
    const att = await tx
      .selectFrom('support_attachments')
      .select('id')
      .where('tenant_id', '=', row.tenant_id)
      .where('ticket_id', '=', row.id)
      .where('id', '=', attachmentId)
      .executeTakeFirst();
    if (!att) throw fail.invalid([{ field: 'attachment_id', message: 'no such photo on this ticket' }]);
    return att.id;
  }

  // ---- SLA ----------------------------------------------------------------------------------

  async policies(tenantId: string): Promise<SlaPolicies> {
    const own = await this.scopes.tenant(tenantId, (tx) => tx.selectFrom('support_sla_policies').selectAll().where('tenant_id', '=', tenantId).execute());
    return {
      policies: PRIORITIES.map((priority) => {
        const set = own.find((p) => p.priority === priority);
        return {
          priority,
          ...(set ? { first_response_minutes: set.first_response_minutes, resolution_minutes: set.resolution_minutes } : DEFAULT_SLA[priority]),
        };
      }),
    };
  }

  /** Replaces the targets of the priorities given; tickets opened from now on use them. */
  async setPolicies(tenantId: string, input: SlaPolicies): Promise<SlaPolicies> {
    const errors: DomainFieldError[] = [];
    const seen = new Set<string>();
    input.policies.forEach((p: SlaPolicy, i) => {
      if (seen.has(p.priority)) errors.push({ field: `policies[${i}].priority`, message: 'is given twice' });
      seen.add(p.priority);
      if (p.resolution_minutes < p.first_response_minutes)
        errors.push({ field: `policies[${i}].resolution_minutes`, message: 'is sooner than the first response' });
    });
    if (errors.length) throw fail.invalid(errors);
    await this.scopes.tenant(tenantId, async (tx) => {
      for (const p of input.policies)
        await tx
          .insertInto('support_sla_policies')
          .values({ tenant_id: tenantId, ...p })
          .onConflict((oc) => oc.columns(['tenant_id', 'priority']).doUpdateSet({ ...p, updated_at: new Date() }))
          .execute();
    });
    return this.policies(tenantId);
  }

  private scheduleSlaCheck(tx: Tx, row: TicketRow, at: Date, now: Date): Promise<void> {
    const runAt = at < now ? now : at;
    return scheduleJob(tx, { kind: SLA_JOB, key: `${SLA_JOB}:${row.id}:${runAt.getTime()}`, tenantId: row.tenant_id, runAt, payload: { ticket_id: row.id } });
  }

  /**
   * One look at a ticket's clock: warn when the first response is close to due, escalate when a
   * target is missed (priority up one step, once), and come back at the next moment that matters.
   */
  async checkSla(tenantId: string, ticketId: string, now: Date): Promise<void> {
    await writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const row = await tx
        .selectFrom('support_tickets')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', ticketId)
        .forUpdate()
        .executeTakeFirst();
      if (!row || row.status === 'resolved' || row.status === 'closed') return;
      let current = row;
      const awaitingFirst = !row.first_responded_at;
      const warnAt = warnTime(row.created_at, row.first_response_due_at);
      if (awaitingFirst && !row.first_response_warned_at && now >= warnAt && now < row.first_response_due_at) {
        current = await this.setFields(tx, current, { first_response_warned_at: now }, now);
        await this.announce(tx, current, 'ticket.sla_warning', emit, now);
        this.logger.warn({ ticket_id: row.id, due: row.first_response_due_at }, 'ticket close to its first-response target');
      }
      const missed = (awaitingFirst && now >= row.first_response_due_at) || now >= row.resolution_due_at;
      if (missed && !row.breached_at) {
        current = await this.setFields(tx, current, { breached_at: now, escalated_at: now, priority: nextPriority(row.priority) }, now);
        await this.insertMessage(
          tx,
          current,
          { author: 'system', authorUserId: null, body: `SLA missed: escalated to ${current.priority}.`, internal: true, attachmentId: null },
          now,
          emit,
        );
        await this.announce(tx, current, 'ticket.escalated', emit, now);
        if (current.priority === 'urgent') await this.pageOnCall(tx, current, now);
        this.logger.warn({ ticket_id: row.id }, 'ticket missed its SLA and was escalated');
      }
      const next = [
        current.first_responded_at ? undefined : warnAt,
        current.first_responded_at ? undefined : current.first_response_due_at,
        current.resolution_due_at,
      ]
        .filter((d): d is Date => d !== undefined && d > now)
        .sort((a, b) => a.getTime() - b.getTime())[0];
      if (next && !current.breached_at) await this.scheduleSlaCheck(tx, current, next, now);
    });
  }

  /** A staff reply the driver has not opened in the app goes to their email (through the outbox). */
  private async emailIfUnread(tenantId: string, payload: { ticket_id: string; message_id: string }): Promise<void> {
    await this.scopes.tenant(tenantId, async (tx) => {
      const row = await tx.selectFrom('support_tickets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', payload.ticket_id).executeTakeFirst();
      const message = await tx
        .selectFrom('support_messages')
        .select('created_at')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', payload.message_id)
        .executeTakeFirst();
      if (!row?.driver_id || !message) return;
      if (row.driver_read_at && row.driver_read_at >= message.created_at) return;
      await recordDriverEvent(tx, tenantId, 'support.reply', row.driver_id, { ticket_id: row.id, number: Number(row.number), subject: row.subject });
    });
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register(SLA_JOB, async (payload: { ticket_id: string }, { tenantId, now }) => {
      if (tenantId) await this.checkSla(tenantId, payload.ticket_id, now);
    });
    jobs.register(UNREAD_JOB, async (payload: { ticket_id: string; message_id: string }, { tenantId }) => {
      if (tenantId) await this.emailIfUnread(tenantId, payload);
    });
  }
}
