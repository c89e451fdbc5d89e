import { type Kysely, sql } from 'kysely';

/**
 * The sandbox payment provider keeps its intents and idempotent replies in the database, like
 * the real provider keeps them on its side: a session authorised before a crash is captured after it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sandbox_payment_intents (
      id text primary key,
      amount bigint not null check (amount >= 0),
      status text not null check (status in ('requires_capture', 'succeeded', 'canceled')),
      captured bigint not null default 0,
      refunded bigint not null default 0,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table sandbox_replies (
      key text primary key,
      reply jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}
