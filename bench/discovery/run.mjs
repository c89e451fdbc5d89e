// Discovery benchmark: nearby search on 100,000 connectors vs a bare Node hello-world.
// Usage: npm run bench:discovery   (PGlite always; PostgreSQL too when BENCH_DATABASE_URL or
// TEST_DATABASE_URL is set). Prints req/s, p50/p99 latency, server CPU per request and the
// ratio to hello-world. This shared machine drifts by half from minute to minute, so each round
// measures hello-world and the API back to back and the ratio is the median of the rounds'.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../../api/dist/index.js';
import { startChild } from '../child.mjs';
import { freshDatabase } from '../database.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
// A partner's key sees public data only (the fast path); a network's key also sees that
// network's unpublished sites, which only the database can answer.
const PARTNER_KEY = 'sk_bench_partner_key';
const NETWORK_KEY = 'sk_bench_discovery_key';
const cities = readFileSync(path.join(here, 'seed.sql'), 'utf8')
  .match(/\(\d+,[\d.-]+,[\d.-]+\)/g)
  .map((t) => t.slice(1, -1).split(',').slice(1).map(Number));
const filters = ['', '&power_type=DC', '&min_power_kw=50', '&available_now=true', '&connector_standard=IEC_62196_T2_COMBO&available_now=true'];

function log(...args) {
  process.stderr.write(`${args.join(' ')}\n`);
}

function randomPath() {
  const [lat, lng] = cities[Math.floor(Math.random() * cities.length)];
  const la = (lat + (Math.random() - 0.5) * 0.4).toFixed(5);
  const ln = (lng + (Math.random() - 0.5) * 0.5).toFixed(5);
  return `/v1/locations?lat=${la}&lng=${ln}&radius_m=5000&limit=20${filters[Math.floor(Math.random() * filters.length)]}`;
}

/** CPU time (user + system) a process has used, in µs; Linux only. */
function cpuMicros(pid) {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return undefined;
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks of 10 ms
}

function run(url, pid, key = PARTNER_KEY) {
  const cpuBefore = cpuMicros(pid);
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests, headers: { authorization: `Bearer ${key}` } }, (err, result) => {
      if (err) return reject(err);
      const cpuAfter = cpuMicros(pid);
      resolve({ ...result, cpuPerRequest: cpuBefore === undefined ? undefined : (cpuAfter - cpuBefore) / result.requests.total });
    });
    autocannon.track(instance, { renderProgressBar: process.stderr.isTTY, renderResultsTable: false, renderLatencyTable: false });
  });
}

async function seed(kind) {
  if (kind === 'pglite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'voltshare-bench-'));
    const db = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
    await migrateToLatest(db.db);
    log('seeding PGlite …');
    await db.pglite.exec(readFileSync(path.join(here, 'seed.sql'), 'utf8'));
    await db.close();
    return { env: { DATA_DIR: dataDir } };
  }
  const database = await freshDatabase(process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL, 'discovery');
  log('seeding PostgreSQL …');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(readFileSync(path.join(here, 'seed.sql'), 'utf8'));
  // Vacuumed now, so autovacuum does not wake up on the fresh rows and take a core mid-measurement.
  await client.query('vacuum analyze');
  await client.end();
  return {
    env: { DATABASE_URL: database.url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0' },
    cleanup: () => database.drop(),
  };
}

const helloWorld =
  "require('node:http').createServer((q,s)=>{s.setHeader('content-type','application/json');s.end('{\"hello\":\"world\"}')}).listen(0,'127.0.0.1',function(){console.log('listening '+this.address().port)})";

// The same random search URLs go to hello-world, so the load generator does the same work for both.
const requests = [{ method: 'GET', setupRequest: (req) => ({ ...req, path: randomPath() }) }];
const hello = startChild(['-e', helloWorld], {}, /listening (\d+)/);
const helloUrl = `http://127.0.0.1:${await hello.ready}`;
/** target → the results of its rounds, each with the ratio to that round's hello-world. */
const rows = new Map();
const record = (target, result, helloResult) =>
  rows.set(target, [...(rows.get(target) ?? []), { ...result, ratio: result.requests.average / helloResult.requests.average }]);

const kinds = ['pglite', ...(process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? ['postgres'] : [])];
for (const kind of kinds) {
  const { env, cleanup } = await seed(kind);
  // BENCH_PROFILE=dir writes a CPU profile of the API there (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const api = startChild(
    [...profile, path.join(root, 'api/dist/main.js')],
    { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VOLTSHARE_DEMO: 'false', PUBLIC_RATE_LIMIT_MAX: '1000000' },
    /API\s+http:\/\/localhost:(\d+)/,
  );
  const base = `http://127.0.0.1:${await api.ready}`;
  log('waiting for the discovery index …');
  for (;;) {
    const ready = await (await fetch(`${base}/ready`)).json();
    if (ready.discovery_index === 'ready') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const key of [PARTNER_KEY, NETWORK_KEY]) {
    const check = await fetch(`${base}${randomPath()}`, { headers: { authorization: `Bearer ${key}` } });
    if (check.status !== 200) throw new Error(`search answered ${check.status}: ${await check.text()}`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    log(`measuring on ${kind}, round ${round} of ${ROUNDS} …`);
    const helloResult = await run(helloUrl, hello.process.pid);
    record('bare node:http hello-world', helloResult, helloResult);
    record(`GET /v1/locations nearby, partner key (${kind})`, await run(base, api.process.pid, PARTNER_KEY), helloResult);
    record(`GET /v1/locations nearby, network key (${kind})`, await run(base, api.process.pid, NETWORK_KEY), helloResult);
  }
  const exited = new Promise((resolve) => api.process.once('exit', resolve));
  api.process.kill();
  await exited;
  await cleanup?.();
}

hello.process.kill();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percent = (x) => `${(x * 100).toFixed(1)} %`;
console.log(
  `\nDiscovery benchmark — 100,000 connectors, 50 networks; ${CONNECTIONS} connections; ${ROUNDS} rounds of ${DURATION} s per target; random points, 5 km, mixed filters\n`,
);
console.log('| target | req/s (median) | p50 ms | p99 ms (worst) | errors | server CPU µs/req | vs hello-world (median) | per round |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [target, results] of rows) {
  const errors = results.reduce((sum, r) => sum + r.errors + r.non2xx, 0);
  const cpu = results.every((r) => r.cpuPerRequest !== undefined) ? median(results.map((r) => r.cpuPerRequest)).toFixed(0) : '—';
  const ratios = results.map((r) => r.ratio);
  // Hello-world's rounds are its req/s; the API's, their ratio to the hello-world measured just before.
  const perRound = target.startsWith('bare') ? results.map((r) => r.requests.average.toFixed(0)) : ratios.map(percent);
  console.log(
    `| ${target} | ${median(results.map((r) => r.requests.average)).toFixed(0)} | ${median(results.map((r) => r.latency.p50))} | ${Math.max(...results.map((r) => r.latency.p99))} | ${errors} | ${cpu} | ${percent(median(ratios))} | ${perRound.join(', ')} |`,
  );
}
