import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/** What staff did to chargers, sessions and tickets: who, what, to which, with what outcome. Append-only. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_events (
      tenant_id text not null references networks (id),
      id text not null,
      actor_user_id text references users (id),
      action text not null,
      subject_type text not null,
      subject_id text not null,
      outcome text not null check (outcome in ('done', 'refused', 'failed')),
      detail jsonb not null default '{}',
      at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`create index audit_events_subject on audit_events (tenant_id, subject_id, at)`.execute(db);
  await enableTenantIsolation(db, ['audit_events']);
  // Append-only for the app: history is not rewritten.
  await sql`revoke update, delete on audit_events from voltshare_app`.execute(db);
}
