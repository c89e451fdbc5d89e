import { type Kysely, sql } from 'kysely';

/**
 * A transaction id the charger chooses (OCPP 2.0.1: a string of up to 36 characters) beside the
 * integer the platform issues (1.6): unique per charger, so a retried event finds its session.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table charging_sessions add column charger_transaction_id text check (length(charger_transaction_id) between 1 and 36)`.execute(db);
  await sql`
    create unique index charging_sessions_charger_tx_idx on charging_sessions (tenant_id, charge_point_id, charger_transaction_id)
    where charger_transaction_id is not null`.execute(db);
}
