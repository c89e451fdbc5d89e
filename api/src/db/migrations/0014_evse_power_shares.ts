import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../rls.js';

/**
 * What each EVSE last accepted of its site's limit (null: no cap), so the next change lowers
 * before it raises, in whichever process and after restarts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table evse_power_shares (
      tenant_id text not null references networks (id),
      evse_uid text not null,
      share_w integer,
      told_at timestamptz not null,
      primary key (tenant_id, evse_uid),
      foreign key (tenant_id, evse_uid) references evses (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['evse_power_shares']);
}
