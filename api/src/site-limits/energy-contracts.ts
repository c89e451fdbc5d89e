import type { EnergyCosts } from '../scheduling/least-cost.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { localClock, zonedTime, zoneOffsetMs } from '../shared/local-time.js';
import type { EnergyContract, EnergyContractInput, EnergyPriceWindow } from './site-limits.model.js';

const MINUTE_MS = 60_000;
/** Prices are looked up this far ahead at most; a car staying longer is planned at the last price. */
const PRICE_HORIZON_MS = 7 * 86_400_000;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The rules the schema cannot say: windows end after they start, on real weekdays, each named once. */
export function checkContract(input: EnergyContractInput): Required<EnergyContractInput> {
  const problems: DomainFieldError[] = [];
  (input.windows ?? []).forEach((w, i) => {
    if (minutesOf(w.end) <= minutesOf(w.start)) problems.push({ field: `windows[${i}].end`, message: 'must be after start (use 24:00 for midnight)' });
    if (w.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
      problems.push({ field: `windows[${i}].days`, message: 'must be ISO weekdays 1 (Monday) to 7 (Sunday)' });
    else if (new Set(w.days).size !== w.days.length) problems.push({ field: `windows[${i}].days`, message: 'names a day twice' });
  });
  if (problems.length) throw fail.invalid(problems);
  return { windows: [], demand_charge_per_kw: 0, ...input };
}

function windowAt(windows: EnergyPriceWindow[], weekday: number, minutes: number): EnergyPriceWindow | undefined {
  return windows.find((w) => w.days.includes(weekday) && minutes >= minutesOf(w.start) && minutes < minutesOf(w.end));
}

/** The contract's price per kWh at an instant, in the site's time zone. */
export function priceAt(contract: EnergyContract, at: Date, timeZone: string): number {
  const { weekday, minutes } = localClock(at, timeZone);
  return windowAt(contract.windows, weekday, minutes)?.price_per_kwh ?? contract.base_price_per_kwh;
}

/** The start of the calendar month (local) an instant is in, and of the next one: the demand charge's billing period. */
export function billingMonth(at: Date, timeZone: string): { start: Date; end: Date } {
  const local = new Date(at.getTime() + zoneOffsetMs(at, timeZone));
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  return { start: zonedTime(y, m, 1, 0, 0, timeZone), end: m === 12 ? zonedTime(y + 1, 1, 1, 0, 0, timeZone) : zonedTime(y, m + 1, 1, 0, 0, timeZone) };
}

/**
 * What the scheduler needs of the contract from now to `untilMs`: the price steps (looked up per
 * minute on the local clock, so daylight saving changes fall where they do), the demand charge,
 * the month's peak so far and when the month ends.
 */
export function energyCosts(contract: EnergyContract, now: Date, untilMs: number, timeZone: string, peakSoFarW: number): EnergyCosts {
  const prices: EnergyCosts['prices'] = [];
  const end = Math.min(untilMs, now.getTime() + PRICE_HORIZON_MS);
  for (let t = now.getTime(); t <= end; t += MINUTE_MS) {
    const perKwh = priceAt(contract, new Date(t), timeZone);
    if (prices.at(-1)?.perKwh !== perKwh) prices.push({ fromMs: t, perKwh });
  }
  return {
    prices,
    demandChargePerKw: contract.demand_charge_per_kw,
    peakSoFarW,
    billingPeriodEndMs: billingMonth(now, timeZone).end.getTime(),
    valuePerKwh: contract.value_per_kwh,
  };
}

/** The site's energy over the horizon as the sustainability module sees it: grid intensity and on-site surplus. */
export interface SiteSupply {
  intensity: { fromMs: number; gPerKwh: number }[];
  onSiteW: { fromMs: number; w: number }[];
}

/**
 * What a delivered kWh is worth against a kg of CO₂ or a kWh from the grid: far above either, so
 * the clean objectives still deliver all they can and only choose when.
 */
const CLEAN_VALUE_PER_KWH = 10;
/**
 * Per kWh and hour a car that is not flexible is pushed later: 20 g/kWh of cleaner grid, or a
 * tenth of a grid kWh for PV, buys an hour. Flexible cars go wherever is cleanest by departure.
 */
const CLEAN_DELAY = { least_carbon: 0.02, solar_first: 0.1 } as const;

/** The planner's costs for a site's objective: money (least cost), grams of CO₂ (least carbon) or grid kWh (solar first). */
export function objectiveCosts(
  contract: EnergyContract,
  supply: SiteSupply,
  now: Date,
  untilMs: number,
  timeZone: string,
  peakSoFarW: number,
): { costs: EnergyCosts; delayCostPerKwhH?: number } {
  if (contract.objective === 'least_carbon' || contract.objective === 'solar_first') {
    const prices =
      contract.objective === 'least_carbon'
        ? supply.intensity.map((p) => ({ fromMs: p.fromMs, perKwh: p.gPerKwh / 1000 }))
        : [{ fromMs: now.getTime(), perKwh: 1 }];
    return {
      costs: { prices, demandChargePerKw: 0, peakSoFarW: 0, billingPeriodEndMs: untilMs, valuePerKwh: CLEAN_VALUE_PER_KWH, onSiteW: supply.onSiteW },
      delayCostPerKwhH: CLEAN_DELAY[contract.objective],
    };
  }
  return { costs: { ...energyCosts(contract, now, untilMs, timeZone, peakSoFarW), onSiteW: supply.onSiteW } };
}
