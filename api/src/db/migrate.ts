import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import * as m0034 from '../audit/migrations/0034_audit_events.js';
import * as m0041 from '../audit/migrations/0041_audit_chain.js';
import * as m0039 from '../auth/migrations/0039_account_security.js';
import * as m0040 from '../auth/migrations/0040_account_lockout.js';
import * as m0018 from '../charging/migrations/0018_charger_transaction_ids.js';
import * as m0019 from '../charging/migrations/0019_id_token_types.js';
import * as m0021 from '../charging/migrations/0021_energy_wanted.js';
import * as m0024 from '../charging/migrations/0024_flexible_sessions.js';
import * as m0036 from '../community/migrations/0036_community.js';
import * as m0020 from '../drivers/migrations/0020_driver_profiles.js';
import * as m0028 from '../forecasting/migrations/0028_site_forecasts.js';
import * as m0031 from '../incidents/migrations/0031_incidents.js';
import * as m0030 from '../locations/migrations/0030_availability_history.js';
import * as m0037 from '../locations/migrations/0037_location_reliability.js';
import * as m0042 from '../privacy/migrations/0042_data_exports.js';
import * as m0043 from '../privacy/migrations/0043_consents.js';
import * as m0044 from '../privacy/migrations/0044_account_deletions.js';
import * as m0045 from '../privacy/migrations/0045_retention_settings.js';
import * as m0038 from '../reviews/migrations/0038_review_history.js';
import * as m0022 from '../site-limits/migrations/0022_planned_energy.js';
import * as m0023 from '../site-limits/migrations/0023_site_energy.js';
import * as m0026 from '../site-limits/migrations/0026_clean_objectives.js';
import * as m0029 from '../support/migrations/0029_support.js';
import * as m0033 from '../support/migrations/0033_support_desk.js';
import * as m0025 from '../sustainability/migrations/0025_sustainability.js';
import * as m0027 from '../tariffs/migrations/0027_dynamic_tariffs.js';
import * as m0032 from '../uptime/migrations/0032_uptime_exclusions.js';
import * as m0035 from '../webhooks/migrations/0035_partner_webhooks.js';
import type { Db } from './database.js';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_staff_visibility.js';
import * as m0003 from './migrations/0003_network_model.js';
import * as m0004 from './migrations/0004_spatial_candidates.js';
import * as m0005 from './migrations/0005_public_flags.js';
import * as m0006 from './migrations/0006_charging_sessions.js';
import * as m0007 from './migrations/0007_reservations.js';
import * as m0008 from './migrations/0008_pricing.js';
import * as m0009 from './migrations/0009_payments.js';
import * as m0010 from './migrations/0010_wallets.js';
import * as m0011 from './migrations/0011_ad_hoc.js';
import * as m0012 from './migrations/0012_reviews.js';
import * as m0013 from './migrations/0013_site_power_limits.js';
import * as m0014 from './migrations/0014_evse_power_shares.js';
import * as m0015 from './migrations/0015_reservation_fees.js';
import * as m0016 from './migrations/0016_block_unpaid_fees.js';
import * as m0017 from './migrations/0017_sandbox_payments.js';

/** Versioned migrations, in order; the same ones run on PGlite and on PostgreSQL. */
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_staff_visibility': m0002,
  '0003_network_model': m0003,
  '0004_spatial_candidates': m0004,
  '0005_public_flags': m0005,
  '0006_charging_sessions': m0006,
  '0007_reservations': m0007,
  '0008_pricing': m0008,
  '0009_payments': m0009,
  '0010_wallets': m0010,
  '0011_ad_hoc': m0011,
  '0012_reviews': m0012,
  '0013_site_power_limits': m0013,
  '0014_evse_power_shares': m0014,
  '0015_reservation_fees': m0015,
  '0016_block_unpaid_fees': m0016,
  '0017_sandbox_payments': m0017,
  '0018_charger_transaction_ids': m0018,
  '0019_id_token_types': m0019,
  '0020_driver_profiles': m0020,
  '0021_energy_wanted': m0021,
  '0022_planned_energy': m0022,
  '0023_site_energy': m0023,
  '0024_flexible_sessions': m0024,
  '0025_sustainability': m0025,
  '0026_clean_objectives': m0026,
  '0027_dynamic_tariffs': m0027,
  '0028_site_forecasts': m0028,
  '0029_support': m0029,
  '0030_availability_history': m0030,
  '0031_incidents': m0031,
  '0032_uptime_exclusions': m0032,
  '0033_support_desk': m0033,
  '0034_audit_events': m0034,
  '0035_partner_webhooks': m0035,
  '0036_community': m0036,
  '0037_location_reliability': m0037,
  '0038_review_history': m0038,
  '0039_account_security': m0039,
  '0040_account_lockout': m0040,
  '0041_audit_chain': m0041,
  '0042_data_exports': m0042,
  '0043_consents': m0043,
  '0044_account_deletions': m0044,
  '0045_retention_settings': m0045,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
