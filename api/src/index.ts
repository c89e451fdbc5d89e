export { hashPassword, verifyPassword } from './auth/secrets.js';
export type { ChargerCommand, CommandAnswer } from './charging/charger-commands.js';
export type { MeterSample, TransactionRef } from './charging/charging.model.js';
export type { IdTokenType } from './charging/charging.tables.js';
export { ChargePointOffline, ChargePointRejected, ChargePointTimeout, InProcessCommandRouter } from './charging/commands.js';
export { type Config, ConfigError, loadConfig } from './config/config.js';
export { type DatabaseHandle, type Db, openDatabase } from './db/database.js';
export { isDatabaseUnavailable } from './db/errors.js';
export { migrateToLatest } from './db/migrate.js';
export type { EvseStatus } from './db/schema.js';
export { Scopes } from './db/tenancy.js';
export { DEMO } from './demo/credentials.js';
export {
  dayTypeMedian,
  ensemble,
  FORECASTERS,
  type HourlyForecaster,
  type HourlyHistory,
  hourOfWeekMean,
  hourOfWeekMedian,
  mstl,
  seasonalNaive,
} from './forecasting/models.js';
export { PartnersService } from './partners/partners.service.js';
export { type EnergyCosts, type LeastCostPlanInput, PEAK_WEIGHT, planSiteAtLeastCost } from './scheduling/least-cost.js';
export { lpSolver } from './scheduling/lp-solver.js';
export { FlowNetwork } from './scheduling/max-flow.js';
export { type Allocation, type ChargingNeed, planSite, type SitePlanInput } from './scheduling/optimiser.js';
export { createLogger } from './server/logger.js';
export { createServices, type Services } from './server/services.js';
export { type StaticSite, workspaceSites } from './server/sites.js';
export { type RunningPlatform, startPlatform } from './server/start.js';
export { DomainError, type ErrorKind } from './shared/errors.js';
export { findNul } from './shared/nul.js';
