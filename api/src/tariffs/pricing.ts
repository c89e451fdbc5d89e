import { localClock, toLocalIso } from '../shared/local-time.js';
import { DAYS, type PriceComponent, type PriceComponentType, type TariffElement, type TariffRestrictions, type TariffTerms } from './tariff-elements.js';

/**
 * Session pricing, OCPI-style: the session is cut into slices of at most a minute (and at every
 * meter reading); for each slice and each dimension the first tariff element whose restrictions
 * hold applies. Quantities are integers (mWh, seconds), each cost line is rounded half up to a
 * minor unit once, the total is the sum of the lines, then min/max price apply. Prices include VAT;
 * the VAT share is derived from the total (rounded half up).
 */

export interface MeterPoint {
  at: Date;
  /** Energy delivered since the session started (Wh), non-decreasing. */
  energyWh: number;
}

export interface CostLine {
  type: PriceComponentType | 'MIN_PRICE' | 'MAX_PRICE';
  /** Index of the tariff element that priced it. */
  element: number | null;
  /** kWh for ENERGY, hours for TIME and PARKING_TIME, sessions for FLAT. */
  quantity: number;
  unit: 'kWh' | 'h' | 'session';
  /** Minor units per unit, VAT included. */
  unit_price: number;
  amount: number;
}

export interface ChargingPeriod {
  start: Date;
  end: Date;
  element: number | null;
  state: 'charging' | 'idle' | 'parking';
  energy_wh: number;
}

export interface SessionCost {
  amount: number;
  currency: string;
  vat_percent: number;
  /** The VAT included in `amount`. */
  vat_amount: number;
  lines: CostLine[];
  periods: ChargingPeriod[];
  totals: { energy_wh: number; charging_seconds: number; parking_seconds: number };
  rounding: string;
}

export const ROUNDING_RULE = 'each line rounded half up to a minor unit; total = sum of lines, then min/max price; VAT share rounded half up';

const MINUTE = 60_000;

/** round(num / den) half up, for non-negative integers. */
export function divideHalfUp(num: number, den: number): number {
  return Math.floor((2 * num + den) / (2 * den));
}

interface SliceState {
  start: Date;
  seconds: number;
  /** Energy at the slice's start and within it, mWh. */
  energyBefore: number;
  energy: number;
  elapsedSeconds: number;
}

function holds(r: TariffRestrictions | undefined, s: SliceState, timeZone: string, charging: boolean): boolean {
  if (!r) return true;
  const clock = localClock(s.start, timeZone);
  if (r.day_of_week?.length && !r.day_of_week.includes(DAYS[clock.weekday - 1] as never)) return false;
  if (r.start_time !== undefined || r.end_time !== undefined) {
    const from = toMinutes(r.start_time ?? '00:00');
    const to = r.end_time === undefined ? 24 * 60 : toMinutes(r.end_time);
    const inside = from <= to ? clock.minutes >= from && clock.minutes < to : clock.minutes >= from || clock.minutes < to;
    if (!inside) return false;
  }
  if (r.start_date || r.end_date) {
    const date = toLocalIso(s.start, timeZone).slice(0, 10);
    if (r.start_date && date < r.start_date) return false;
    if (r.end_date && date >= r.end_date) return false;
  }
  const kwh = s.energyBefore / 1e6;
  if (r.min_kwh !== undefined && kwh < r.min_kwh) return false;
  if (r.max_kwh !== undefined && kwh >= r.max_kwh) return false;
  if (r.min_power !== undefined || r.max_power !== undefined) {
    if (!charging) return false;
    const power = s.energy / 1e6 / (s.seconds / 3600); // kW: mWh → kWh over seconds → hours
    if (r.min_power !== undefined && power < r.min_power) return false;
    if (r.max_power !== undefined && power >= r.max_power) return false;
  }
  if (r.min_duration !== undefined && s.elapsedSeconds < r.min_duration) return false;
  if (r.max_duration !== undefined && s.elapsedSeconds >= r.max_duration) return false;
  return true;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function pick(
  elements: TariffElement[],
  type: PriceComponentType,
  s: SliceState,
  timeZone: string,
  charging: boolean,
): { index: number; component: PriceComponent } | undefined {
  for (const [index, element] of elements.entries()) {
    const component = element.price_components.find((c) => c.type === type);
    if (component && holds(element.restrictions, s, timeZone, charging)) return { index, component };
  }
  return undefined;
}

/** Energy (mWh, integer) delivered by `at`, interpolated linearly between readings. */
function energyAt(points: MeterPoint[], at: number): number {
  let previous = points[0] as MeterPoint;
  for (const p of points) {
    const t = p.at.getTime();
    if (t >= at) {
      const t0 = previous.at.getTime();
      const e = t === t0 ? p.energyWh : previous.energyWh + ((p.energyWh - previous.energyWh) * (at - t0)) / (t - t0);
      return Math.round(e * 1000);
    }
    previous = p;
  }
  return Math.round(previous.energyWh * 1000);
}

/** The first millisecond by which `wh` were delivered (after the end when never). */
function timeOfEnergy(points: MeterPoint[], wh: number): number {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as MeterPoint;
    const b = points[i] as MeterPoint;
    if (b.energyWh >= wh && b.energyWh > a.energyWh) {
      const t0 = a.at.getTime();
      return Math.ceil(t0 + ((Math.max(wh, a.energyWh) - a.energyWh) / (b.energyWh - a.energyWh)) * (b.at.getTime() - t0));
    }
  }
  return Number.POSITIVE_INFINITY;
}

