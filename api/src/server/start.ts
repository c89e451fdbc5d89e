import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import type { Config } from '../config/config.js';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { startDemoActivity } from '../demo/activity.js';
import { containsDemoData, seedDemo } from '../demo/seed.js';
import { type FastDiscovery, fastDiscovery } from '../locations/fast-discovery.js';
import { attachRealtime } from '../realtime/realtime.server.js';
import { createLogger } from './logger.js';
import { createServices, type Services } from './services.js';
import { type StaticSite, workspaceSites } from './sites.js';

/** Something attached to the platform's HTTP server before it listens (the OCPP gateway). */
export type Extension = (server: Server, services: Services) => { close(): Promise<void> } | Promise<{ close(): Promise<void> }>;

export interface RunningPlatform {
  server: Server;
  /** The discovery fast path in front of Express. */
  fastDiscovery: FastDiscovery;
  /** Settles when the public discovery index has loaded. */
  indexLoaded: Promise<void>;
  services: Services;
  url: string;
  stop(graceMs?: number): Promise<void>;
}

/** Opens the database, migrates, seeds the demo when asked, and listens. Used by main and tests. */
export async function startPlatform(
  config: Config,
  database?: DatabaseHandle,
  extensions: Extension[] = [],
  sites: StaticSite[] = workspaceSites(),
): Promise<RunningPlatform> {
  const logger = createLogger(config.logLevel);
  const db = database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` }));
  const applied = await migrateToLatest(db.db);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  const services = createServices(config, db, logger);
  if (config.env === 'production' && (await containsDemoData(services))) {
    await db.close();
    throw new Error('the database contains the public demo network; production refuses to start with demo credentials');
  }

  const app = createApp(services, sites);
  const fast = fastDiscovery(services);
  const server = createServer((req, res) => {
    const handled = fast(req, res);
    if (handled === false) app(req, res);
    else if (handled !== true)
      handled.then(
        (done) => done || app(req, res),
        () => app(req, res),
      );
  });
  const io = attachRealtime(server, services);
  const attached = await Promise.all(extensions.map((extend) => extend(server, services)));
  const unwatchQueues = services.queue.watch();
  const unfollowIndex = services.discoveryIndex.follow(services.bus);
  // Searches use the database until the index is loaded; a large network takes a while. A failed
  // load is tried again (the process is not ready without it) until it succeeds or the platform stops.
  let stopping = false;
  const indexLoaded = (async () => {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        return await services.discoveryIndex.loadAll();
      } catch (error) {
        logger.error({ err: error, attempt }, 'public index load failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)).unref());
      }
    }
  })();
  // Due jobs (also those from before a restart) run as soon as the runner starts.
  if (config.jobs) services.jobs.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl ?? `http://localhost:${port}`;
  services.publicBase.url = url;
  let stopActivity = () => {};
  if (config.demo) {
    const origins = [...new Set([new URL(url).origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`])];
    const seeded = await seedDemo(services, origins);
    logger.info({ network_id: seeded.networkId, created: seeded.created }, seeded.created ? 'demo network seeded' : 'demo network present');
    stopActivity = startDemoActivity(services, seeded.networkId);
  }
  // Sessions that ended before carbon accounting existed (or whose job was lost) are accounted in the background.
  // Chargers changing state ask for a prompt incident sweep; the minute tick covers anything missed.
  const stopWatchingIncidents = services.incidents.watch();
  // Followers hear when a station is free again or a fault there is fixed.
  const stopWatchingFollows = services.community.watch();
  if (config.jobs) {
    await services.incidents.startTicking();
    await services.sustainability.scheduleBackfill();
    await services.forecasting.scheduleNightly();
    await services.reliability.scheduleNightly();
    await services.retention.scheduleNightly();
    await services.flows.offPeakNudges.schedule();
  }
  services.started = true;
  return {
    server,
    fastDiscovery: fast,
    indexLoaded,
    services,
    url,
    /**
     * In order: stop accepting (HTTP, OCPP) and starting new work, let what is in flight finish
     * (requests, charger calls, a running job), write what is queued, and only then close the
     * database, so no handler meets a closed pool.
     */
    async stop(graceMs = 10_000) {
      stopping = true;
      services.started = false;
      stopWatchingIncidents();
      stopWatchingFollows();
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      stopActivity();
      unwatchQueues();
      unfollowIndex();
      await indexLoaded;
      await Promise.all([services.jobs.stop(), ...attached.map((extension) => extension.close())]);
      io.disconnectSockets(true);
      const grace = setTimeout(() => server.closeAllConnections(), graceMs);
      await httpClosed;
      clearTimeout(grace);
      await services.discoveryIndex.settled();
      await services.siteLimits.settled();
      services.charging.messageLog.stop();
      await services.charging
        .flushFrames()
        .catch((err: unknown) => logger.error({ err, lost: services.charging.messageLog.stats().queued }, 'message log not written at shutdown'));
      await services.close();
      await db.close();
    },
  };
}
