export { loadConfig, type Config } from './config/config.js';
export { openDatabase, type Db, type DatabaseHandle } from './db/database.js';
export { migrateToLatest } from './db/migrate.js';
export { Scopes } from './db/tenancy.js';
export { startPlatform, type RunningPlatform } from './server/start.js';
export { createServices, type Services } from './server/services.js';