type Slice = SliceState & { end: number };
type PickedComponent = { index: number; component: PriceComponent };
type Quantity = { type: PriceComponentType; element: number; component: PriceComponent; amount: number };

/** Readings clipped to the session, starting at zero, never decreasing (a meter reset is ignored), closed at the end. */
function clippedReadings(start: Date, endMs: number, readings: MeterPoint[]): MeterPoint[] {
  const startMs = start.getTime();
  const points: MeterPoint[] = [{ at: start, energyWh: 0 }];
  for (const r of [...readings].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const t = r.at.getTime();
    if (t <= startMs || t > endMs) continue;
    points.push({ at: r.at, energyWh: Math.max((points.at(-1) as MeterPoint).energyWh, r.energyWh) });
  }
  const last = points.at(-1) as MeterPoint;
  if (last.at.getTime() < endMs) points.push({ at: new Date(endMs), energyWh: last.energyWh });
  return points;
}

/**
 * The session cut into slices at every reading, every whole minute, and where a kWh or duration
 * restriction starts or stops holding, so no slice straddles one.
 */
function slicesOf(terms: TariffTerms, points: MeterPoint[], startMs: number, endMs: number): Slice[] {
  const edges = new Set<number>(points.map((p) => p.at.getTime()));
  const exactEnergy = new Map<number, number>();
  for (let t = Math.ceil(startMs / MINUTE) * MINUTE; t < endMs; t += MINUTE) edges.add(t);
  for (const r of terms.elements.map((e) => e.restrictions).filter((r) => r !== undefined)) {
    for (const kwh of [r.min_kwh, r.max_kwh]) {
      if (kwh === undefined) continue;
      const at = timeOfEnergy(points, kwh * 1000);
      edges.add(at);
      // The threshold itself, not the interpolation at the rounded millisecond.
      exactEnergy.set(at, Math.round(kwh * 1e6));
    }
    for (const seconds of [r.min_duration, r.max_duration]) if (seconds !== undefined) edges.add(startMs + seconds * 1000);
  }
  const cuts = [...edges].filter((t) => t >= startMs && t <= endMs).sort((a, b) => a - b);
  const slices: Slice[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i] as number;
    const b = cuts[i + 1] as number;
    const before = exactEnergy.get(a) ?? energyAt(points, a);
    const after = exactEnergy.get(b) ?? energyAt(points, b);
    slices.push({ start: new Date(a), end: b, seconds: (b - a) / 1000, energyBefore: before, energy: after - before, elapsedSeconds: (a - startMs) / 1000 });
  }
  return slices;
}

/**
 * What each slice bills, per dimension and element: energy and time while charging; parking
 * after the last slice that delivered energy, once its grace is over. Also the periods a receipt
 * shows and the billed seconds of each kind.
 */
function billedUsage(terms: TariffTerms, slices: Slice[], startMs: number) {
  // Charging ends with the last slice that delivered energy; idling after it is parking.
  const lastCharging = slices.findLastIndex((s) => s.energy > 0);
  const chargingEndMs = lastCharging >= 0 ? (slices[lastCharging] as Slice).end : startMs;
  const quantities = new Map<string, Quantity>();
  const add = (type: PriceComponentType, picked: PickedComponent | undefined, amount: number) => {
    if (!picked || amount <= 0) return;
    const key = `${type}:${picked.index}`;
    const line = quantities.get(key) ?? { type, element: picked.index, component: picked.component, amount: 0 };
    line.amount += amount;
    quantities.set(key, line);
  };
  const periods: ChargingPeriod[] = [];
  let chargingSeconds = 0;
  let parkingSeconds = 0;
  for (const slice of slices) {
    const charging = slice.energy > 0;
    let state: ChargingPeriod['state'] = charging ? 'charging' : 'idle';
    let element: number | null = null;
    if (charging) {
      const energy = pick(terms.elements, 'ENERGY', slice, terms.time_zone, true);
      const time = pick(terms.elements, 'TIME', slice, terms.time_zone, true);
      add('ENERGY', energy, slice.energy);
      add('TIME', time, slice.seconds);
      chargingSeconds += slice.seconds;
      element = energy?.index ?? time?.index ?? null;
    } else if (slice.start.getTime() >= chargingEndMs && lastCharging >= 0) {
      const parking = pick(terms.elements, 'PARKING_TIME', slice, terms.time_zone, false);
      const grace = (parking?.component.grace_minutes ?? 0) * 60;
      const idleBefore = (slice.start.getTime() - chargingEndMs) / 1000;
      const billable = Math.max(0, Math.min(slice.seconds, idleBefore + slice.seconds - grace));
      add('PARKING_TIME', parking, billable);
      parkingSeconds += billable;
      if (billable > 0) {
        state = 'parking';
        element = parking?.index ?? null;
      }
    }
    const previous = periods.at(-1);
    if (previous && previous.state === state && previous.element === element) {
      previous.end = new Date(slice.end);
      previous.energy_wh += slice.energy / 1000;
    } else periods.push({ start: slice.start, end: new Date(slice.end), element, state, energy_wh: slice.energy / 1000 });
  }
  return { quantities: [...quantities.values()], periods, chargingSeconds, parkingSeconds };
}

