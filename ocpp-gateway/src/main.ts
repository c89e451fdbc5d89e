import { DEMO } from '@voltshare/api';
import { failedToStart, runMain } from '@voltshare/api/run';
import { attachOcppGateway } from './gateway.js';
import { SimulatedChargePoint } from './simulator/charge-point.js';

/** The embedded platform `npm start` runs: the API and the OCPP gateway in one process. */
const number = (name: string, fallback: number, min: number, max: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`voltshare: invalid configuration: ${name}: must be a whole number from ${min} to ${max}, got "${raw}"`);
    process.exit(1);
  }
  return value;
};

const heartbeatIntervalS = number('OCPP_HEARTBEAT_INTERVAL_S', 300, 10, 86_400);
const pingIntervalMs = number('OCPP_PING_INTERVAL_MS', 30_000, 1_000, 600_000);
const messageRetentionDays = number('OCPP_MESSAGE_RETENTION_DAYS', 30, 1, 3650);

runMain(
  [(server, services) => attachOcppGateway(server, services, { heartbeatIntervalS, pingIntervalMs, messageRetentionDays })],
  (url) => [`  OCPP 1.6J      ${url.replace(/^http/, 'ws')}/ocpp/{identity}`],
  async (platform) => {
    if (!platform.services.config.demo) return async () => {};
    // The demo's simulated chargers connect over real OCPP to this very process.
    const port = (platform.server.address() as { port: number }).port;
    const sims: SimulatedChargePoint[] = [];
    for (let i = 1; i <= DEMO.simulated.count; i++) {
      const sim = new SimulatedChargePoint({
        url: `ws://127.0.0.1:${port}/ocpp`,
        identity: `${DEMO.simulated.prefix}${i}`,
        password: DEMO.simulated.password,
        connectors: 2,
        speed: 30,
        idTags: [DEMO.idTag],
        arrivalPerMinute: 0.05,
        onError: (err) => platform.services.logger.debug({ err }, 'simulator'),
      });
      try {
        await sim.connect();
        sim.start();
        sims.push(sim);
      } catch (err) {
        platform.services.logger.warn({ err, identity: sim.identity }, 'demo simulator could not connect');
      }
    }
    return async () => {
      await Promise.all(sims.map((s) => s.stop()));
    };
  },
).catch(failedToStart);
