import { nextDay, zonedTime } from '../shared/local-time.js';
import { componentsAt } from './pricing.js';
import type { PriceComponent, TariffElement, TariffTerms } from './tariff-elements.js';
import type { DynamicHour } from './tariffs.model.js';

/** The rules as the day version needs them. */
export interface DynamicRules {
  quiet_discount_percent: number;
  peak_surcharge_percent: number;
  quiet_free_share: number;
  peak_busy_share: number;
  min_energy_price: number | null;
  max_energy_price: number | null;
}

/** The forecast busy share (0–1) of the tariff's EVSEs at an instant; null where there is no forecast. */
export type BusyShareAt = (at: Date) => number | null;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A day version of a tariff: each local hour of `day` is quiet, at peak or normal by its forecast
 * (or a peak event the utility signalled); quiet and peak hours get the base energy price less the
 * discount or plus the surcharge (within
 * the bounds), as OCPI elements restricted to that date and those hours, merged where adjacent
 * hours share a price. Other dimensions (time, flat, parking) fall through to the base elements.
 */
export function dayVersion(
  base: TariffTerms,
  day: string,
  busyShareAt: BusyShareAt,
  rules: DynamicRules,
  gridEventAt: (from: Date, to: Date) => boolean = () => false,
): { hours: DynamicHour[]; elements: TariffElement[] } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const hours: DynamicHour[] = [];
  for (let h = 0; h < 24; h++) {
    const startsAt = zonedTime(y, m, d, h, 0, base.time_zone);
    // A day with a DST change has 23 or 25 hours: an hour that does not exist locally is skipped.
    if (hours.some((x) => x.starts_at.getTime() === startsAt.getTime())) continue;
    const energy = componentsAt(base, new Date(startsAt.getTime() + 60_000)).find((c) => c.type === 'ENERGY')?.component;
    const busy = busyShareAt(startsAt);
    // A utility's peak event is a peak whatever the forecast says.
    const kind: DynamicHour['kind'] = gridEventAt(startsAt, new Date(startsAt.getTime() + 3_600_000))
      ? 'grid_event'
      : busy === null
        ? 'normal'
        : busy >= rules.peak_busy_share
          ? 'peak'
          : 1 - busy >= rules.quiet_free_share
            ? 'quiet'
            : 'normal';
    const basePrice = energy?.price ?? null;
    let price = basePrice;
    if (basePrice !== null && kind !== 'normal') {
      const factor = kind === 'quiet' ? 1 - rules.quiet_discount_percent / 100 : 1 + rules.peak_surcharge_percent / 100;
      price = Math.round(basePrice * factor);
      if (rules.min_energy_price !== null) price = Math.max(rules.min_energy_price, price);
      if (rules.max_energy_price !== null) price = Math.min(rules.max_energy_price, price);
    }
    hours.push({
      hour: `${pad(h)}:00`,
      starts_at: startsAt,
      expected_busy_share: busy === null ? 0 : Math.round(busy * 100) / 100,
      kind,
      base_price: basePrice,
      price,
    });
  }
  const elements: TariffElement[] = [];
  const end = nextDay(day);
  for (let i = 0; i < hours.length; ) {
    const first = hours[i] as DynamicHour;
    let j = i;
    while (j + 1 < hours.length && (hours[j + 1] as DynamicHour).price === first.price && (hours[j + 1] as DynamicHour).base_price === first.base_price) j++;
    const changed = first.price !== null && first.price !== first.base_price;
    if (changed) {
      const after = hours[j + 1];
      const baseEnergy = componentsAt(base, new Date(first.starts_at.getTime() + 60_000)).find((c) => c.type === 'ENERGY')?.component as PriceComponent;
      elements.push({
        price_components: [{ ...baseEnergy, type: 'ENERGY', price: first.price as number }],
        restrictions: { start_date: day, end_date: end, start_time: first.hour, ...(after ? { end_time: after.hour } : {}) },
      });
    }
    i = j + 1;
  }
  return { hours, elements };
}
