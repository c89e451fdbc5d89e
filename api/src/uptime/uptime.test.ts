import { describe, expect, it } from 'vitest';
import { type Change, chargePointChanges, uptime } from './uptime.js';

const at = (day: number, hour = 0, minute = 0) => new Date(Date.UTC(2026, 10, day, hour, minute));
const NOVEMBER = { from: at(1), to: new Date(Date.UTC(2026, 11, 1)) }; // 1–30 November 2026: 43,200 minutes
const c = (when: Date, state: Change['state']): Change => ({ at: when, state });

describe('uptime arithmetic (NEVI μ and the UK per charge point metric)', () => {
  it('a port up all month is 100 %; one down for a day is (43,200 − 1,440) / 43,200', () => {
    expect(uptime([c(at(1), 'up')], NOVEMBER)).toEqual({ measured_minutes: 43_200, outage_minutes: 0, excluded_minutes: 0, uptime_percent: 100 });
    const oneDay = uptime([c(at(1), 'up'), c(at(10), 'down'), c(at(11), 'up')], NOVEMBER);
    expect(oneDay).toEqual({ measured_minutes: 43_200, outage_minutes: 1_440, excluded_minutes: 0, uptime_percent: 96.667 });
  });

  it('takes the state at the start of the month from the last change before it', () => {
    // Down since 28 October, back on 2 November at 06:00: 30 hours of outage in November.
    const figures = uptime([c(new Date(Date.UTC(2026, 9, 20)), 'up'), c(new Date(Date.UTC(2026, 9, 28)), 'down'), c(at(2, 6), 'up')], NOVEMBER);
    expect(figures.outage_minutes).toBe(30 * 60);
    expect(figures.uptime_percent).toBe(Math.round(((43_200 - 1_800) / 43_200) * 100 * 1000) / 1000);
  });

  it('excludes the part of an outage covered by exclusions, overlapping ones counted once, and never more than the outage', () => {
    const history = [c(at(1), 'up'), c(at(5, 8), 'down'), c(at(5, 20), 'up')]; // 12 h down
    // Grid outage 06:00–14:00 and maintenance 12:00–16:00 overlap: together 06:00–16:00, of which 08:00–16:00 was outage = 8 h.
    const figures = uptime(history, NOVEMBER, [
      { from: at(5, 6), to: at(5, 14) },
      { from: at(5, 12), to: at(5, 16) },
    ]);
    expect(figures).toEqual({ measured_minutes: 43_200, outage_minutes: 720, excluded_minutes: 480, uptime_percent: 99.444 });
    // An exclusion while the port was up changes nothing.
    expect(uptime(history, NOVEMBER, [{ from: at(20), to: at(21) }]).uptime_percent).toBe(98.333);
  });

  it('does not measure a port before it was first in service, nor while it was out of service', () => {
    // Installed (unknown) on the 10th, first charged on the 15th at noon: measured from then.
    const late = uptime([c(at(10), 'down'), c(at(15, 12), 'up')], NOVEMBER);
    expect(late.measured_minutes).toBe((15 * 24 + 12) * 60);
    expect(late.uptime_percent).toBe(100);
    // Taken out of service (planned works) for five days: those days are not in T.
    const works = uptime([c(at(1), 'up'), c(at(10), 'out_of_service'), c(at(15), 'up'), c(at(20), 'down'), c(at(20, 12), 'up')], NOVEMBER);
    expect(works).toEqual({ measured_minutes: 43_200 - 5 * 1_440, outage_minutes: 720, excluded_minutes: 0, uptime_percent: 98 });
    expect(uptime([c(at(3), 'down')], NOVEMBER).uptime_percent).toBeNull();
  });

  it('a charge point is up while any connector is: the UK metric', () => {
    const a = [c(at(1), 'up'), c(at(10), 'down'), c(at(12), 'up')];
    const b = [c(at(1), 'up'), c(at(11), 'down'), c(at(13), 'up')];
    const charger = chargePointChanges([a, b]);
    // Both down only on the 11th.
    expect(uptime(charger, NOVEMBER)).toMatchObject({ outage_minutes: 1_440, uptime_percent: 96.667 });
  });
});
