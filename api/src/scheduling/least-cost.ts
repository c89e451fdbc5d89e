import type { Highs } from 'highs';
import { type Allocation, applyMinimumPower, type ChargingNeed, type SitePlanInput } from './optimiser.js';

/** What the site pays for its energy: the scheduler's view of its energy contract over the horizon. */
export interface EnergyCosts {
  /** Price per kWh from the grid from each start time on (ascending; the first applies from `nowMs`). */
  prices: { fromMs: number; perKwh: number }[];
  /** Per kW of the billing period's highest grid draw. */
  demandChargePerKw: number;
  /** The site's highest draw so far in this billing period, W: power up to it costs no more. */
  peakSoFarW: number;
  /** When the billing period ends (its peak is then forgotten), ms since the epoch. */
  billingPeriodEndMs: number;
  /** What a delivered kWh earns the network (the drivers' price); a car is charged only where that beats its cost. */
  valuePerKwh: number;
  /** On-site production free to the chargers (PV surplus), W from each time on (ascending); none when absent. */
  onSiteW?: { fromMs: number; w: number }[];
}

export interface LeastCostPlanInput extends SitePlanInput {
  costs: EnergyCosts;
}

const HOUR_MS = 3_600_000;
/**
 * A new kW of peak is paid for the rest of the billing period but the plan only sees the cars
 * here now, so it is weighed at the share of the remaining period the horizon covers, times this
 * (chosen in bench/scheduling over every 2019 season, not the March test month alone).
 */
export const PEAK_WEIGHT = 5;
/** Per kWh and hour of delay: among equally cheap hours, sooner is safer (the next car is unknown). */
export const SOONER = 1e-5;

/** The value at `t` of a step function given as ascending `{ fromMs }` steps (the first before it). */
function stepAt<T extends { fromMs: number }>(steps: T[], t: number, value: (s: T) => number): number {
  let found = steps[0] ? value(steps[0]) : 0;
  for (const s of steps) if (s.fromMs <= t) found = value(s);
  return found;
}

/**
 * Plans a site's power for the next step at the least cost: a linear programme over the horizon
 * (now to the last departure, cut at the end of this step, each departure, each price change and
 * each change of on-site supply), solved by HiGHS. Per interval k and car i the energy x(i,k)
 * (kWh) earns `valuePerKwh`; the grid energy g(k) — what the cars take beyond the on-site supply
 * — costs the price in k; the site's peak P (kW, at least the billing period's peak so far, at most
 * the cap) costs the demand charge, weighed as `PEAK_WEIGHT` says. Subject to: each car at most
 * what it wants and what its EVSE takes in k, g(k) at most P in every interval, and the chargers
 * together at most the cap. The first interval's energy is what is sent now; the minimum-current
 * rule is applied after, as in `planSite`. With carbon intensity as the price this is the
 * least-carbon plan; with a flat price and PV, solar first.
 */
