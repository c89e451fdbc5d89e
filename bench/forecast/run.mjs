// Demand forecast benchmark: rolling-origin evaluation, one week ahead, hourly, on the ACN-Data
// sessions in ../shared/data/acn (Caltech and JPL, two 2019 seasons each), of the platform's
// forecasters (the same code the API runs) against seasonal-naive (same hour last week) and the
// hour-of-week historical mean. Targets: site energy (kWh per hour) and occupancy (cars plugged in,
// mean over the hour).
//
// Usage: npm run bench:forecast [-- --sessions FILE.csv[.gz]]
// Prints a table and one JSON line per (file, target, model).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ensemble, FORECASTERS, seasonalNaive } from '../../api/dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = process.env.ACN_DATA ?? path.resolve(here, '../../../shared/data/acn');
const HOUR = 3_600_000;
const WEEK_H = 168;
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const log = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);
const read = (file) => {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

/**
 * Hourly site energy (each session's delivered energy spread evenly over its stay) and occupancy,
 * in the site's local time (the wall time the file gives), from midnight of the first day.
 */
function hourlySeries(file) {
  const [header, ...rows] = read(file).trim().split('\n');
  const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
  // Local wall time as if it were UTC: days and hours line up with the site's own.
  const parse = (s) => Date.parse(s.replace(' ', 'T').replace(/[+-]\d\d:\d\d$/, 'Z'));
  const sessions = rows
    .map((line) => line.split(','))
    .map((r) => ({ from: parse(r[col.arrival]), to: parse(r[col.departure]), kwh: Number(r[col['delivered_energy (kWh)']]) }))
    .filter((s) => s.to > s.from && Number.isFinite(s.kwh));
  const start = Math.floor(Math.min(...sessions.map((s) => s.from)) / (24 * HOUR)) * 24 * HOUR;
  const hours = Math.ceil((Math.max(...sessions.map((s) => s.to)) - start) / HOUR);
  const energy = new Float64Array(hours);
  const occupancy = new Float64Array(hours);
  for (const s of sessions) {
    const perMs = s.kwh / (s.to - s.from);
    for (let h = Math.floor((s.from - start) / HOUR); h * HOUR + start < s.to && h < hours; h++) {
      const a = Math.max(s.from, start + h * HOUR);
      const b = Math.min(s.to, start + (h + 1) * HOUR);
      if (b <= a) continue;
      energy[h] += perMs * (b - a);
      occupancy[h] += (b - a) / HOUR;
    }
  }
  return { sessions: sessions.length, firstDayOfWeek: new Date(start).getUTCDay(), energy: [...energy], occupancy: [...occupancy] };
}

function evaluate(series, firstDayOfWeek, model) {
  let absolute = 0;
  let squared = 0;
  let n = 0;
  let origins = 0;
  for (let origin = 3 * WEEK_H; origin + WEEK_H <= series.length; origin += WEEK_H) {
    const forecast = model.forecast({ values: series.slice(0, origin), firstDayOfWeek }, WEEK_H);
    for (let h = 0; h < WEEK_H; h++) {
      const error = forecast[h] - series[origin + h];
      absolute += Math.abs(error);
      squared += error * error;
      n++;
    }
    origins++;
  }
  return { mae: absolute / n, rmse: Math.sqrt(squared / n), origins };
}

const files = option('sessions')
  ? [option('sessions')]
  : readdirSync(DATA)
      .filter((f) => f.endsWith('.csv.gz'))
      .map((f) => path.join(DATA, f));
const verdicts = [];
for (const file of files) {
  const series = hourlySeries(file);
  const name = path.basename(file).replace(/\.csv(\.gz)?$/, '');
  log(`${name}: ${series.sessions} sessions, ${series.energy.length} hours`);
  for (const target of ['energy', 'occupancy']) {
    const results = {};
    for (const model of FORECASTERS) {
      const started = performance.now();
      results[model.name] = { ...evaluate(series[target], series.firstDayOfWeek, model), ms: performance.now() - started };
    }
    const naive = results[seasonalNaive.name].mae;
    for (const [model, r] of Object.entries(results)) {
      const vsNaive = 1 - r.mae / naive;
      console.log(JSON.stringify({ file: name, target, model, mae: r.mae, rmse: r.rmse, mae_below_naive_pct: 100 * vsNaive, origins: r.origins, ms: r.ms }));
      log(
        `  ${target.padEnd(9)} ${model.padEnd(18)} MAE ${r.mae.toFixed(3).padStart(7)}  RMSE ${r.rmse.toFixed(3).padStart(7)}  ${(100 * vsNaive).toFixed(1).padStart(6)} % below naive  (${r.origins} weeks, ${(r.ms / 1000).toFixed(1)} s)`,
      );
    }
    verdicts.push({ name, target, below: 100 * (1 - results[ensemble.name].mae / naive) });
  }
}
log(`\nplatform model (${ensemble.name}) MAE below seasonal-naive (target ≥ 20 % on every file):`);
for (const v of verdicts) log(`  ${v.name.padEnd(32)} ${v.target.padEnd(9)} ${v.below.toFixed(1)} %${v.below >= 20 ? '' : '  (below target)'}`);
