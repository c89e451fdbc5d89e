import { failedToStart, runMain } from '@voltshare/api/run';
import { attachOcppGateway } from './gateway.js';

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

runMain([(server, services) => attachOcppGateway(server, services, { heartbeatIntervalS, pingIntervalMs })], (url) => [
  `  OCPP 1.6J      ${url.replace(/^http/, 'ws')}/ocpp/{identity}`,
]).catch(failedToStart);
