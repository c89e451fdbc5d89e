import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/** How a network runs its desk: who is on call when (and in which languages), canned replies, help articles. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table support_on_call_shifts (
      tenant_id text not null references networks (id),
      id text not null,
      user_id text not null references users (id),
      -- 0 = Sunday … 6 = Saturday, in the shift's time zone.
      weekdays smallint[] not null check (weekdays <@ array[0, 1, 2, 3, 4, 5, 6]::smallint[] and cardinality(weekdays) > 0),
      starts_minute integer not null check (starts_minute between 0 and 1439),
      ends_minute integer not null check (ends_minute between 1 and 1440),
      time_zone text not null,
      languages text[] not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`
    create table support_canned_replies (
      tenant_id text not null references networks (id),
      id text not null,
      language text not null,
      title text not null,
      body text not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`
    create table support_articles (
      tenant_id text not null references networks (id),
      id text not null,
      language text not null,
      topic text not null check (topic in ('question', 'fault', 'billing', 'booking')),
      title text not null,
      body text not null,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`create index support_articles_lookup on support_articles (tenant_id, language, topic)`.execute(db);
  await enableTenantIsolation(db, ['support_on_call_shifts', 'support_canned_replies', 'support_articles']);
  // Help articles are public reading, like published locations: readable in a public-read transaction.
  await sql`create policy public_read on support_articles for select using (current_setting('app.public_read', true) = 'on')`.execute(db);
}
