// Incident storm benchmark. Usage: npm run bench:incidents  (needs BENCH_DATABASE_URL or TEST_DATABASE_URL).
// A grid outage takes BENCH_STORM_CHARGERS (default 10,000) chargers at BENCH_STORM_SITES sites
// (default 1,000) offline within BENCH_STORM_SECONDS (default 60) through the real OCPP gateway.
// Prints how long until every site's incident is open (after the offline threshold,
// BENCH_STORM_THRESHOLD_SECONDS, default 90) and the API's latency meanwhile against the same
// probe before the storm; one JSON line at the end.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { hashPassword } from '../../api/dist/index.js';
import { startChild as child } from '../child.mjs';
import { freshDatabase } from '../database.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const N = Number(process.env.BENCH_STORM_CHARGERS ?? 10_000);
const SITES = Number(process.env.BENCH_STORM_SITES ?? 1_000);
const STORM_S = Number(process.env.BENCH_STORM_SECONDS ?? 60);
const THRESHOLD_S = Number(process.env.BENCH_STORM_THRESHOLD_SECONDS ?? 90);
const BASELINE_S = 15;
const PASSWORD = 'bench-charge-point-password';
const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!server) throw new Error('set BENCH_DATABASE_URL or TEST_DATABASE_URL (a PostgreSQL server)');
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
const perSite = Math.ceil(N / SITES);

const database = await freshDatabase(server, 'incidents');
const url = new URL(database.url);
const hash = await hashPassword(PASSWORD);
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
await db.query(`
  insert into networks (id, name, slug, country, currency) values ('net_storm', 'Storm', 'storm', 'GB', 'GBP');
  insert into locations (tenant_id, id, name, address, city, country, latitude, longitude, time_zone)
    select 'net_storm', 'loc_s' || n, 'Site ' || n, 'Street', 'City', 'GB', 51 + n * 0.001, -0.1, 'Europe/London' from generate_series(1, ${SITES}) n;
  insert into charge_points (tenant_id, id, location_id, identity, password_hash)
    select 'net_storm', 'cp_s' || n, 'loc_s' || (1 + (n - 1) / ${perSite}), 'STORM-' || n, $$${hash}$$ from generate_series(1, ${N}) n;
  insert into evses (tenant_id, id, location_id, charge_point_id, ocpp_connector_id)
    select 'net_storm', 'evse_s' || n, 'loc_s' || (1 + (n - 1) / ${perSite}), 'cp_s' || n, 1 from generate_series(1, ${N}) n;
  insert into api_keys (id, tenant_id, kind, name, prefix, key_hash, scopes)
    values ('key_storm', 'net_storm', 'secret', 'bench', 'sk_storm', encode(sha256('sk_storm_bench_key'::bytea), 'hex'), '{public:read,network:read}');
  analyze;`);

const gateway = child(
  [path.join(root, 'ocpp-gateway/dist/main.js')],
  {
    DATABASE_URL: url.toString(),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    VOLTSHARE_DEMO: 'false',
    INCIDENT_OFFLINE_AFTER_SECONDS: String(THRESHOLD_S),
    JOB_POLL_MS: '200',
    PUBLIC_RATE_LIMIT_MAX: '1000000',
  },
  /API\s+http:\/\/localhost:(\d+)/,
);
const port = await gateway.ready;
const base = `http://127.0.0.1:${port}`;
log(`connecting ${N} chargers at ${SITES} sites …`);
const chargers = child(
  [path.join(here, 'chargers.mjs'), `ws://127.0.0.1:${port}/ocpp`, String(N), PASSWORD, 'STORM-', String(BASELINE_S * 1000), String(STORM_S * 1000)],
  {},
  /(HOLDING|\{.*\})/,
);
await chargers.ready;