/** The cost lines: a flat fee, then energy, time and parking per element, each dimension rounded up to its last line's step. */
function costLines(flat: PickedComponent | undefined, quantities: Quantity[]): CostLine[] {
  const lines: CostLine[] = [];
  if (flat) lines.push({ type: 'FLAT', element: flat.index, quantity: 1, unit: 'session', unit_price: flat.component.price, amount: flat.component.price });
  const order: PriceComponentType[] = ['ENERGY', 'TIME', 'PARKING_TIME'];
  for (const type of order) {
    const ofType = quantities.filter((q) => q.type === type).sort((a, b) => a.element - b.element);
    // Step size: the dimension's billed total rounds up to the step of its last line.
    const total = ofType.reduce((n, q) => n + q.amount, 0);
    const lastLine = ofType.at(-1);
    if (lastLine?.component.step_size) {
      const step = type === 'ENERGY' ? lastLine.component.step_size * 1000 : lastLine.component.step_size;
      lastLine.amount += Math.ceil(total / step) * step - total;
    }
    for (const q of ofType) {
      const perUnit = type === 'ENERGY' ? 1e6 : 3600; // mWh per kWh, seconds per hour
      lines.push({
        type,
        element: q.element,
        quantity: q.amount / perUnit,
        unit: type === 'ENERGY' ? 'kWh' : 'h',
        unit_price: q.component.price,
        amount: divideHalfUp(q.amount * q.component.price, perUnit),
      });
    }
  }
  return lines;
}

/** The total within the tariff's minimum and maximum price, each adjustment added as a line. */
function boundedTotal(terms: TariffTerms, lines: CostLine[]): number {
  let amount = lines.reduce((n, l) => n + l.amount, 0);
  if (terms.min_price != null && amount < terms.min_price) {
    lines.push({ type: 'MIN_PRICE', element: null, quantity: 1, unit: 'session', unit_price: terms.min_price - amount, amount: terms.min_price - amount });
    amount = terms.min_price;
  }
  if (terms.max_price != null && amount > terms.max_price) {
    lines.push({ type: 'MAX_PRICE', element: null, quantity: 1, unit: 'session', unit_price: terms.max_price - amount, amount: terms.max_price - amount });
    amount = terms.max_price;
  }
  return amount;
}

/**
 * A session's cost under its tariff, in steps: the readings clipped to the session, cut into
 * slices no restriction straddles, what each slice bills, the cost lines, the price bounds, VAT.
 */
export function priceSession(terms: TariffTerms, start: Date, end: Date, readings: MeterPoint[]): SessionCost {
  const startMs = start.getTime();
  const endMs = Math.max(startMs, end.getTime());
  const slices = slicesOf(terms, clippedReadings(start, endMs, readings), startMs, endMs);
  const usage = billedUsage(terms, slices, startMs);
  const first = slices[0] ?? { start, seconds: 0, energyBefore: 0, energy: 0, elapsedSeconds: 0 };
  const lines = costLines(pick(terms.elements, 'FLAT', first, terms.time_zone, true), usage.quantities);
  const amount = boundedTotal(terms, lines);
  const vatBasisPoints = Math.round(terms.vat_percent * 100);
  return {
    amount,
    currency: terms.currency,
    vat_percent: terms.vat_percent,
    vat_amount: divideHalfUp(amount * vatBasisPoints, 10_000 + vatBasisPoints),
    lines,
    periods: usage.periods,
    totals: {
      energy_wh: Math.round((slices.reduce((n, s) => n + s.energy, 0) / 1000) * 1000) / 1000,
      charging_seconds: usage.chargingSeconds,
      parking_seconds: usage.parkingSeconds,
    },
    rounding: ROUNDING_RULE,
  };
}

/** The component of each dimension that applies to a session starting at `at` (nothing delivered yet). */
export function componentsAt(terms: TariffTerms, at: Date): { type: PriceComponentType; index: number; component: PriceComponent }[] {
  const state: SliceState = { start: at, seconds: 60, energyBefore: 0, energy: 0, elapsedSeconds: 0 };
  const found: { type: PriceComponentType; index: number; component: PriceComponent }[] = [];
  for (const type of ['ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'] as const) {
    // Power restrictions cannot be known before charging: the first element of the dimension without one applies.
    const picked = pick(
      terms.elements.map((e) => (e.restrictions?.min_power !== undefined || e.restrictions?.max_power !== undefined ? { price_components: [] } : e)),
      type,
      state,
      terms.time_zone,
      type !== 'PARKING_TIME',
    );
    if (picked) found.push({ type, ...picked });
  }
  return found;
}
