import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowNetwork } from './max-flow.js';
import { type ChargingNeed, planSite } from './optimiser.js';

const NOW = Date.UTC(2026, 11, 2, 8, 0);
const STEP = 5 * 60_000;
const HOUR = 3_600_000;

const need = fc.record({
  remainingWh: fc.oneof(fc.integer({ min: 1, max: 80_000 }), fc.constant(Number.POSITIVE_INFINITY)),
  maxPowerW: fc.constantFrom(3_700, 7_400, 11_000, 22_000),
  minPowerW: fc.constantFrom(0, 1_380, 4_140),
  // On step boundaries, so the per-step reference below is exact.
  departureInMin: fc.integer({ min: 1, max: 16 * 12 }).map((steps) => steps * 5),
});
const site = fc.record({ capW: fc.integer({ min: 0, max: 200_000 }), needs: fc.array(need, { maxLength: 30 }) });
const toNeeds = (raw: { remainingWh: number; maxPowerW: number; minPowerW: number; departureInMin: number }[]): ChargingNeed[] =>
  raw.map((n, i) => ({
    id: `s${i}`,
    remainingWh: n.remainingWh,
    maxPowerW: n.maxPowerW,
    minPowerW: n.minPowerW,
    departureMs: NOW + n.departureInMin * 60_000,
  }));

/** The most energy any schedule can deliver by the departures (every 5-minute step separately). */
function mostDeliverable(needs: ChargingNeed[], capW: number): number {
  const steps = Math.max(1, ...needs.map((n) => Math.ceil((n.departureMs - NOW) / STEP)));
  const network = new FlowNetwork(2 + needs.length + steps);
  const sink = 1 + needs.length + steps;
  needs.forEach((n, i) => {
    network.addEdge(0, 1 + i, Math.min(n.remainingWh, (n.maxPowerW * (n.departureMs - NOW)) / HOUR));
    for (let t = 0; t < steps; t++) {
      const from = NOW + t * STEP;
      const to = Math.min(from + STEP, n.departureMs);
      if (to > from) network.addEdge(1 + i, 1 + needs.length + t, (n.maxPowerW * (to - from)) / HOUR);
    }
  });
  for (let t = 0; t < steps; t++) network.addEdge(1 + needs.length + t, sink, (capW * STEP) / HOUR);
  return network.augment(0, sink);
}

