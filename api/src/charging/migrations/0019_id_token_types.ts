import { type Kysely, sql } from 'kysely';

const TYPES = `('ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization')`;

/**
 * Id tokens have a type in OCPP 2.0.1 (an RFID card, a contract id, a key code, …); a 1.6 idTag
 * has none. A token may be registered with its type, and a session records the type it started
 * with; null is "no type given", as every token and session before this had.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table id_tags add column token_type text check (token_type in ${TYPES})`).execute(db);
  await sql.raw(`alter table charging_sessions add column id_token_type text check (id_token_type in ${TYPES})`).execute(db);
}
