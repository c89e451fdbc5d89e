import { sql } from 'kysely';

/**
 * What a session's end says about the charger, for every module that judges chargers by their
 * sessions (incidents open on repeated failed starts; the community's reliability score).
 */

/** A start that ends within this time having delivered less than FAILED_START_WH failed. */
export const FAILED_START_MS = 3 * 60_000;
export const FAILED_START_WH = 100;

/** Stop reasons by which the charger, not the driver or the car, ended the session. */
export const FAULT_STOP_REASONS = ['EmergencyStop', 'PowerLoss', 'HardReset', 'SoftReset', 'Reboot'] as const;

/** The failed-start test over a `charging_sessions` row (unqualified columns). */
export const failedStartSql = sql<boolean>`(status = 'COMPLETED' and stopped_at - started_at < ${`${FAILED_START_MS / 1000} seconds`}::interval
  and coalesce(meter_stop_wh, meter_last_wh) - meter_start_wh < ${FAILED_START_WH})`;

/** A completed session that neither failed to start nor was ended by a fault. */
export const sessionWorkedSql = sql<boolean>`(not ${failedStartSql} and coalesce(stop_reason, '') <> all(${[...FAULT_STOP_REASONS]}::text[]))`;
