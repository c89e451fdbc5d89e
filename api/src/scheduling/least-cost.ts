import type { Highs } from 'highs';
import { type Allocation, applyMinimumPower, type ChargingNeed, type SitePlanInput } from './optimiser.js';

/** What the site pays for its energy: the scheduler's view of its energy contract over the horizon. */
export interface EnergyCosts {
  /** Price per kWh from each start time on (ascending; the first applies from `nowMs`). */
  prices: { fromMs: number; perKwh: number }[];
  /** Per kW of the billing period's highest draw. */
  demandChargePerKw: number;
  /** The site's highest draw so far in this billing period, W: power up to it costs no more. */
  peakSoFarW: number;
  /** When the billing period ends (its peak is then forgotten), ms since the epoch. */
  billingPeriodEndMs: number;
  /** What a delivered kWh earns the network (the drivers' price); a car is charged only where that beats its cost. */
  valuePerKwh: number;
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
const SOONER = 1e-5;

/**
 * Plans a site's power for the next step at the least cost: a linear programme over the horizon
 * (now to the last departure, cut at the end of this step, each departure and each price change),
 * solved by HiGHS. Per interval k and car i the energy x(i,k) (kWh) earns `valuePerKwh` less the
 * price in k; the site's peak P (kW, at least the billing period's peak so far, at most the cap)
 * costs the demand charge, weighed as `PEAK_WEIGHT` says. Subject to: each car at most what it
 * wants and what its EVSE takes in k, and the site at most P in every interval. The first
 * interval's energy is what is sent now; the minimum-current rule is applied after, as in
 * `planSite`.
 */
export function planSiteAtLeastCost(input: LeastCostPlanInput, highs: Highs, { peakWeight = PEAK_WEIGHT } = {}): Allocation[] {
  const { nowMs, stepMs, needs, costs } = input;
  const capKw = Math.max(0, input.capW) / 1000;
  const present = needs.filter((n) => n.remainingWh > 0 && n.maxPowerW > 0 && n.departureMs > nowMs);
  const result = new Map<string, Allocation>(needs.map((n) => [n.id, { id: n.id, powerW: 0, plannedWh: 0 }]));
  if (present.length === 0 || capKw === 0) return [...result.values()];

  const horizonEnd = Math.max(...present.map((n) => n.departureMs));
  const firstEnd = Math.min(nowMs + stepMs, horizonEnd);
  const cuts = new Set<number>([nowMs, firstEnd, ...present.map((n) => n.departureMs), ...costs.prices.map((p) => p.fromMs)]);
  const bounds = [...cuts].filter((t) => t >= nowMs && t <= horizonEnd && (t === nowMs || t >= firstEnd)).sort((a, b) => a - b);
  const intervals = bounds.length - 1;
  const length = (k: number) => ((bounds[k + 1] as number) - (bounds[k] as number)) / HOUR_MS;
  const priceAt = (t: number) => {
    let price = costs.prices[0]?.perKwh ?? 0;
    for (const p of costs.prices) if (p.fromMs <= t) price = p.perKwh;
    return price;
  };

  // Columns: x(i,k) for the intervals before car i leaves, then P. Rows: one per car, one per interval.
  const colCost: number[] = [];
  const colUpper: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const owner: { car: number; interval: number }[] = [];
  present.forEach((n, i) => {
    for (let k = 0; k < intervals && (bounds[k] as number) < n.departureMs; k++) {
      const delayH = ((bounds[k] as number) - nowMs) / HOUR_MS;
      colCost.push(costs.valuePerKwh - priceAt(bounds[k] as number) - (n.flexible ? 0 : SOONER * delayH));
      colUpper.push((n.maxPowerW / 1000) * length(k));
      indices.push(i, present.length + k);
      values.push(1, 1);
      starts.push(indices.length);
      owner.push({ car: i, interval: k });
    }
  });
  const horizonH = (horizonEnd - nowMs) / HOUR_MS;
  const remainingH = Math.max(horizonH, (costs.billingPeriodEndMs - nowMs) / HOUR_MS);
  colCost.push(-costs.demandChargePerKw * Math.min(1, (peakWeight * horizonH) / remainingH));
  colUpper.push(capKw);
  for (let k = 0; k < intervals; k++) {
    indices.push(present.length + k);
    values.push(-length(k));
  }
  starts.push(indices.length);
  const numCols = colCost.length;
  const numRows = present.length + intervals;
  const wantedKwh = present.map((n) => Math.min(n.remainingWh, n.maxPowerW * horizonH) / 1000);
  const colLower = new Array<number>(numCols).fill(0);
  colLower[numCols - 1] = Math.min(capKw, costs.peakSoFarW / 1000);

  const energy = highs.withModel(
    {
      numCols,
      numRows,
      sense: highs.constants.objectiveSense.maximize,
      colCost,
      colLower,
      colUpper,
      rowLower: new Array<number>(numRows).fill(-highs.infinity),
      rowUpper: [...wantedKwh, ...new Array<number>(intervals).fill(0)],
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
  owner.forEach(({ car, interval }, column) => {
    const wh = Math.max(0, energy[column] as number) * 1000;
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
