import { type Kysely, sql } from 'kysely';

/**
 * Row-level security: inside a tenant transaction (`app.tenant_id` set, role voltshare_app)
 * a table shows and accepts only that tenant's rows, whatever the query says.
 * FORCE makes it apply to the tables' owner too, should the app ever connect as it.
 */
export async function enableTenantIsolation(db: Kysely<unknown>, tables: string[]): Promise<void> {
  for (const table of tables) {
    const t = sql.table(table);
    await sql`alter table ${t} enable row level security`.execute(db);
    await sql`alter table ${t} force row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${t}
      using (tenant_id = current_setting('app.tenant_id', true))
      with check (tenant_id = current_setting('app.tenant_id', true))`.execute(db);
    await sql`grant select, insert, update, delete on ${t} to voltshare_app`.execute(db);
  }
}
