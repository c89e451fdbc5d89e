import type { HourlyForecaster } from './models.js';

const HOUR = 3_600_000;

/** A session as training reads it (instants in ms). */
export interface TrainingSession {
  from: number;
  to: number;
  kwh: number;
}

/** Hourly series in local wall time from `start` over `hours`: cars plugged in, arrivals and energy. */
export function hourlySeries(sessions: TrainingSession[], start: number, hours: number): { busy: number[]; arrivals: number[]; energy: number[] } {
  const busy = new Array<number>(hours).fill(0);
  const arrivals = new Array<number>(hours).fill(0);
  const energy = new Array<number>(hours).fill(0);
  for (const s of sessions) {
    const first = Math.floor((s.from - start) / HOUR);
    if (first >= 0 && first < hours) arrivals[first] = (arrivals[first] as number) + 1;
    const length = Math.max(1, s.to - s.from);
    for (let h = Math.max(0, first); h < hours && start + h * HOUR < s.to; h++) {
      const overlap = Math.min(s.to, start + (h + 1) * HOUR) - Math.max(s.from, start + h * HOUR);
      if (overlap <= 0) continue;
      busy[h] = (busy[h] as number) + overlap / HOUR;
      energy[h] = (energy[h] as number) + (s.kwh * overlap) / length;
    }
  }
  return { busy, arrivals, energy };
}

/** P(N ≥ evses) for N ~ Poisson(mean): the chance that no EVSE is free when `mean` cars are expected. */
export function chanceNoneFree(mean: number, evses: number): number {
  if (evses <= 0) return 1;
  if (mean <= 0) return 0;
  let term = Math.exp(-mean);
  let below = term;
  for (let k = 1; k < evses; k++) {
    term *= mean / k;
    below += term;
  }
  return Math.min(1, Math.max(0, 1 - below));
}

/** Seven days ahead for each series, from the model; never negative. */
export function forecastSeries(
  model: HourlyForecaster,
  series: { busy: number[]; arrivals: number[]; energy: number[] },
  firstDayOfWeek: number,
  horizon: number,
): { busy: number[]; arrivals: number[]; energy: number[] } {
  const run = (values: number[]) => model.forecast({ values, firstDayOfWeek }, horizon).map((v) => Math.max(0, Number.isFinite(v) ? v : 0));
  return { busy: run(series.busy), arrivals: run(series.arrivals), energy: run(series.energy) };
}
