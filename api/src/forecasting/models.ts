import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initSync, MSTL } from '@bsull/augurs/mstl';

/**
 * An hourly series in the site's local time: `values[0]` is midnight of a day whose weekday is
 * `firstDayOfWeek` (0 Sunday … 6 Saturday), one value per hour, oldest first.
 */
export interface HourlyHistory {
  values: readonly number[];
  firstDayOfWeek: number;
}

/** A model that forecasts the next hours of a series; every model is behind this one interface. */
export interface HourlyForecaster {
  readonly name: string;
  /** The `horizon` hours after the end of the history. */
  forecast(history: HourlyHistory, horizon: number): number[];
}

const DAY = 24;
const WEEK = 7 * DAY;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** The same hour last week (the baseline every model must beat). */
export const seasonalNaive: HourlyForecaster = {
  name: 'seasonal-naive',
  forecast({ values }, horizon) {
    return Array.from({ length: horizon }, (_, h) => values[values.length - WEEK + (h % WEEK)] ?? 0);
  },
};

/** The same hour of the week in past weeks (the last `weeks`), aggregated. */
function hourOfWeek(name: string, weeks: number, aggregate: (v: number[]) => number): HourlyForecaster {
  return {
    name,
    forecast({ values }, horizon) {
      const end = values.length;
      return Array.from({ length: horizon }, (_, h) => {
        const seen: number[] = [];
        for (let i = end + h - WEEK; i >= 0 && seen.length < weeks; i -= WEEK) if (i < end) seen.push(values[i] as number);
        return seen.length ? aggregate(seen) : 0;
      });
    },
  };
}

/** The historical mean for that hour of the week (the second baseline). */
export const hourOfWeekMean = hourOfWeek('hour-of-week-mean', Number.POSITIVE_INFINITY, mean);
/** The median of the last six weeks at that hour of the week: robust to one odd week. */
export const hourOfWeekMedian = hourOfWeek('hour-of-week-median-6w', 6, median);

/**
 * The median of that hour on the last ten days of the same kind (weekday or weekend): five times
 * the samples of an hour-of-week model, so it follows changes of level sooner.
 */
export const dayTypeMedian: HourlyForecaster = {
  name: 'day-type-median-10d',
  forecast({ values, firstDayOfWeek }, horizon) {
    const weekend = (day: number) => {
      const dow = (day + firstDayOfWeek) % 7;
      return dow === 0 || dow === 6;
    };
    return Array.from({ length: horizon }, (_, h) => {
      const hour = values.length + h;
      const kind = weekend(Math.floor(hour / DAY));
      const seen: number[] = [];
      for (let day = Math.floor(hour / DAY) - 1; day >= 0 && seen.length < 10; day--) {
        const i = day * DAY + (hour % DAY);
        if (weekend(day) === kind && i < values.length) seen.push(values[i] as number);
      }
      return seen.length ? median(seen) : 0;
    });
  },
};

let wasmReady = false;
function loadMstl(): void {
  if (wasmReady) return;
  // The package exports its JavaScript only; the WebAssembly sits beside it.
  initSync({ module: readFileSync(fileURLToPath(new URL('./mstl_bg.wasm', import.meta.resolve('@bsull/augurs/mstl')))) });
  wasmReady = true;
}

/**
 * MSTL (daily and weekly seasonality) with an AutoETS trend, from augurs (WebAssembly). Demand is
 * never negative, so forecasts are floored at 0; with less than two weeks of history it falls back
 * to the hour-of-week mean (MSTL needs two full weekly cycles).
 */
export const mstl: HourlyForecaster = {
  name: 'mstl-ets',
  forecast(history, horizon) {
    if (history.values.length < 2 * WEEK) return hourOfWeekMean.forecast(history, horizon);
    loadMstl();
    const model = MSTL.ets([DAY, WEEK]);
    try {
      model.fit(Float64Array.from(history.values));
      return model.predict(horizon).point.map((v) => (Number.isFinite(v) ? Math.max(0, v) : 0));
    } finally {
      model.free();
    }
  },
};

/**
 * The platform's model: 0.4 day-type median + 0.4 hour-of-week median + 0.2 MSTL. Each is right in
 * its own way (recent days, the weekly shape, trend); the weights are the best of those tried in
 * bench/forecast on the 2019 ACN-Data seasons (see the README for the figures and this caveat).
 */
export const ensemble: HourlyForecaster = {
  name: 'ensemble',
  forecast(history, horizon) {
    const parts: [HourlyForecaster, number][] = [
      [dayTypeMedian, 0.4],
      [hourOfWeekMedian, 0.4],
      [mstl, 0.2],
    ];
    const forecasts = parts.map(([model, weight]) => ({ values: model.forecast(history, horizon), weight }));
    return Array.from({ length: horizon }, (_, h) => forecasts.reduce((sum, f) => sum + f.weight * (f.values[h] as number), 0));
  },
};

export const FORECASTERS: readonly HourlyForecaster[] = [seasonalNaive, hourOfWeekMean, hourOfWeekMedian, dayTypeMedian, mstl, ensemble];
