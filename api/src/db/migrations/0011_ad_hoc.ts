import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/** Ad-hoc charging without an account (EU AFIR): pay at the EVSE by card, get a receipt link. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A guest's payment belongs to no driver.
  await sql`alter table payments alter column driver_id drop not null`.execute(db);
  await sql`
    create table ad_hoc_charges (
      tenant_id text not null references networks (id),
      id text not null,
      evse_uid text not null,
      id_tag text not null unique,
      provider text not null,
      intent_id text,
      hold_amount bigint not null,
      currency char(3) not null,
      email text,
      -- The guest's access to their session and receipt; only its hash is kept.
      token_hash text not null,
      status text not null check (status in ('starting', 'charging', 'failed')),
      failure_code text,
      session_id text,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['ad_hoc_charges']);
}