export function planSiteAtLeastCost(input: LeastCostPlanInput, highs: Highs, { peakWeight = PEAK_WEIGHT, delayCostPerKwhH = SOONER } = {}): Allocation[] {
  const { nowMs, stepMs, needs, costs } = input;
  const capKw = Math.max(0, input.capW) / 1000;
  const present = needs.filter((n) => n.remainingWh > 0 && n.maxPowerW > 0 && n.departureMs > nowMs);
  const result = new Map<string, Allocation>(needs.map((n) => [n.id, { id: n.id, powerW: 0, plannedWh: 0 }]));
  if (present.length === 0 || capKw === 0) return [...result.values()];

  const horizonEnd = Math.max(...present.map((n) => n.departureMs));
  const firstEnd = Math.min(nowMs + stepMs, horizonEnd);
  const onSite = costs.onSiteW?.some((s) => s.w > 0) ? costs.onSiteW : [];
  const cuts = new Set<number>([nowMs, firstEnd, ...present.map((n) => n.departureMs), ...costs.prices.map((p) => p.fromMs), ...onSite.map((s) => s.fromMs)]);
  const bounds = [...cuts].filter((t) => t >= nowMs && t <= horizonEnd && (t === nowMs || t >= firstEnd)).sort((a, b) => a - b);
  const intervals = bounds.length - 1;
  const length = (k: number) => ((bounds[k + 1] as number) - (bounds[k] as number)) / HOUR_MS;
  const priceAt = (t: number) => stepAt(costs.prices, t, (p) => p.perKwh);
  const onSiteKwh = (k: number) =>
    onSite.length
      ? (Math.max(
          0,
          stepAt(onSite, bounds[k] as number, (s) => s.w),
        ) /
          1000) *
        length(k)
      : 0;
  const withSupply = [...Array(intervals).keys()].filter((k) => onSiteKwh(k) > 0);

  // Rows: one per car; per interval its supply (x − g ≤ on-site) and its peak (g − P·len ≤ 0); a cap row where on-site supply lifts the chargers above the grid.
  const supplyRow = (k: number) => present.length + k;
  const peakRow = (k: number) => present.length + intervals + k;
  const capRow = new Map(withSupply.map((k, j) => [k, present.length + 2 * intervals + j]));
  const numRows = present.length + 2 * intervals + withSupply.length;
  const colCost: number[] = [];
  const colUpper: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const owner: { car: number; interval: number }[] = [];
  const column = (cost: number, upper: number, entries: [number, number][]) => {
    colCost.push(cost);
    colUpper.push(upper);
    for (const [row, value] of entries) {
      indices.push(row);
      values.push(value);
    }
    starts.push(indices.length);
  };
  present.forEach((n, i) => {
    for (let k = 0; k < intervals && (bounds[k] as number) < n.departureMs; k++) {
      const delayH = ((bounds[k] as number) - nowMs) / HOUR_MS;
      const cap = capRow.get(k);
      column(costs.valuePerKwh - (n.flexible ? 0 : delayCostPerKwhH * delayH), (n.maxPowerW / 1000) * length(k), [
        [i, 1],
        [supplyRow(k), 1],
        ...(cap === undefined ? [] : ([[cap, 1]] as [number, number][])),
      ]);
      owner.push({ car: i, interval: k });
    }
  });
  for (let k = 0; k < intervals; k++)
    column(-priceAt(bounds[k] as number), capKw * length(k), [
      [supplyRow(k), -1],
      [peakRow(k), 1],
    ]);
  const horizonH = (horizonEnd - nowMs) / HOUR_MS;
  const remainingH = Math.max(horizonH, (costs.billingPeriodEndMs - nowMs) / HOUR_MS);
  column(
    -costs.demandChargePerKw * Math.min(1, (peakWeight * horizonH) / remainingH),
    capKw,
    [...Array(intervals).keys()].map((k) => [peakRow(k), -length(k)] as [number, number]),
  );
  const numCols = colCost.length;
  const wantedKwh = present.map((n) => Math.min(n.remainingWh, n.maxPowerW * horizonH) / 1000);
  const colLower = new Array<number>(numCols).fill(0);
  colLower[numCols - 1] = Math.min(capKw, costs.peakSoFarW / 1000);
  const rowUpper = [
    ...wantedKwh,
    ...[...Array(intervals).keys()].map(onSiteKwh),
    ...new Array<number>(intervals).fill(0),
    ...withSupply.map((k) => capKw * length(k)),
  ];

  const energy = highs.withModel(
    {
      numCols,
      numRows,
      sense: highs.constants.objectiveSense.maximize,
      colCost,
      colLower,
      colUpper,
      rowLower: new Array<number>(numRows).fill(-highs.infinity),
      rowUpper,
      matrix: { format: 'csc', numRows, numCols, starts, indices, values },
    },
    (model) => {
      model.options.set({ output_flag: false });
      model.run();
      return model.getModelStatus() === highs.constants.modelStatus.optimal ? model.getSolution().colValue : null;
    },
  );
  if (energy === null) throw new Error('the least-cost plan has no optimum');

  const power = present.map(() => 0);
  const later = present.map(() => 0);
  owner.forEach(({ car, interval }, col) => {
    const wh = Math.max(0, energy[col] as number) * 1000;
    if (interval === 0) power[car] = Math.min((present[car] as ChargingNeed).maxPowerW, wh / length(0));
    else later[car] = (later[car] as number) + wh;
  });
  // The solver's tolerance must not take the site over its cap.
  const total = power.reduce((a, b) => a + b, 0);
  if (total > capKw * 1000) for (let i = 0; i < power.length; i++) power[i] = ((power[i] as number) * capKw * 1000) / total;
  applyMinimumPower(present, power, capKw * 1000);
  present.forEach((n, i) => {
    result.set(n.id, {
      id: n.id,
      powerW: power[i] as number,
      plannedWh: Math.round(Math.min(n.remainingWh, (later[i] as number) + (power[i] as number) * length(0))),
    });
  });
  return [...result.values()];
}
