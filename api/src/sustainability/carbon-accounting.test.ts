import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AccountInput, accountSession, EV_KWH_PER_100_KM, energyAt, petrolCar } from './carbon-accounting.js';
import { coverPeriods, type IntensityPeriod, yearlyAverage } from './grid-intensity.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0);
const HOUR = 3_600_000;
const flat = (g: number, renewable: number | null = 0.5): IntensityPeriod[] => [
  { from: new Date(T0 - 24 * HOUR), to: new Date(T0 + 48 * HOUR), g_per_kwh: g, renewable_share: renewable, source: 'test' },
];
/** 7 kW for two hours: 14 kWh. */
const steady = [
  { at: T0, energyWh: 0 },
  { at: T0 + 2 * HOUR, energyWh: 14_000 },
];
const base = (over: Partial<AccountInput> = {}): AccountInput => ({
  meter: steady,
  from: T0,
  to: T0 + 2 * HOUR,
  siteMeters: [steady],
  supply: { readings: [], modelPvW: null },
  intensity: flat(300),
  contractRenewableShare: 0,
  country: 'DE',
  ...over,
});

describe('carbon accounting of a session', () => {
  it('all from the grid: grams are kWh times the intensity, avoided is against the petrol car', () => {
    const account = accountSession(base());
    expect(account.energy_wh).toEqual({ total: 14_000, on_site_pv: 0, battery: 0, grid: 14_000 });
    expect(account.co2_g.location_based).toBeCloseTo(14 * 300, 6);
    expect(account.co2_g.market_based).toBeCloseTo(4200, 6);
    expect(account.renewable_share).toEqual({ location_based: 0.5, market_based: 0.5 });
    const km = (14 / EV_KWH_PER_100_KM) * 100;
    expect(account.distance_km).toBeCloseTo(km, 1);
    expect(account.avoided_co2_g).toBeCloseTo(km * petrolCar('DE').g_per_km - 4200, 0);
  });

  it('a renewable supply contract lowers the market-based figure only', () => {
    const account = accountSession(base({ contractRenewableShare: 0.75 }));
    expect(account.co2_g.location_based).toBeCloseTo(4200, 6);
    expect(account.co2_g.market_based).toBeCloseTo(1050, 6);
    // 25 % of the grid at its own 50 % plus the contracted 75 %.
    expect(account.renewable_share.market_based).toBeCloseTo(0.875, 6);
  });

  it('measured PV covers the site load in proportion; the battery after it', () => {
    // The site draws 14 kW (this car's 7 kW and the building's); PV makes 3.5 kW, the battery gives 3.5 kW.
    const readings = [0, 1].map((h) => ({ at: T0 + h * HOUR - 60_000, pvW: 3_500, siteLoadW: 14_000, batteryW: 3_500 }));
    const account = accountSession(base({ supply: { readings, modelPvW: null } }));
    expect(account.energy_wh.on_site_pv).toBeCloseTo(3_500, 0);
    expect(account.energy_wh.battery).toBeCloseTo(3_500, 0);
    expect(account.energy_wh.grid).toBeCloseTo(7_000, 0);
    expect(account.co2_g.location_based).toBeCloseTo(7 * 300, 0);
    expect(account.renewable_share.location_based).toBeCloseTo((7_000 + 3_500) / 14_000, 3);
  });

  it('PV above the load covers everything, never more than the car took', () => {
    const readings = [0, 1].map((h) => ({ at: T0 + h * HOUR, pvW: 50_000, siteLoadW: 9_000, batteryW: 10_000 }));
    const account = accountSession(base({ supply: { readings, modelPvW: null } }));
    expect(account.energy_wh).toEqual({ total: 14_000, on_site_pv: 14_000, battery: 0, grid: 0 });
    expect(account.co2_g.location_based).toBe(0);
  });

  it('without site load, PV is shared over every car charging at the site', () => {
    // Two identical cars and 7 kW of PV: each gets half of its energy from the PV.
    const account = accountSession(base({ siteMeters: [steady, steady], supply: { readings: [], modelPvW: () => 7_000 } }));
    expect(account.energy_wh.on_site_pv).toBeCloseTo(7_000, 0);
  });

  it('a reading older than an hour stands for nothing; the model fills the gap', () => {
    const stale = [{ at: T0 - 2 * HOUR, pvW: 7_000, siteLoadW: 7_000, batteryW: 0 }];
    expect(accountSession(base({ supply: { readings: stale, modelPvW: null } })).energy_wh.on_site_pv).toBe(0);
    expect(accountSession(base({ supply: { readings: stale, modelPvW: () => 3_500 } })).energy_wh.on_site_pv).toBeCloseTo(7_000, 0);
  });

  it('out-of-order readings and meter points are taken in time order', () => {
    const readings = [
      { at: T0 + HOUR, pvW: 0, siteLoadW: 7_000, batteryW: 0 },
      { at: T0, pvW: 7_000, siteLoadW: 7_000, batteryW: 0 },
    ];
    const meter = [steady[1], { at: T0 + HOUR, energyWh: 7_000 }, steady[0]] as typeof steady;
    const account = accountSession(base({ meter, siteMeters: [meter], supply: { readings, modelPvW: null } }));
    // PV covered the first hour only.
    expect(account.energy_wh.on_site_pv).toBeCloseTo(7_000, 0);
    expect(account.energy_wh.grid).toBeCloseTo(7_000, 0);
  });

  it('charging in a cleaner hour emits less', () => {
    const intensity = [
      { from: new Date(T0), to: new Date(T0 + HOUR), g_per_kwh: 400, renewable_share: 0.2, source: 'test' },
      { from: new Date(T0 + HOUR), to: new Date(T0 + 2 * HOUR), g_per_kwh: 100, renewable_share: 0.8, source: 'test' },
    ];
    const early = [
      { at: T0, energyWh: 0 },
      { at: T0 + HOUR, energyWh: 7_000 },
      { at: T0 + 2 * HOUR, energyWh: 7_000 },
    ];
    const late = [
      { at: T0, energyWh: 0 },
      { at: T0 + HOUR, energyWh: 0 },
      { at: T0 + 2 * HOUR, energyWh: 7_000 },
    ];
    expect(accountSession(base({ meter: early, siteMeters: [early], intensity })).co2_g.location_based).toBeCloseTo(2_800, 0);
    expect(accountSession(base({ meter: late, siteMeters: [late], intensity })).co2_g.location_based).toBeCloseTo(700, 0);
  });

  it('invariants: parts sum to the total, nothing negative, market ≤ location, shares within 0–1', () => {
    const reading = fc.record({
      offsetMin: fc.integer({ min: -90, max: 150 }),
      pvW: fc.option(fc.integer({ min: 0, max: 100_000 })),
      siteLoadW: fc.option(fc.integer({ min: 0, max: 100_000 })),
      batteryW: fc.option(fc.integer({ min: -20_000, max: 20_000 })),
    });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 11_000 }), { minLength: 1, maxLength: 24 }),
        fc.array(reading, { maxLength: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1_200 }),
        fc.option(fc.integer({ min: 0, max: 20_000 })),
        (powers, rawReadings, contract, g, modelW) => {
          const meter = [{ at: T0, energyWh: 0 }];
          for (const [i, w] of powers.entries()) meter.push({ at: T0 + (i + 1) * 5 * 60_000, energyWh: (meter.at(-1)?.energyWh ?? 0) + w / 12 });
          const wh = meter.at(-1)?.energyWh ?? 0;
          const to = T0 + powers.length * 5 * 60_000;
          const readings = rawReadings.map((r) => ({ at: T0 + r.offsetMin * 60_000, pvW: r.pvW, siteLoadW: r.siteLoadW, batteryW: r.batteryW }));
          const a = accountSession(
            base({
              meter,
              to,
              siteMeters: [meter],
              supply: { readings, modelPvW: modelW === null ? null : () => modelW },
              intensity: flat(g),
              contractRenewableShare: contract,
            }),
          );
          const e = a.energy_wh;
          expect(Math.abs(e.on_site_pv + e.battery + e.grid - e.total)).toBeLessThan(0.3);
          expect(Math.abs(e.total - wh)).toBeLessThan(0.1);
          for (const x of [e.on_site_pv, e.battery, e.grid, a.co2_g.location_based, a.co2_g.market_based]) expect(x).toBeGreaterThanOrEqual(0);
          expect(a.co2_g.market_based).toBeLessThanOrEqual(a.co2_g.location_based);
          for (const s of [a.renewable_share.location_based, a.renewable_share.market_based]) {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(1);
          }
          expect(a.renewable_share.market_based).toBeGreaterThanOrEqual(a.renewable_share.location_based - 1e-4);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads the meter linearly between points', () => {
    expect(energyAt(steady, T0 + HOUR)).toBe(7_000);
    expect(energyAt(steady, T0 - HOUR)).toBe(0);
    expect(energyAt(steady, T0 + 3 * HOUR)).toBe(14_000);
    expect(energyAt([], T0)).toBe(0);
  });
});

