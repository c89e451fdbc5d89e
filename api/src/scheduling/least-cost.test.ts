import fc from 'fast-check';
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EnergyCosts, planSiteAtLeastCost } from './least-cost.js';
import { lpSolver } from './lp-solver.js';
import type { ChargingNeed } from './optimiser.js';

const HOUR = 3_600_000;
const STEP = 5 * 60_000;
const NOW = Date.UTC(2026, 11, 2, 8);
let highs: Highs;
beforeAll(async () => {
  highs = await lpSolver();
});

const car = (id: string, kwh: number, hours: number, extra: Partial<ChargingNeed> = {}): ChargingNeed => ({
  id,
  remainingWh: kwh * 1000,
  maxPowerW: 11_000,
  minPowerW: 4_140,
  departureMs: NOW + hours * HOUR,
  ...extra,
});
const costs = (extra: Partial<EnergyCosts> = {}): EnergyCosts => ({
  prices: [{ fromMs: NOW, perKwh: 0.1 }],
  demandChargePerKw: 0,
  peakSoFarW: 0,
  billingPeriodEndMs: NOW + 20 * 24 * HOUR,
  valuePerKwh: 0.3,
  ...extra,
});
const plan = (capW: number, needs: ChargingNeed[], c: EnergyCosts) =>
  new Map(planSiteAtLeastCost({ nowMs: NOW, stepMs: STEP, capW, needs, costs: c }, highs).map((a) => [a.id, a]));

describe('the least-cost plan', () => {
  it('waits for the cheap hours when the car has time, and charges now when it has not', () => {
    const prices = [
      { fromMs: NOW, perKwh: 0.25 },
      { fromMs: NOW + 2 * HOUR, perKwh: 0.05 },
    ];
    const p = plan(50_000, [car('patient', 10, 6), car('leaving', 10, 1.5)], costs({ prices }));
    expect(p.get('patient')?.powerW).toBe(0);
    // Still planned in full, in the cheap hours.
    expect(p.get('patient')?.plannedWh).toBeCloseTo(10_000, -1);
    expect(p.get('leaving')?.powerW).toBeCloseTo(11_000, 0);
  });

  it('does not charge where a kWh costs more than it earns', () => {
    const p = plan(50_000, [car('a', 10, 3)], costs({ prices: [{ fromMs: NOW, perKwh: 0.5 }] }));
    expect(p.get('a')).toMatchObject({ powerW: 0, plannedWh: 0 });
  });

  it('spreads the charging under the month peak rather than raising it when the cars have time', () => {
    // Two cars, 20 kWh each within 8 hours: 5 kW would do; the month's peak so far is 6 kW.
    const p = plan(100_000, [car('a', 20, 8), car('b', 20, 8)], costs({ demandChargePerKw: 15, peakSoFarW: 6_000, billingPeriodEndMs: NOW + 3 * 24 * HOUR }));
    const total = (p.get('a')?.powerW ?? 0) + (p.get('b')?.powerW ?? 0);
    expect(total).toBeLessThanOrEqual(6_000 + 1);
    expect((p.get('a')?.plannedWh ?? 0) + (p.get('b')?.plannedWh ?? 0)).toBeGreaterThan(39_000);
    // Without a demand charge the cheapest is as soon as possible (prices are flat).
    const free = plan(100_000, [car('a', 20, 8), car('b', 20, 8)], costs());
    expect((free.get('a')?.powerW ?? 0) + (free.get('b')?.powerW ?? 0)).toBeCloseTo(22_000, 0);
  });

  it('a flexible car waits behind one that is not, at the same price', () => {
    const p = plan(11_000, [car('flexible', 5, 4, { flexible: true }), car('firm', 5, 4)], costs());
    expect(p.get('firm')?.powerW).toBeCloseTo(11_000, 0);
    expect(p.get('flexible')?.powerW).toBe(0);
    expect(p.get('flexible')?.plannedWh).toBeCloseTo(5_000, -1);
  });

  it('never exceeds the cap or an EVSE maximum, never plans more than wanted, and keeps the minimum-current rule', () => {
    const need = fc.record({
      kwh: fc.double({ min: 0, max: 80, noNaN: true }),
      hours: fc.double({ min: 0.05, max: 30, noNaN: true }),
      maxPowerW: fc.constantFrom(3_700, 7_400, 11_000, 22_000),
      flexible: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(need, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.array(fc.record({ at: fc.double({ min: 0, max: 30, noNaN: true }), perKwh: fc.double({ min: 0, max: 0.6, noNaN: true }) }), { maxLength: 6 }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        (cars, capW, steps, demandCharge, peakSoFarW) => {
          const needs = cars.map((c, i) => car(`c${i}`, c.kwh, c.hours, { maxPowerW: c.maxPowerW, flexible: c.flexible }));
          const prices = [
            { fromMs: NOW, perKwh: 0.1 },
            ...steps.map((s) => ({ fromMs: NOW + s.at * HOUR, perKwh: s.perKwh })).sort((a, b) => a.fromMs - b.fromMs),
          ];
          const p = plan(capW, needs, costs({ prices, demandChargePerKw: demandCharge, peakSoFarW }));
          let total = 0;
          for (const n of needs) {
            const a = p.get(n.id);
            expect(a).toBeDefined();
            const power = a?.powerW ?? 0;
            total += power;
            expect(power).toBeGreaterThanOrEqual(0);
            expect(power).toBeLessThanOrEqual(n.maxPowerW + 1e-6);
            expect(power === 0 || power >= n.minPowerW - 1e-6).toBe(true);
            expect(a?.plannedWh ?? 0).toBeLessThanOrEqual(n.remainingWh + 1);
          }
          expect(total).toBeLessThanOrEqual(capW + 1e-6);
        },
      ),
      { numRuns: 150 },
    );
  });
});
