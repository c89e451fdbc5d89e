// OCPP gateway benchmark. Usage: npm run bench:ocpp  (needs BENCH_DATABASE_URL or TEST_DATABASE_URL).
// BENCH_OCPP_CONNECTIONS (default 10000), BENCH_OCPP_SECONDS (default 20, per phase) and
// BENCH_OCPP_RATE (default 2000: the steady phase's StatusNotifications per second).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { io } from 'socket.io-client';
import { hashPassword } from '../../api/dist/index.js';
import { startChild as child } from '../child.mjs';
import { freshDatabase } from '../database.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const N = Number(process.env.BENCH_OCPP_CONNECTIONS ?? 10_000);
const SECONDS = Number(process.env.BENCH_OCPP_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_OCPP_RATE ?? 2000);
const PASSWORD = 'bench-charge-point-password';
const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!server) throw new Error('set BENCH_DATABASE_URL or TEST_DATABASE_URL (a PostgreSQL server)');
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

async function load(url, rate = 0) {
  const l = child([path.join(here, 'load.mjs'), url, String(N), String(SECONDS), PASSWORD, 'BENCH-', String(rate)], {}, /(\{.*\})/);
  return JSON.parse(await l.ready);
}

// 1. The real gateway on a fresh PostgreSQL database.
const database = await freshDatabase(server, 'ocpp');
const url = new URL(database.url);
const hash = await hashPassword(PASSWORD);
const seed = new pg.Client({ connectionString: url.toString() });
await seed.connect();
await seed.query(`
  insert into networks (id, name, slug, country, currency) values ('net_benchocpp', 'Bench OCPP', 'bench-ocpp', 'LU', 'EUR');
  insert into locations (tenant_id, id, name, address, city, country, latitude, longitude, time_zone)
    select 'net_benchocpp', 'loc_b' || n, 'Site ' || n, 'Street', 'City', 'LU', 49.6 + n * 0.0001, 6.1, 'Europe/Luxembourg' from generate_series(1, ${Math.ceil((N + 1) / 10)}) n;
  insert into charge_points (tenant_id, id, location_id, identity, password_hash)
    select 'net_benchocpp', 'cp_b' || n, 'loc_b' || (1 + (n - 1) / 10), 'BENCH-' || n, $$${hash}$$ from generate_series(1, ${N + 1}) n;
  insert into evses (tenant_id, id, location_id, charge_point_id, ocpp_connector_id)
    select 'net_benchocpp', 'evse_b' || n, 'loc_b' || (1 + (n - 1) / 10), 'cp_b' || n, 1 from generate_series(1, ${N + 1}) n;
  insert into api_keys (id, tenant_id, kind, name, prefix, key_hash, scopes)
    values ('key_benchocpp', 'net_benchocpp', 'secret', 'bench', 'sk_bench', encode(sha256('sk_bench_ocpp_key'::bytea), 'hex'), '{public:read,network:read}');
  analyze;`);
await seed.end();

// BENCH_PROFILE=dir writes a CPU profile of the gateway there (open it in Chrome DevTools).
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const gateway = child(
  [...profile, path.join(root, 'ocpp-gateway/dist/main.js')],
  {
    DATABASE_URL: url.toString(),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    VOLTSHARE_DEMO: 'false',
  },
  /API\s+http:\/\/localhost:(\d+)/,
);
const port = await gateway.ready;
const base = `http://127.0.0.1:${port}`;
const idle = rss(gateway.process.pid);

