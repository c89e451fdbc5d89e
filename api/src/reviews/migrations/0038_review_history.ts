import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/** Reviews gain a visibility (moderation hides and restores, never deletes) and their edit history. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reviews add column status text not null default 'VISIBLE' check (status in ('VISIBLE', 'HELD', 'HIDDEN'))`.execute(db);
  await sql`
    create table review_edits (
      tenant_id text not null references networks (id),
      id text not null,
      review_id text not null,
      rating smallint not null,
      comment text,
      edited_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['review_edits']);
}
