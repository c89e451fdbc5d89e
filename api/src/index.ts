export { type Config, loadConfig } from './config/config.js';
export { type DatabaseHandle, type Db, openDatabase } from './db/database.js';
export { migrateToLatest } from './db/migrate.js';
export { Scopes } from './db/tenancy.js';
export { createServices, type Services } from './server/services.js';
export { type RunningPlatform, startPlatform } from './server/start.js';
