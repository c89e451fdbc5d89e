import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { planSiteAtLeastCost } from '../scheduling/least-cost.js';
import { lpSolver } from '../scheduling/lp-solver.js';
import type { ChargingNeed } from '../scheduling/optimiser.js';
import { objectiveCosts, type SiteSupply } from './energy-contracts.js';
import type { EnergyContract } from './site-limits.model.js';

const HOUR = 3_600_000;
const STEP = 5 * 60_000;
const NOW = new Date(Date.UTC(2026, 5, 10, 6));
const T = NOW.getTime();
let highs: Highs;
beforeAll(async () => {
  highs = await lpSolver();
});

const contract = (objective: EnergyContract['objective']): EnergyContract => ({
  objective,
  currency: 'EUR',
  base_price_per_kwh: 0.25,
  windows: [],
  demand_charge_per_kw: 0,
  value_per_kwh: 0.4,
  location_id: 'site',
  updated_at: NOW,
});
const car = (id: string, kwh: number, hours: number, flexible = false): ChargingNeed => ({
  id,
  remainingWh: kwh * 1000,
  maxPowerW: 11_000,
  minPowerW: 4_140,
  departureMs: T + hours * HOUR,
  flexible,
});
const noSun: SiteSupply['onSiteW'] = [{ fromMs: T, w: 0 }];
const plan = (objective: EnergyContract['objective'], supply: SiteSupply, capW: number, needs: ChargingNeed[]) => {
  const until = Math.max(...needs.map((n) => n.departureMs));
  const { costs, delayCostPerKwhH } = objectiveCosts(contract(objective), supply, NOW, until, 'Europe/Luxembourg', 0);
  return new Map(
    planSiteAtLeastCost({ nowMs: T, stepMs: STEP, capW, needs, costs }, highs, delayCostPerKwhH === undefined ? {} : { delayCostPerKwhH }).map((a) => [
      a.id,
      a,
    ]),
  );
};

describe('planning a site for the least carbon', () => {
  const dirtyThenClean = {
    intensity: [
      { fromMs: T, gPerKwh: 400 },
      { fromMs: T + 3 * HOUR, gPerKwh: 50 },
    ],
    onSiteW: noSun,
  };

  it('waits for the clean hours when the car has time, still delivering all it wants', () => {
    const p = plan('least_carbon', dirtyThenClean, 50_000, [car('flexible', 10, 8, true), car('steady', 10, 8), car('leaving', 10, 1.5)]);
    expect(p.get('flexible')).toMatchObject({ powerW: 0 });
    expect(p.get('flexible')?.plannedWh).toBeCloseTo(10_000, -1);
    // 350 g/kWh cleaner three hours on is worth the wait for a car that is not flexible too.
    expect(p.get('steady')?.powerW).toBe(0);
    // A car leaving before the clean hours charges now: energy comes first.
    expect(p.get('leaving')?.powerW).toBeCloseTo(11_000, 0);
  });

  it('shifts only flexible cars for a small gain', () => {
    const slightly = {
      intensity: [
        { fromMs: T, gPerKwh: 300 },
        { fromMs: T + 3 * HOUR, gPerKwh: 260 },
      ],
      onSiteW: noSun,
    };
    const p = plan('least_carbon', slightly, 50_000, [car('flexible', 10, 8, true), car('steady', 10, 8)]);
    expect(p.get('flexible')?.powerW).toBe(0);
    expect(p.get('steady')?.powerW).toBeCloseTo(11_000, 0);
  });

  it('with a flat grid it charges as soon as it can (the most-energy behaviour)', () => {
    const p = plan('least_carbon', { intensity: [{ fromMs: T, gPerKwh: 300 }], onSiteW: noSun }, 50_000, [car('a', 10, 8), car('b', 10, 8, true)]);
    expect(p.get('a')?.powerW).toBeCloseTo(11_000, 0);
  });
});

describe('planning a site for its own solar first', () => {
  const flat = [{ fromMs: T, gPerKwh: 300 }];

  it('moves flexible charging to the PV hours, and never above the cap however much PV there is', () => {
    const sunLater = {
      intensity: flat,
      onSiteW: [
        { fromMs: T, w: 0 },
        { fromMs: T + 2 * HOUR, w: 8_000 },
        { fromMs: T + 7 * HOUR, w: 0 },
      ],
    };
    const p = plan('solar_first', sunLater, 22_000, [car('flexible', 20, 9, true), car('leaving', 5, 1)]);
    expect(p.get('flexible')?.powerW).toBe(0);
    expect(p.get('flexible')?.plannedWh).toBeCloseTo(20_000, -1);
    expect(p.get('leaving')?.powerW).toBeGreaterThan(4_000);
    const sunNow = { intensity: flat, onSiteW: [{ fromMs: T, w: 40_000 }] };
    const now = plan('solar_first', sunNow, 11_000, [car('a', 20, 4), car('b', 20, 4), car('c', 20, 4)]);
    const total = [...now.values()].reduce((sum, a) => sum + a.powerW, 0);
    expect(total).toBeLessThanOrEqual(11_000 + 1);
    expect(total).toBeGreaterThan(10_000);
  });

  it('takes free PV into a least-cost plan too', () => {
    const sunLater = {
      intensity: flat,
      onSiteW: [
        { fromMs: T, w: 0 },
        { fromMs: T + 2 * HOUR, w: 11_000 },
      ],
    };
    const p = plan('least_cost', sunLater, 22_000, [car('a', 10, 6)]);
    expect(p.get('a')?.powerW).toBe(0);
    expect(p.get('a')?.plannedWh).toBeCloseTo(10_000, -1);
    // Without the PV, paying 0.25 for a kWh that earns 0.40 is best done now.
    expect(plan('least_cost', { intensity: flat, onSiteW: noSun }, 22_000, [car('a', 10, 6)]).get('a')?.powerW).toBeCloseTo(11_000, 0);
  });
});
