// Booking benchmark: drivers racing for a small set of hot slots on the PostgreSQL server.
// Usage: npm run bench:reservations   (needs BENCH_DATABASE_URL or TEST_DATABASE_URL; PGlite with
// BENCH_PGLITE=1). Prints attempts/s, bookings/s, the conflict mix and latency percentiles, and
// checks afterwards that no EVSE holds two overlapping reservations.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startChild } from '../child.mjs';
import { freshDatabase } from '../database.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const DURATION_S = Number(process.env.BENCH_DURATION ?? 15);
const CLIENTS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DRIVERS = Number(process.env.BENCH_DRIVERS ?? 64);
const EVSES = 4;
const SLOTS = 96; // half-hour slots over two days: 384 bookable (EVSE, slot) pairs in all
const log = (...args) => process.stderr.write(`${args.join(' ')}\n`);

async function database() {
  if (process.env.BENCH_PGLITE === '1') return { kind: 'pglite', env: { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'voltshare-bench-')) } };
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server, or BENCH_PGLITE=1');
  const fresh = await freshDatabase(server, 'booking');
  return {
    kind: 'postgres',
    url: fresh.url,
    env: { DATABASE_URL: fresh.url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0' },
    cleanup: () => fresh.drop(),
  };
}

const db = await database();
const api = startChild(
  [path.join(root, 'api/dist/main.js')],
  { ...db.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VOLTSHARE_DEMO: 'false', AUTH_RATE_LIMIT_MAX: '100000', PUBLIC_RATE_LIMIT_MAX: '1000000' },
  /API\s+http:\/\/localhost:(\d+)/,
);
const base = `http://127.0.0.1:${await api.ready}`;
const call = async (method, url, token, body) => {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
};

const signup = await call('POST', '/v1/networks', undefined, {
  network: { name: 'Bench Network', slug: `bench-${Date.now()}`, country: 'LU', currency: 'EUR' },
  owner: { email: `bench-${Date.now()}@example.com`, name: 'Owner', password: 'bench owner password' },
});
const staff = signup.body.tokens.access_token;
const dc = { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 500, max_electric_power: 300_000 };
const site = await call('POST', '/v1/locations', staff, {
  name: 'Bench Hub',
  address: '1 Rue du Banc',
  city: 'Luxembourg',
  country: 'LU',
  coordinates: { latitude: 49.6, longitude: 6.13 },
  time_zone: 'Europe/Luxembourg',
  evses: Array.from({ length: EVSES }, () => ({ capabilities: ['RESERVABLE'], connectors: [dc] })),
});
const evses = site.body.evses.map((e) => e.uid);
log(`registering ${DRIVERS} drivers …`);
const drivers = [];
for (let i = 0; i < DRIVERS; i += 8) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(8, DRIVERS - i) }, (_, j) =>
      call('POST', '/v1/drivers', undefined, { email: `bench-driver-${Date.now()}-${i + j}@example.com`, name: 'Driver', password: 'bench driver password' }),
    ),
  );
  drivers.push(...batch.map((r) => r.body.tokens.access_token));
}

// Slots start tomorrow at a whole hour, so every run competes for the same grid.
const firstSlot = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000;
const latencies = [];
const outcomes = new Map();
let attempts = 0;
const deadline = Date.now() + DURATION_S * 1000;
log(`booking for ${DURATION_S} s with ${CLIENTS} concurrent clients on ${db.kind} …`);
await Promise.all(
  Array.from({ length: CLIENTS }, async (_, client) => {
    while (Date.now() < deadline) {
      const token = drivers[(client + attempts) % drivers.length];
      const slot = Math.floor(Math.random() * SLOTS);
      const start = new Date(firstSlot + slot * 1_800_000);
      const t0 = performance.now();
      const res = await call('POST', '/v1/reservations', token, {
        evse_id: evses[Math.floor(Math.random() * EVSES)],
        start: start.toISOString(),
        end: new Date(start.getTime() + 1_800_000).toISOString(),
      });
      latencies.push(performance.now() - t0);
      attempts += 1;
      const outcome = res.status === 201 ? 'booked' : `${res.status} ${res.body?.type?.split('/').pop() ?? ''}`.trim();
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  }),
);
const elapsed = DURATION_S;

// The database's word on it: no EVSE holds two overlapping reservations.
let overlaps = 'not checked (PGlite)';
if (db.kind === 'postgres') {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query(`
    select count(*)::int as n from reservations a join reservations b
      on a.tenant_id = b.tenant_id and a.evse_uid = b.evse_uid and a.id < b.id and a.slot && b.slot
    where a.status in ('CONFIRMED','ACTIVE','OFFERED','FULFILLED') and b.status in ('CONFIRMED','ACTIVE','OFFERED','FULFILLED')`);
  overlaps = String(rows[0].n);
  await client.end();
}
api.process.kill();
await db.cleanup?.();

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
const booked = outcomes.get('booked') ?? 0;
console.log(`\nBooking benchmark — ${db.kind}; ${CLIENTS} concurrent clients, ${DRIVERS} drivers, ${EVSES} EVSEs × ${SLOTS} half-hour slots; ${elapsed} s\n`);
console.log('| attempts/s | bookings/s | p50 ms | p99 ms | overlapping pairs after |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
console.log(`| ${(attempts / elapsed).toFixed(0)} | ${(booked / elapsed).toFixed(1)} | ${pct(50)} | ${pct(99)} | ${overlaps} |`);
console.log('\n| outcome | count |');
console.log('| --- | ---: |');
for (const [outcome, n] of [...outcomes].sort((a, b) => b[1] - a[1])) console.log(`| ${outcome} | ${n} |`);
