// Data export benchmark. Usage: npm run bench:exports
// A driver with 10,000 charging sessions (10 meter readings each: 100,000 rows) asks for their
// data. In a fresh process each, the platform's export (the archive streamed page by page from
// the database into the ZIP file) and, as the baseline, the same files built the simple way
// (every row read at once, each CSV made as one string, the ZIP made in memory and then written).
// Each run samples its resident memory every 2 ms; the figure is the peak above what the process
// held before the export. One JSON line at the end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SESSIONS = Number(process.env.BENCH_EXPORT_SESSIONS ?? 10_000);
const READINGS = 10;
const ROUNDS = Number(process.env.BENCH_EXPORT_ROUNDS ?? 3);
const here = fileURLToPath(import.meta.url);
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

if (process.argv[2] === '--child') {
  const mode = process.argv[3];
  const api = await import('../../api/dist/index.js');
  const { sql } = await import('kysely');
  const { ZipArchive } = await import('archiver');
  const { stringify } = await import('csv-stringify/sync');
  const dir = mkdtempSync(path.join(tmpdir(), 'voltshare-bench-export-'));
  const config = api.loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'bench-export-secret-0123456789abcdef', VOLTSHARE_DEMO: 'false', DATA_DIR: dir });
  const database = await api.openDatabase({});
  await api.migrateToLatest(database.db);
  const services = api.createServices(config, database, api.createLogger('silent'));
  const { network } = await services.networks.signUp({
    network: { name: 'Bench Network', slug: `bench-${process.pid}`, country: 'LU', currency: 'EUR' },
    owner: { email: `owner-${process.pid}@example.com`, name: 'Owner', password: 'bench owner password' },
  });
  const driverId = await services.drivers.register({ email: `driver-${process.pid}@example.com`, name: 'Driver', password: 'bench driver password' });
  const site = await services.locations.create(network.id, {
    name: 'Bench Site',
    address: '1 Rue',
    city: 'Luxembourg',
    country: 'LU',
    coordinates: { latitude: 49.6, longitude: 6.1 },
    time_zone: 'Europe/Luxembourg',
  });
  const cp = await services.chargePoints.create(network.id, { identity: 'BENCH-EXPORT-1', location_id: site.id, password: 'bench-password-1' });
  // Ten thousand finished sessions a few hours apart, and their readings.
  await sql`insert into charging_sessions (tenant_id, id, transaction_id, charge_point_id, connector_id, id_tag, driver_id, status, started_at, stopped_at,
      meter_start_wh, meter_last_wh, meter_stop_wh, authorization_status, cost)
    select ${network.id}, 'ses_bench_' || lpad(n::text, 6, '0'), nextval('ocpp_transaction_id_seq'), ${cp.id}, 1, 'BENCH-TAG', ${driverId}, 'COMPLETED',
      now() - (n * interval '3 hours'), now() - (n * interval '3 hours') + interval '1 hour', n * 1000, n * 1000 + 9000, n * 1000 + 9000, 'Accepted',
      '{"amount": 450, "currency": "EUR"}'::jsonb
    from generate_series(1, ${SESSIONS}) as n`.execute(database.db);
  await sql`insert into meter_samples (tenant_id, session_id, at, energy_wh, power_w)
    select ${network.id}, 'ses_bench_' || lpad(n::text, 6, '0'), now() - (n * interval '3 hours') + r * interval '6 minutes', r * 900, 11000
    from generate_series(1, ${SESSIONS}) as n, generate_series(1, ${READINGS}) as r`.execute(database.db);

  global.gc?.();
  await new Promise((r) => setTimeout(r, 300));
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  const started = performance.now();
  let bytes;
  if (mode === 'streaming') {
    const exp = await services.dataExports.request(driverId);
    await services.jobs.drain(new Date(), undefined, 5, ['privacy.export']);
    const done = await services.dataExports.get(driverId, exp.id);
    if (done.status !== 'ready') throw new Error(`export ${done.status}`);
    bytes = done.size_bytes;
  } else {
    // The simple way: everything at once, in memory.
    const sessions = await services.scopes.system((tx) =>
      tx.selectFrom('charging_sessions').selectAll().where('driver_id', '=', driverId).orderBy('id').execute(),
    );
    const readings = await services.scopes.system((tx) =>
      tx
        .selectFrom('meter_samples')
        .select(['session_id', 'at', 'energy_wh', 'power_w'])
        .where(
          'session_id',
          'in',
          sessions.map((s) => s.id),
        )
        .execute(),
    );
    const archive = new ZipArchive({ zlib: { level: 6 } });
    const chunks = [];
    archive.on('data', (c) => chunks.push(c));
    archive.append(
      stringify(
        sessions.map((s) => ({ ...s, cost: JSON.stringify(s.cost), tariff: JSON.stringify(s.tariff) })),
        { header: true },
      ),
      { name: 'sessions.csv' },
    );
    archive.append(stringify(readings, { header: true }), { name: 'meter-readings.csv' });
    await archive.finalize();
    const zip = Buffer.concat(chunks);
    writeFileSync(path.join(dir, 'baseline.zip'), zip);
    bytes = statSync(path.join(dir, 'baseline.zip')).size;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(
    `${JSON.stringify({ mode, sessions: SESSIONS, readings: SESSIONS * READINGS, extra_mb: (peak - before) / 1024 / 1024, ms, zip_bytes: bytes })}\n`,
  );
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const run = (mode) => {
  const r = spawnSync(process.execPath, ['--expose-gc', here, '--child', mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { streaming: [], 'in-memory': [] };
for (let i = 0; i < ROUNDS; i++) {
  // Pairs, alternating, so drift on the machine falls on both.
  for (const mode of i % 2 ? ['in-memory', 'streaming'] : ['streaming', 'in-memory']) {
    const r = run(mode);
    results[mode].push(r);
    log(`round ${i + 1} ${mode}: +${r.extra_mb.toFixed(1)} MB, ${(r.ms / 1000).toFixed(2)} s, ${(r.zip_bytes / 1024 / 1024).toFixed(2)} MB zip`);
  }
}
const summary = (mode) => ({ extra_mb: median(results[mode].map((r) => r.extra_mb)), seconds: median(results[mode].map((r) => r.ms)) / 1000 });
const streaming = summary('streaming');
const baseline = summary('in-memory');
log('');
log(
  `export of ${SESSIONS.toLocaleString('en')} sessions and ${(SESSIONS * READINGS).toLocaleString('en')} meter readings, median of ${ROUNDS} fresh processes each:`,
);
log(`  streaming (the platform): +${streaming.extra_mb.toFixed(1)} MB peak, ${streaming.seconds.toFixed(2)} s (all twelve files)`);
log(`  in memory (baseline):     +${baseline.extra_mb.toFixed(1)} MB peak, ${baseline.seconds.toFixed(2)} s (sessions and readings only)`);
log(`  memory ratio streaming / in memory: ${(streaming.extra_mb / baseline.extra_mb).toFixed(2)}`);
process.stdout.write(
  `${JSON.stringify({
    bench: 'exports',
    sessions: SESSIONS,
    readings: SESSIONS * READINGS,
    rounds: ROUNDS,
    streaming_extra_mb: Number(streaming.extra_mb.toFixed(1)),
    streaming_seconds: Number(streaming.seconds.toFixed(2)),
    in_memory_extra_mb: Number(baseline.extra_mb.toFixed(1)),
    in_memory_seconds: Number(baseline.seconds.toFixed(2)),
    memory_ratio: Number((streaming.extra_mb / baseline.extra_mb).toFixed(2)),
  })}\n`,
);
