import { type Kysely, sql } from 'kysely';

/** A person's request to delete their account: carried out when the grace period ends, unless they cancel first. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table account_deletions (
      id text primary key,
      user_id text not null references users (id),
      contributions text not null check (contributions in ('keep', 'remove')),
      status text not null default 'scheduled' check (status in ('scheduled', 'cancelled', 'done')),
      requested_at timestamptz not null default now(),
      due_at timestamptz not null,
      done_at timestamptz
    )`.execute(db);
  await sql`create unique index account_deletions_one_scheduled on account_deletions (user_id) where status = 'scheduled'`.execute(db);
}
