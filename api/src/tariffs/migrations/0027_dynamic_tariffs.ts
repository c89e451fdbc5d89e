import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from '../../db/rls.js';

/**
 * Dynamic off-peak pricing: a network's rules for a tariff (discount when its sites are forecast
 * quiet, surcharge at forecast peaks, within bounds), the tariff's base elements, and the day
 * versions published from them (each an OCPI element restricted to its date and hours).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tariff_dynamic_rules (
      tenant_id text not null references networks (id),
      tariff_id text not null,
      quiet_discount_percent double precision not null check (quiet_discount_percent between 0 and 50),
      peak_surcharge_percent double precision not null check (peak_surcharge_percent between 0 and 50),
      quiet_free_share double precision not null check (quiet_free_share between 0 and 1),
      peak_busy_share double precision not null check (peak_busy_share between 0 and 1),
      min_energy_price integer check (min_energy_price >= 0),
      max_energy_price integer check (max_energy_price >= 0),
      held boolean not null default false,
      base_elements jsonb not null,
      published_days jsonb not null default '{}',
      updated_at timestamptz not null,
      primary key (tenant_id, tariff_id),
      foreign key (tenant_id, tariff_id) references tariffs (tenant_id, id)
    )`.execute(db);
  await enableTenantIsolation(db, ['tariff_dynamic_rules']);
}