// A staff socket follows the network and times StatusNotification → evse.status.
const socket = io(base, { auth: { token: 'sk_bench_ocpp_key' }, transports: ['websocket'] });
let events = 0;
socket.on('evse.status', () => events++);
await new Promise((r) => socket.once('connect', r));
const subscribed = await socket.emitWithAck('subscribe', { network: true });
if (!subscribed.ok) throw new Error(`subscribe failed: ${subscribed.error}`);
log(`measuring gateway with ${N} connections …`);
const probe = setInterval(() => {}, 1000);
const loadResult = load(`ws://127.0.0.1:${port}/ocpp`, RATE);
// Latency probe: a charger of its own (not one of the load's) alternates its status and waits for the event.
const latencies = [];
const { RPCClient } = (await import('ocpp-rpc')).default;
await new Promise((r) => setTimeout(r, 2000));
const prober = new RPCClient({
  endpoint: `ws://127.0.0.1:${port}/ocpp`,
  identity: `BENCH-${N + 1}`,
  password: PASSWORD,
  protocols: ['ocpp1.6'],
  reconnect: false,
});
await prober.connect().catch(() => {});
let expecting;
socket.on('evse.status', (e) => {
  if (expecting && e.evse_uid === `evse_b${N + 1}`) {
    latencies.push({ at: Date.now(), ms: performance.now() - expecting });
    expecting = undefined;
  }
});
const probeUntil = Date.now() + (2 * SECONDS + 90) * 1000;
let toggle = 0;
const loaded = await Promise.race([
  loadResult,
  (async () => {
    while (Date.now() < probeUntil) {
      expecting = performance.now();
      await prober
        .call('StatusNotification', {
          connectorId: 1,
          errorCode: 'NoError',
          status: toggle++ % 2 ? 'Available' : 'Charging',
          timestamp: new Date().toISOString(),
        })
        .catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
    }
    return loadResult;
  })(),
]);
clearInterval(probe);
const loadedRss = rss(gateway.process.pid);
await prober.close({ force: true }).catch(() => {});
socket.disconnect();
const exited = new Promise((r) => gateway.process.once('exit', r));
gateway.process.kill('SIGINT');
await exited;
await database.drop();

// 2. The ceiling: bare ocpp-rpc.
const bare = child([path.join(here, 'bare.mjs')], {}, /listening (\d+)/);
const barePort = await bare.ready;
log(`measuring bare ocpp-rpc with ${N} connections …`);
const ceiling = await load(`ws://127.0.0.1:${barePort}`);
bare.process.kill();

const during = (phase) => (phase ? latencies.filter((l) => l.at >= phase.from && l.at <= phase.to).map((l) => l.ms) : []).sort((a, b) => a - b);
const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1) : 'n/a');
const flood = during(loaded.flood);
const steady = during(loaded.steady);
console.log(`\nOCPP benchmark — ${N} charge points held; ${SECONDS} s of flood, then ${SECONDS} s at a steady ${RATE} msgs/s\n`);
console.log('| target | connections held | ramp s | flood msgs/s | vs bare | memory per connection |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| Voltshare gateway (PostgreSQL) | ${loaded.connected} | ${(loaded.ramp_ms / 1000).toFixed(0)} | ${loaded.msgs_per_s.toFixed(0)} | ${((loaded.msgs_per_s / ceiling.msgs_per_s) * 100).toFixed(1)} % | ${((loadedRss - idle) / Math.max(1, loaded.connected) / 1024).toFixed(1)} KiB |`,
);
console.log(`| bare ocpp-rpc (answers {}) | ${ceiling.connected} | ${(ceiling.ramp_ms / 1000).toFixed(0)} | ${ceiling.msgs_per_s.toFixed(0)} | 100 % | — |`);
console.log('\n| StatusNotification → evse.status at a socket.io client | load | p50 ms | p99 ms | samples |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(`| flood (every charger back to back) | ${loaded.msgs_per_s.toFixed(0)} msgs/s | ${pct(flood, 0.5)} | ${pct(flood, 0.99)} | ${flood.length} |`);
if (loaded.steady) {
  const s = loaded.steady;
  console.log(
    `| steady | ${s.msgs_per_s.toFixed(0)} msgs/s (asked ${s.rate}; ${s.skipped} skipped, ${s.errors} errors) | ${pct(steady, 0.5)} | ${pct(steady, 0.99)} | ${steady.length} |`,
  );
}
console.log(`\nrealtime events received: ${events}`);
