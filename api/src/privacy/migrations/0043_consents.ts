import { type Kysely, sql } from 'kysely';

/**
 * Consents, per person and purpose (and partner, for sharing with one): every grant and
 * withdrawal kept with the version and the very words the person was shown, in their language.
 * The latest record of a purpose is the person's current choice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table consents (
      id text primary key,
      user_id text not null references users (id),
      purpose text not null check (purpose in ('marketing', 'location_history', 'partner_sharing')),
      partner_id text references partners (id),
      granted boolean not null,
      text_version text not null,
      language text not null,
      text_shown text not null,
      at timestamptz not null default now(),
      check ((purpose = 'partner_sharing') = (partner_id is not null))
    )`.execute(db);
  await sql`create index consents_user on consents (user_id, purpose, partner_id, at desc)`.execute(db);
  await sql`create index consents_partner on consents (partner_id, user_id, at desc) where partner_id is not null`.execute(db);
}
