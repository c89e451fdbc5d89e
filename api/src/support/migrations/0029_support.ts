import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/**
 * Support: tickets from drivers, partners, staff and people without an account (the QR fault
 * form), their conversation and photos, and each network's SLA targets per priority.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_tickets (
      tenant_id text not null references networks (id),
      id text not null,
      number bigint generated always as identity,
      kind text not null check (kind in ('question', 'fault', 'billing', 'booking')),
      status text not null default 'open' check (status in ('open', 'waiting', 'resolved', 'closed')),
      priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
      channel text not null check (channel in ('app', 'widget', 'api', 'qr', 'staff', 'partner')),
      subject text not null,
      language text not null,
      driver_id text references users (id),
      partner_id text,
      opened_by_user_id text references users (id),
      reporter_email text,
      reporter_token_hash text,
      location_id text,
      evse_uid text,
      session_id text,
      reservation_id text,
      incident_id text,
      symptom text,
      tags text[] not null default '{}',
      assignee_id text references users (id),
      first_response_due_at timestamptz not null,
      resolution_due_at timestamptz not null,
      first_responded_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      first_response_warned_at timestamptz,
      breached_at timestamptz,
      escalated_at timestamptz,
      rating smallint check (rating between 1 and 5),
      rating_comment text,
      driver_read_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, location_id) references locations (tenant_id, id),
      foreign key (tenant_id, evse_uid) references evses (tenant_id, id)
    )`.execute(db);
  await sql`create index support_tickets_queue on support_tickets (tenant_id, status, priority, created_at)`.execute(db);
  await sql`create index support_tickets_driver on support_tickets (driver_id, created_at) where driver_id is not null`.execute(db);
  await sql`create index support_tickets_evse on support_tickets (tenant_id, evse_uid) where evse_uid is not null`.execute(db);
  await sql`
    create table support_messages (
      tenant_id text not null references networks (id),
      id text not null,
      ticket_id text not null,
      author text not null check (author in ('driver', 'reporter', 'partner', 'staff', 'system')),
      author_user_id text references users (id),
      body text not null,
      internal boolean not null default false,
      attachment_id text,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, ticket_id) references support_tickets (tenant_id, id)
    )`.execute(db);
  await sql`create index support_messages_ticket on support_messages (tenant_id, ticket_id, id)`.execute(db);
  await sql`
    create table support_attachments (
      tenant_id text not null references networks (id),
      id text not null,
      ticket_id text not null,
      content_type text not null,
      size_bytes integer not null check (size_bytes > 0),
      bytes bytea not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, ticket_id) references support_tickets (tenant_id, id)
    )`.execute(db);
  await sql`
    create table support_sla_policies (
      tenant_id text not null references networks (id),
      priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
      first_response_minutes integer not null check (first_response_minutes > 0),
      resolution_minutes integer not null check (resolution_minutes > 0),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, priority)
    )`.execute(db);
  await enableTenantIsolation(db, ['support_tickets', 'support_messages', 'support_attachments', 'support_sla_policies']);
}