// The API probe: a staff read of the incident list and a public station detail, one after the other, all along.
const samples = [];
let probing = true;
const probe = (async () => {
  let n = 0;
  while (probing) {
    const started = performance.now();
    const target = n++ % 2 ? `/v1/incidents?status=open&limit=20` : `/v1/locations/loc_s${1 + (n % SITES)}`;
    const res = await fetch(`${base}${target}`, { headers: { Authorization: 'Bearer sk_storm_bench_key' } }).catch(() => undefined);
    samples.push({ at: Date.now(), ms: performance.now() - started, ok: res?.ok === true });
    await res?.arrayBuffer();
    await new Promise((r) => setTimeout(r, 20));
  }
})();
const baselineFrom = Date.now();
let outcome;
chargers.process.stdout.on('data', (chunk) => {
  const m = /(\{.*\})/.exec(String(chunk));
  if (m) outcome = JSON.parse(m[1]);
});
const openIncidents = async () => Number((await db.query(`select count(*) from incidents where status = 'open'`)).rows[0].count);
log('storm …');
while (!outcome) await new Promise((r) => setTimeout(r, 200));
const { storm_start: stormStart, storm_end: stormEnd } = outcome;
log(`${outcome.connected} chargers dropped in ${((stormEnd - stormStart) / 1000).toFixed(1)} s; waiting for incidents …`);
let allOpenAt;
const deadline = stormEnd + (THRESHOLD_S + 300) * 1000;
while (Date.now() < deadline) {
  if ((await openIncidents()) >= SITES) {
    allOpenAt = Date.now();
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}
// A little longer, to see nothing more opens.
await new Promise((r) => setTimeout(r, 3000));
probing = false;
await probe;
const counts = (
  await db.query(
    `select count(*) filter (where status = 'open' and evse_uid is null) as site_open, count(*) filter (where evse_uid is not null) as evse_any, count(*) as total from incidents`,
  )
).rows[0];
const tickets = Number((await db.query('select count(*) from support_tickets')).rows[0].count);
await db.end();
const exited = new Promise((r) => gateway.process.once('exit', r));
gateway.process.kill('SIGINT');
await exited;
await database.drop();

const pct = (xs, q) => {
  const s = xs.map((x) => x.ms).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : Number.NaN;
};
const baseline = samples.filter((s) => s.at >= baselineFrom && s.at < stormStart);
const during = samples.filter((s) => s.at >= stormStart && s.at <= (allOpenAt ?? Date.now()));
const failed = during.filter((s) => !s.ok).length;
const firstThreshold = stormStart + THRESHOLD_S * 1000;
const result = {
  bench: 'incidents',
  chargers: outcome.connected,
  sites: SITES,
  storm_s: Math.round((stormEnd - stormStart) / 100) / 10,
  threshold_s: THRESHOLD_S,
  all_open_after_storm_start_s: allOpenAt ? Math.round((allOpenAt - stormStart) / 100) / 10 : null,
  all_open_after_threshold_s: allOpenAt ? Math.round((allOpenAt - firstThreshold) / 100) / 10 : null,
  // The last site's chargers dropped at the storm's end: its incident is due once they pass the threshold.
  all_open_after_last_threshold_s: allOpenAt ? Math.round((allOpenAt - (stormEnd + THRESHOLD_S * 1000)) / 100) / 10 : null,
  site_incidents_open: Number(counts.site_open),
  evse_incidents_ever: Number(counts.evse_any),
  incidents_total: Number(counts.total),
  tickets,
  api_p50_ms_baseline: Math.round(pct(baseline, 0.5) * 10) / 10,
  api_p99_ms_baseline: Math.round(pct(baseline, 0.99) * 10) / 10,
  api_p50_ms_storm: Math.round(pct(during, 0.5) * 10) / 10,
  api_p99_ms_storm: Math.round(pct(during, 0.99) * 10) / 10,
  api_p99_ratio: Math.round((pct(during, 0.99) / pct(baseline, 0.99)) * 100) / 100,
  api_requests_storm: during.length,
  api_failed_storm: failed,
};
console.log(`\nIncident storm — ${result.chargers} chargers at ${SITES} sites dropped within ${result.storm_s} s (offline threshold ${THRESHOLD_S} s)\n`);
console.log('| figure | value |');
console.log('| --- | ---: |');
console.log(`| every site's incident open, after the storm began | ${result.all_open_after_storm_start_s ?? 'not reached'} s |`);
console.log(`| … after the first charger passed the threshold | ${result.all_open_after_threshold_s ?? '—'} s |`);
console.log(`| … after the last site's chargers passed it | ${result.all_open_after_last_threshold_s ?? '—'} s |`);
console.log(`| incidents open (one per site) / EVSE-level ever / tickets | ${result.site_incidents_open} / ${result.evse_incidents_ever} / ${tickets} |`);
console.log(`| API p50 / p99 before the storm | ${result.api_p50_ms_baseline} / ${result.api_p99_ms_baseline} ms |`);
console.log(
  `| API p50 / p99 during the storm | ${result.api_p50_ms_storm} / ${result.api_p99_ms_storm} ms (p99 × ${result.api_p99_ratio}; ${failed} of ${during.length} failed) |`,
);
console.log(JSON.stringify(result));
