// Discovery benchmark: nearby search on 100,000 connectors vs a bare Node hello-world.
// Usage: npm run bench:discovery   (PGlite always; PostgreSQL too when BENCH_DATABASE_URL or
// TEST_DATABASE_URL is set). Prints req/s, p50/p99 latency and the ratio to hello-world.
import { mkdtempSync, readFileSync } from 'node:fs';
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
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
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

function run(url, requests, key = PARTNER_KEY) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests, headers: { authorization: `Bearer ${key}` } }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
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
const rows = [];
const hello = startChild(['-e', helloWorld], {}, /listening (\d+)/);
const helloResult = await run(`http://127.0.0.1:${await hello.ready}`, requests);
hello.process.kill();
rows.push({ target: 'bare node:http hello-world', result: helloResult });

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
  log(`measuring discovery on ${kind} …`);
  rows.push({ target: `GET /v1/locations nearby, partner key (${kind})`, result: await run(base, requests, PARTNER_KEY) });
  rows.push({ target: `GET /v1/locations nearby, network key (${kind})`, result: await run(base, requests, NETWORK_KEY) });
  const exited = new Promise((resolve) => api.process.once('exit', resolve));
  api.process.kill();
  await exited;
  await cleanup?.();
}

const base = helloResult.requests.average;
console.log(`\nDiscovery benchmark — 100,000 connectors, 50 networks; ${CONNECTIONS} connections × ${DURATION} s; random points, 5 km, mixed filters\n`);
console.log('| target | req/s | p50 ms | p99 ms | errors | vs hello-world |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const { target, result } of rows) {
  const errors = result.errors + result.non2xx;
  console.log(
    `| ${target} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${errors} | ${((result.requests.average / base) * 100).toFixed(1)} % |`,
  );
}