describe('grid intensity', () => {
  it('ships yearly averages per country with their source and renewable share', () => {
    const france = yearlyAverage('FR');
    const poland = yearlyAverage('PL');
    expect(france.source).toMatch(/Electricity Maps yearly average 2024/);
    expect(france.g_per_kwh).toBeGreaterThan(0);
    expect(france.g_per_kwh).toBeLessThan(poland.g_per_kwh);
    expect(france.renewable_share).toBeGreaterThan(0);
    expect(france.renewable_share).toBeLessThan(1);
    // An unknown zone falls back to the world average, said so.
    expect(yearlyAverage('XX').source).toMatch(/world average/);
  });

  it('covers a period with what is known and the yearly average in the gaps', () => {
    const known = [{ from: new Date(T0 + HOUR), to: new Date(T0 + 2 * HOUR), g_per_kwh: 50, renewable_share: 0.9, source: 'live' }];
    const periods = coverPeriods('DE', new Date(T0), new Date(T0 + 3 * HOUR), known);
    expect(periods.map((p) => [p.from.getTime() - T0, p.to.getTime() - T0, p.source === 'live'])).toEqual([
      [0, HOUR, false],
      [HOUR, 2 * HOUR, true],
      [2 * HOUR, 3 * HOUR, false],
    ]);
  });
});