describe('the site optimiser', () => {
  it('never exceeds the cap, never gives an EVSE more than its maximum, and respects the minimum current', () => {
    fc.assert(
      fc.property(site, ({ capW, needs: raw }) => {
        const needs = toNeeds(raw);
        const plan = planSite({ nowMs: NOW, stepMs: STEP, capW, needs });
        expect(plan.map((a) => a.id).sort()).toEqual(needs.map((n) => n.id).sort());
        const total = plan.reduce((sum, a) => sum + a.powerW, 0);
        expect(total).toBeLessThanOrEqual(capW + 1e-6);
        for (const a of plan) {
          const n = needs.find((x) => x.id === a.id) as ChargingNeed;
          expect(a.powerW).toBeGreaterThanOrEqual(0);
          expect(a.powerW).toBeLessThanOrEqual(n.maxPowerW + 1e-6);
          // Either off or at least the EVSE's minimum (6 A per phase for AC).
          if (a.powerW > 1e-6) expect(a.powerW).toBeGreaterThanOrEqual(n.minPowerW - 1e-6);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('meets every stated demand when that is feasible, and plans as much as the cap allows otherwise', () => {
    fc.assert(
      fc.property(site, ({ capW, needs: raw }) => {
        // Continuous rates (no minimum), known demands: the plan's energy is the maximum deliverable.
        const needs = toNeeds(raw.map((n) => ({ ...n, minPowerW: 0, remainingWh: Number.isFinite(n.remainingWh) ? n.remainingWh : 20_000 })));
        const plan = planSite({ nowMs: NOW, stepMs: STEP, capW, needs });
        const planned = plan.reduce((sum, a) => sum + a.plannedWh, 0);
        const best = mostDeliverable(needs, capW);
        expect(planned).toBeGreaterThanOrEqual(best - needs.length - 1);
        const demand = needs.reduce((sum, n) => sum + n.remainingWh, 0);
        if (best >= demand - 1e-6)
          for (const a of plan) expect(a.plannedWh).toBeGreaterThanOrEqual((needs.find((n) => n.id === a.id) as ChargingNeed).remainingWh - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the most urgent car what it needs first, and shares alike when nothing is known', () => {
    const urgent = { id: 'urgent', remainingWh: 11_000, maxPowerW: 11_000, minPowerW: 0, departureMs: NOW + HOUR };
    const relaxed = { id: 'relaxed', remainingWh: 11_000, maxPowerW: 11_000, minPowerW: 0, departureMs: NOW + 8 * HOUR };
    const plan = planSite({ nowMs: NOW, stepMs: STEP, capW: 11_000, needs: [relaxed, urgent] });
    expect(plan.find((a) => a.id === 'urgent')?.powerW).toBeCloseTo(11_000);
    expect(plan.find((a) => a.id === 'relaxed')?.powerW).toBeCloseTo(0);
    expect(plan.find((a) => a.id === 'relaxed')?.plannedWh).toBe(11_000);

    const unknown = Array.from({ length: 4 }, (_, i) => ({
      id: `u${i}`,
      remainingWh: Number.POSITIVE_INFINITY,
      maxPowerW: 22_000,
      minPowerW: 4_140,
      departureMs: NOW + 4 * HOUR,
    }));
    const even = planSite({ nowMs: NOW, stepMs: STEP, capW: 40_000, needs: unknown });
    for (const a of even) expect(a.powerW).toBeCloseTo(10_000);
  });

  it('a car that leaves early frees its share at the next step; a cap below one car’s minimum charges nobody', () => {
    const cars = ['a', 'b'].map((id) => ({ id, remainingWh: Number.POSITIVE_INFINITY, maxPowerW: 22_000, minPowerW: 4_140, departureMs: NOW + 3 * HOUR }));
    expect(planSite({ nowMs: NOW, stepMs: STEP, capW: 22_000, needs: cars }).map((a) => a.powerW)).toEqual([11_000, 11_000]);
    const after = planSite({ nowMs: NOW + STEP, stepMs: STEP, capW: 22_000, needs: [cars[0] as ChargingNeed] });
    expect(after[0]?.powerW).toBe(22_000);
    const tiny = planSite({ nowMs: NOW, stepMs: STEP, capW: 3_000, needs: cars });
    expect(tiny.map((a) => a.powerW)).toEqual([0, 0]);
  });

  it('ignores what cannot be charged: a departure in the past, nothing wanted, no power', () => {
    const plan = planSite({
      nowMs: NOW,
      stepMs: STEP,
      capW: 50_000,
      needs: [
        { id: 'gone', remainingWh: 10_000, maxPowerW: 11_000, minPowerW: 0, departureMs: NOW - HOUR },
        { id: 'full', remainingWh: 0, maxPowerW: 11_000, minPowerW: 0, departureMs: NOW + HOUR },
        { id: 'broken', remainingWh: 10_000, maxPowerW: 0, minPowerW: 0, departureMs: NOW + HOUR },
        { id: 'ok', remainingWh: 10_000, maxPowerW: 11_000, minPowerW: 0, departureMs: NOW + HOUR },
      ],
    });
    expect(Object.fromEntries(plan.map((a) => [a.id, a.powerW]))).toEqual({ gone: 0, full: 0, broken: 0, ok: 11_000 });
  });

  it('plans a 50-EVSE site in well under 50 ms', () => {
    const needs = Array.from({ length: 50 }, (_, i) => ({
      id: `e${i}`,
      remainingWh: 5_000 + ((i * 7919) % 40_000),
      maxPowerW: 11_000,
      minPowerW: 4_140,
      departureMs: NOW + (1 + (i % 9)) * HOUR + i * 60_000,
    }));
    const times: number[] = [];
    for (let run = 0; run < 200; run++) {
      const started = performance.now();
      planSite({ nowMs: NOW, stepMs: STEP, capW: 150_000, needs });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length * 0.99)]).toBeLessThan(50);
  });
});
