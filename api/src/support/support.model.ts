import type { ResourceId } from '../shared/validation.js';
import type { FaultSymptom, SlaState } from './sla.js';
import type { MessageAuthor, TicketChannel, TicketKind, TicketPriority, TicketStatus } from './support.tables.js';

/** A new ticket from a driver, a partner or staff. What it is about decides the network it goes to. */
export interface TicketRequest {
  kind: TicketKind;
  /**
   * One line for the queue (up to 200 characters).
   * @minLength 1
   * @maxLength 200
   */
  subject: string;
  /**
   * What happened (up to 5,000 characters).
   * @minLength 1
   * @maxLength 5000
   */
  message: string;
  /** The network asked, when nothing else names it (a question). */
  network_id?: ResourceId;
  location_id?: ResourceId;
  /**
   * The EVSE at fault: its printed id (`LU*VOL*E1`), the QR code's link, or its uid. Required for a fault.
   * @maxLength 300
   */
  evse_ref?: string;
  /** A fault's symptom. Required for a fault. */
  symptom?: FaultSymptom;
  /** The session a billing dispute is about. */
  session_id?: ResourceId;
  /** The booking a booking problem is about. */
  reservation_id?: ResourceId;
  /**
   * The language to answer in (BCP 47), e.g. `de` or `fr-LU`; defaults to English.
   * @maxLength 35
   * @pattern ^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$
   */
  language?: string;
  /** Where the ticket was written; drivers default to `app`, staff to `staff`. */
  channel?: 'app' | 'widget' | 'api';
}

/** A fault reported at the charger without an account (the QR code's form). */
export interface FaultReportRequest {
  /**
   * The printed EVSE id or the QR code's link.
   * @maxLength 300
   */
  evse_ref: string;
  symptom: FaultSymptom;
  /**
   * What happened (up to 2,000 characters).
   * @maxLength 2000
   */
  message?: string;
  /**
   * Where to send the answer; without it the reporter follows the ticket by its link only.
   * @maxLength 254
   */
  email?: string;
  /**
   * @maxLength 35
   * @pattern ^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$
   */
  language?: string;
}

export interface FaultReportReceipt {
  ticket_id: string;
  number: number;
  /** A secret for `GET /v1/support/fault-reports/{ticket_id}?token=…`: the only way to follow the report without an account. */
  follow_token: string;
}

export interface TicketMessage {
  id: string;
  author: MessageAuthor;
  /** The staff member's name on a reply; never shown for drivers. */
  author_name: string | null;
  body: string;
  /** A staff-only note (never sent to the driver). */
  internal: boolean;
  attachment_id: string | null;
  created_at: Date;
}

export interface Ticket {
  id: string;
  /** The number people quote (`#1042`). */
  number: number;
  network_id: string;
  kind: TicketKind;
  status: TicketStatus;
  priority: TicketPriority;
  channel: TicketChannel;
  subject: string;
  language: string;
  location_id: string | null;
  evse_uid: string | null;
  /** The printed EVSE id, as on the charger. */
  evse_id: string | null;
  session_id: string | null;
  reservation_id: string | null;
  incident_id: string | null;
  symptom: string | null;
  tags: string[];
  assignee_id: string | null;
  first_response_due_at: Date;
  resolution_due_at: Date;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  sla: SlaState;
  rating: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface TicketWithMessages extends Ticket {
  messages: TicketMessage[];
}

/** A reply to the driver (or reporter), or with `internal` a note only staff see. */
export interface ReplyRequest {
  /**
   * @minLength 1
   * @maxLength 5000
   */
  body: string;
  internal?: boolean;
  /** A photo uploaded to the ticket (`POST …/attachments`) to show with the message. */
  attachment_id?: ResourceId;
  /** Staff: the status the ticket moves to with this reply (default `waiting` for a reply, unchanged for a note). */
  status?: TicketStatus;
}

/** What staff change on a ticket; fields left out stay as they are. */
export interface TicketUpdate {
  status?: TicketStatus;
  priority?: TicketPriority;
  /** @maxItems 20 */
  tags?: Tag[];
  /** A staff member of the network with support rights; null unassigns. */
  assignee_id?: ResourceId | null;
}

/**
 * A ticket's tag: letters, digits, - and _.
 * @maxLength 40
 */
export type Tag = string;

export interface RatingRequest {
  /**
   * @isInt
   * @minimum 1
   * @maximum 5
   */
  rating: number;
  /** @maxLength 2000 */
  comment?: string;
}

export interface SlaPolicy {
  priority: TicketPriority;
  /**
   * @isInt
   * @minimum 1
   * @maximum 43200
   */
  first_response_minutes: number;
  /**
   * @isInt
   * @minimum 1
   * @maximum 129600
   */
  resolution_minutes: number;
}

export interface SlaPolicies {
  policies: SlaPolicy[];
}

export interface Attachment {
  id: string;
  content_type: string;
  size_bytes: number;
}

/** Staff act on the ticket's charger, session or money; each is noted on the ticket and in the audit trail. */
export interface TicketActionRequest {
  action: 'remote_start' | 'remote_stop' | 'unlock' | 'reset' | 'set_availability' | 'refund';
  /** `reset`: a hard reset (power cycle) instead of a soft one. */
  hard?: boolean;
  /** `set_availability`: in service (true) or out of service (false). */
  operative?: boolean;
  /**
   * `refund`: how much, in minor units; the whole payment when left out.
   * @isInt
   * @minimum 1
   */
  amount?: number;
  /** @maxLength 500 */
  reason?: string;
}

export interface TicketActionResult {
  action: TicketActionRequest['action'];
  outcome: 'done' | 'refused';
  /** The charger's own word for its answer, or the refund. */
  detail: string;
  audit_event_id: string;
}
