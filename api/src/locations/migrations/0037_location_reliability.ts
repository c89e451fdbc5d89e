import { type Kysely, sql } from 'kysely';

/** Each station's reliability score and what it rests on, for discovery to show, filter and sort by (the community module computes it). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table locations add column reliability_score numeric(3, 1), add column reliability jsonb`.execute(db);
  await sql`create index locations_reliability on locations (reliability_score desc nulls last, tenant_id, id) where status = 'ACTIVE'`.execute(db);
}
