import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp, UpdatedAt } from '../db/column-types.js';

// The tables the support module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export type TicketKind = 'question' | 'fault' | 'billing' | 'booking';
export type TicketStatus = 'open' | 'waiting' | 'resolved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export type TicketChannel = 'app' | 'widget' | 'api' | 'qr' | 'staff' | 'partner';
export type MessageAuthor = 'driver' | 'reporter' | 'partner' | 'staff' | 'system';

export interface SupportTicketsTable {
  tenant_id: string;
  id: string;
  number: ColumnType<string, never, never>;
  kind: TicketKind;
  status: ColumnType<TicketStatus, TicketStatus | undefined, TicketStatus>;
  priority: TicketPriority;
  channel: TicketChannel;
  subject: string;
  language: string;
  driver_id: string | null;
  partner_id: string | null;
  opened_by_user_id: string | null;
  /** Where to answer someone who reported without an account. */
  reporter_email: string | null;
  /** Hash of the secret link that lets an anonymous reporter follow the ticket. */
  reporter_token_hash: string | null;
  location_id: string | null;
  evse_uid: string | null;
  session_id: string | null;
  reservation_id: string | null;
  incident_id: string | null;
  symptom: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  assignee_id: string | null;
  first_response_due_at: Timestamp;
  resolution_due_at: Timestamp;
  first_responded_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  first_response_warned_at: NullableTimestamp;
  breached_at: NullableTimestamp;
  escalated_at: NullableTimestamp;
  rating: number | null;
  rating_comment: string | null;
  driver_read_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SupportMessagesTable {
  tenant_id: string;
  id: string;
  ticket_id: string;
  author: MessageAuthor;
  author_user_id: string | null;
  body: string;
  /** Staff-only notes, never shown to the driver or reporter. */
  internal: ColumnType<boolean, boolean | undefined, boolean>;
  attachment_id: string | null;
  created_at: CreatedAt;
}

export interface SupportAttachmentsTable {
  tenant_id: string;
  id: string;
  ticket_id: string;
  content_type: string;
  size_bytes: number;
  bytes: ColumnType<Buffer, Buffer, never>;
  created_at: CreatedAt;
}

export interface SupportSlaPoliciesTable {
  tenant_id: string;
  priority: TicketPriority;
  first_response_minutes: number;
  resolution_minutes: number;
  updated_at: UpdatedAt;
}

export interface SupportOnCallShiftsTable {
  tenant_id: string;
  id: string;
  user_id: string;
  /** 0 = Sunday … 6 = Saturday, in `time_zone`. */
  weekdays: ColumnType<number[], number[], number[]>;
  starts_minute: number;
  /** Up to 1440; a shift whose end is before its start runs past midnight. */
  ends_minute: number;
  time_zone: string;
  languages: ColumnType<string[], string[], string[]>;
  created_at: CreatedAt;
}

export interface SupportCannedRepliesTable {
  tenant_id: string;
  id: string;
  language: string;
  title: string;
  body: string;
  created_at: CreatedAt;
}

export interface SupportArticlesTable {
  tenant_id: string;
  id: string;
  language: string;
  topic: TicketKind;
  title: string;
  body: string;
  updated_at: UpdatedAt;
}
