import { describe, expect, it } from 'vitest';
import { dayTypeMedian, ensemble, FORECASTERS, hourOfWeekMean, hourOfWeekMedian, mstl, seasonalNaive } from './models.js';

// Four weeks of a clean weekly shape starting on a Monday: busy 8–18 on weekdays, quiet at weekends.
const shape = (hour: number, firstDayOfWeek = 1) => {
  const dow = (Math.floor(hour / 24) + firstDayOfWeek) % 7;
  const hod = hour % 24;
  return dow === 0 || dow === 6 ? 1 : hod >= 8 && hod < 18 ? 10 : 2;
};
const weeks = (n: number) => Array.from({ length: n * 168 }, (_, h) => shape(h));

describe('forecasters', () => {
  it('every model forecasts the horizon asked, never below zero, the same way twice', () => {
    const history = { values: weeks(4).map((v, i) => v + ((i * 7919) % 5) / 10), firstDayOfWeek: 1 };
    for (const model of FORECASTERS) {
      const a = model.forecast(history, 168);
      expect(a).toHaveLength(168);
      expect(a.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      expect(model.forecast(history, 168)).toEqual(a);
    }
  });

  it('recovers a clean weekly pattern, weekdays and weekends apart', () => {
    const history = { values: weeks(4), firstDayOfWeek: 1 };
    const expected = Array.from({ length: 168 }, (_, h) => shape(4 * 168 + h));
    for (const model of [seasonalNaive, hourOfWeekMean, hourOfWeekMedian, dayTypeMedian]) expect(model.forecast(history, 168)).toEqual(expected);
    const blended = ensemble.forecast(history, 168);
    for (let h = 0; h < 168; h++) expect(Math.abs((blended[h] as number) - (expected[h] as number))).toBeLessThan(1.5);
    // The weekday of the first value matters: read as starting on a Sunday, the next day is a weekend day.
    expect(dayTypeMedian.forecast({ values: weeks(4), firstDayOfWeek: 0 }, 24)).not.toEqual(expected.slice(0, 24));
  });

  it('a site with no history or less than two weeks gets zeros or the mean, not an error', () => {
    for (const model of FORECASTERS) expect(model.forecast({ values: [], firstDayOfWeek: 0 }, 24)).toEqual(Array(24).fill(0));
    const short = { values: weeks(1), firstDayOfWeek: 1 };
    expect(mstl.forecast(short, 24)).toEqual(hourOfWeekMean.forecast(short, 24));
  });
});
