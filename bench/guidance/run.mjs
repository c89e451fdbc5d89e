// Off-peak guidance benchmark: replays the ACN-Data sessions in ../shared/data/acn (Caltech and
// JPL, two 2019 seasons each) at one site, with a stated share of drivers following the platform's
// advice — arrive in the hour the forecast says is quietest within a window around when they
// meant to come — and reports the site's peak load, peak-to-average ratio and mean wait against no
// guidance. The forecast is the platform's own (the ensemble the API runs), retrained every day on
// the days before.
//
// Usage: npm run bench:guidance [-- --sessions FILE.csv[.gz]] [--window 3] [--shares 0,10,30,50] [--evses N]
// Prints the assumptions, a table per file and one JSON line per (file, share).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ensemble } from '../../api/dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = process.env.ACN_DATA ?? path.resolve(here, '../../../shared/data/acn');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BIN = 5 * 60_000;
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const WINDOW_H = Number(option('window') ?? 3);
const SHARES = (option('shares') ?? '0,10,30,50').split(',').map(Number);
const EVSES = option('evses') ? Number(option('evses')) : undefined;
const CAR_KW = 6.6;
const HISTORY_DAYS = 42;
const log = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);
const read = (file) => {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

function load(file) {
  const [header, ...rows] = read(file).trim().split('\n');
  const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
  // Local wall time as if it were UTC: days and hours line up with the site's own.
  const parse = (s) => Date.parse(s.replace(' ', 'T').replace(/[+-]\d\d:\d\d$/, 'Z'));
  const sessions = rows
    .map((line) => line.split(','))
    .map((r) => ({ arrival: parse(r[col.arrival]), departure: parse(r[col.departure]), kwh: Number(r[col['delivered_energy (kWh)']]) }))
    .filter((s) => s.departure > s.arrival && Number.isFinite(s.kwh) && s.kwh > 0)
    .sort((a, b) => a.arrival - b.arrival);
  const start = Math.floor(sessions[0].arrival / DAY) * DAY;
  return { sessions, start };
}

/** Cars plugged in per hour (mean over the hour), from `start`. */
function occupancy(sessions, start, hours) {
  const series = new Float64Array(hours);
  for (const s of sessions) {
    for (let h = Math.max(0, Math.floor((s.arrival - start) / HOUR)); h < hours && start + h * HOUR < s.departure; h++) {
      const a = Math.max(s.arrival, start + h * HOUR);
      const b = Math.min(s.departure, start + (h + 1) * HOUR);
      if (b > a) series[h] += (b - a) / HOUR;
    }
  }
  return series;
}

/** A fixed pseudo-random draw per session, so every share's followers include the smaller share's. */
const draw = (i) => {
  let x = (i + 1) * 2654435761;
  x ^= x >>> 16;
  x = Math.imul(x, 2246822507);
  x ^= x >>> 13;
  return ((x >>> 0) % 10_000) / 10_000;
};

/**
 * Where each following driver would come: the quietest forecast hour within the window around their
 * own arrival (the same minute past the hour), that day; they stay as long as they meant to.
 */
function guide(sessions, start, forecasts, share) {
  return sessions.map((s, i) => {
    if (draw(i) >= share / 100) return s;
    const day = Math.floor((s.arrival - start) / DAY);
    const forecast = forecasts.get(day);
    if (!forecast) return s;
    const hourOfDay = Math.floor((s.arrival - start - day * DAY) / HOUR);
    let best = hourOfDay;
    for (let h = Math.max(0, hourOfDay - WINDOW_H); h <= Math.min(23, hourOfDay + WINDOW_H); h++) {
      const better =
        forecast[h] < forecast[best] - 1e-9 || (Math.abs(forecast[h] - forecast[best]) < 1e-9 && Math.abs(h - hourOfDay) < Math.abs(best - hourOfDay));
      if (better) best = h;
    }
    const shift = (best - hourOfDay) * HOUR;
    return { arrival: s.arrival + shift, departure: s.departure + shift, kwh: s.kwh, shifted: shift !== 0 };
  });
}

/** The site with `evses` EVSEs: first come, first plugged; a car waits for a free EVSE, then stays as long as it meant to and charges at 6.6 kW until it has its energy. */
function simulate(sessions, from, to, evses) {
  const ordered = [...sessions].sort((a, b) => a.arrival - b.arrival);
  const freeAt = new Array(evses).fill(Number.NEGATIVE_INFINITY);
  const bins = new Float64Array(Math.ceil((to - from) / BIN));
  let waited = 0;
  let counted = 0;
  for (const s of ordered) {
    let k = 0;
    for (let j = 1; j < evses; j++) if (freeAt[j] < freeAt[k]) k = j;
    const plug = Math.max(s.arrival, freeAt[k]);
    const stay = s.departure - s.arrival;
    freeAt[k] = plug + stay;
    const chargeMs = Math.min(stay, (s.kwh / CAR_KW) * HOUR);
    for (let b = Math.max(0, Math.floor((plug - from) / BIN)); b < bins.length && from + b * BIN < plug + chargeMs; b++) {
      const a = Math.max(plug, from + b * BIN);
      const e = Math.min(plug + chargeMs, from + (b + 1) * BIN);
      if (e > a) bins[b] += (CAR_KW * (e - a)) / BIN;
    }
    if (s.arrival >= from && s.arrival < to) {
      waited += plug - s.arrival;
      counted += 1;
    }
  }
  const peak = Math.max(...bins);
  const average = bins.reduce((x, y) => x + y, 0) / bins.length;
  const perDay = Math.round(DAY / BIN);
  const dailyPeaks = [];
  for (let d = 0; d * perDay < bins.length; d++) dailyPeaks.push(Math.max(...bins.slice(d * perDay, (d + 1) * perDay)));
  return {
    peak_kw: peak,
    mean_daily_peak_kw: dailyPeaks.reduce((x, y) => x + y, 0) / dailyPeaks.length,
    par: peak / average,
    mean_wait_min: counted ? waited / counted / 60_000 : 0,
    sessions: counted,
  };
}

const files = option('sessions')
  ? [option('sessions')]
  : readdirSync(DATA)
      .filter((f) => /__2019-.*\.csv(\.gz)?$/.test(f))
      .sort()
      .map((f) => path.join(DATA, f));

log(`guidance: followers arrive in the quietest forecast hour within ±${WINDOW_H} h of their own arrival (the same day), stay as long as they meant to;`);
log(`  the forecast is the platform's ensemble, retrained each day on the ${HISTORY_DAYS}+ days before (of unguided history);`);
log(`  the site: its cars charge at ${CAR_KW} kW until they have their energy (uncontrolled), first come first plugged, a car waits for a free EVSE;`);
log(`  EVSEs: ${EVSES ?? "the 95th percentile of the file's hourly occupancy (so the busiest hours fill up)"}; shares ${SHARES.join(', ')} %.`);

for (const file of files) {
  const { sessions, start } = load(file);
  const end = Math.ceil(Math.max(...sessions.map((s) => s.departure)) / DAY) * DAY;
  const hours = Math.round((end - start) / HOUR);
  const series = occupancy(sessions, start, hours);
  const sorted = [...series].sort((a, b) => a - b);
  const evses = EVSES ?? Math.max(1, Math.round(sorted[Math.floor(0.95 * (sorted.length - 1))]));
  const days = Math.round((end - start) / DAY);
  const forecasts = new Map();
  const t0 = performance.now();
  for (let d = HISTORY_DAYS; d < days; d++) {
    const history = { values: [...series.slice(0, d * 24)], firstDayOfWeek: new Date(start).getUTCDay() };
    forecasts.set(d, ensemble.forecast(history, 24));
  }
  const fitMs = performance.now() - t0;
  const from = start + HISTORY_DAYS * DAY;
  const name = path.basename(file).replace(/\.csv(\.gz)?$/, '');
  const baseline = simulate(sessions, from, end, evses);
  console.log(`\n${name}: ${sessions.length} sessions, ${evses} EVSEs, ${days - HISTORY_DAYS} days replayed (forecasts ${(fitMs / 1000).toFixed(1)} s)`);
  console.log('  share   peak kW   mean daily peak kW   peak/avg   mean wait min   shifted');
  for (const share of SHARES) {
    const guided = guide(sessions, start, forecasts, share);
    const r = share === 0 ? baseline : simulate(guided, from, end, evses);
    const shifted = guided.filter((s) => s.shifted && s.arrival >= from).length;
    console.log(
      `  ${String(share).padStart(3)} %  ${r.peak_kw.toFixed(1).padStart(8)}  ${r.mean_daily_peak_kw.toFixed(1).padStart(19)}  ${r.par.toFixed(2).padStart(9)}  ${r.mean_wait_min.toFixed(2).padStart(14)}  ${String(shifted).padStart(8)}`,
    );
    console.log(
      JSON.stringify({
        bench: 'guidance',
        file: name,
        share_pct: share,
        window_h: WINDOW_H,
        evses,
        peak_kw: r.peak_kw,
        mean_daily_peak_kw: r.mean_daily_peak_kw,
        par: r.par,
        mean_wait_min: r.mean_wait_min,
        shifted_sessions: shifted,
        ratio_peak: r.peak_kw / baseline.peak_kw,
        ratio_mean_daily_peak: r.mean_daily_peak_kw / baseline.mean_daily_peak_kw,
        ratio_wait: baseline.mean_wait_min > 0 ? r.mean_wait_min / baseline.mean_wait_min : null,
      }),
    );
  }
}
