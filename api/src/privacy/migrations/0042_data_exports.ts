import { type Kysely, sql } from 'kysely';

/** Drivers' data exports: one archive per request, downloadable once through an expiring link (only the token's hash is kept). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table data_exports (
      id text primary key,
      user_id text not null references users (id),
      status text not null default 'pending' check (status in ('pending', 'ready', 'downloaded', 'expired', 'failed')),
      token_hash text unique,
      size_bytes bigint,
      expires_at timestamptz,
      ready_at timestamptz,
      downloaded_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index data_exports_user on data_exports (user_id, created_at)`.execute(db);
  // At most one export in the making per person.
  await sql`create unique index data_exports_one_pending on data_exports (user_id) where status = 'pending'`.execute(db);
}
