import { type Kysely, sql } from 'kysely';
import { entryHash, GENESIS } from '../chain.js';

/**
 * The audit trail becomes tamper-evident: each network's entries are numbered and each hashes
 * the one before, so an entry edited or removed by anyone with database access shows when the
 * chain is verified. Entries already there are chained in the order they were made.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_events add column seq bigint, add column prev_hash text, add column hash text`.execute(db);
  const { rows } = await sql<{
    tenant_id: string;
    id: string;
    actor_user_id: string | null;
    action: string;
    subject_type: string;
    subject_id: string;
    outcome: string;
    detail: unknown;
    at: Date;
  }>`select tenant_id, id, actor_user_id, action, subject_type, subject_id, outcome, detail, date_trunc('milliseconds', at) as at from audit_events order by tenant_id, id`.execute(
    db,
  );
  let tenant = '';
  let previous = GENESIS;
  let seq = 0;
  for (const row of rows) {
    if (row.tenant_id !== tenant) [tenant, previous, seq] = [row.tenant_id, GENESIS, 0];
    seq += 1;
    const at = new Date(row.at);
    const hash = entryHash(previous, { ...row, seq, at });
    await sql`update audit_events set seq = ${seq}, prev_hash = ${previous}, hash = ${hash}, at = ${at} where tenant_id = ${row.tenant_id} and id = ${row.id}`.execute(
      db,
    );
    previous = hash;
  }
  await sql`alter table audit_events alter column seq set not null, alter column prev_hash set not null, alter column hash set not null`.execute(db);
  await sql`create unique index audit_events_chain on audit_events (tenant_id, seq)`.execute(db);
}
