import { type Kysely, sql } from 'kysely';

/**
 * Users are platform-wide (drivers use every network), so a network must not read all of them:
 * inside a tenant transaction only the network's own staff are visible, and only the columns
 * a staff list needs (never the password hash).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users enable row level security`.execute(db);
  await sql`
    create policy staff_of_tenant on users for select to voltshare_app
    using (exists (
      select 1 from memberships m
      where m.user_id = users.id and m.tenant_id = current_setting('app.tenant_id', true)
    ))`.execute(db);
  await sql`grant select (id, email, name, locale, created_at) on users to voltshare_app`.execute(db);
}
