import { createRequire } from 'node:module';

/** The grid's carbon intensity over a period (location-based: the average of the zone's generation). */
export interface IntensityPeriod {
  from: Date;
  to: Date;
  g_per_kwh: number;
  /** The zone's renewable share of generation over the period, 0–1; null where the source does not say. */
  renewable_share: number | null;
  /** Where the figure comes from, for every report that uses it. */
  source: string;
}

/**
 * A live or historical source of a zone's carbon intensity (Electricity Maps, the GB Carbon
 * Intensity API, WattTime…): one adapter per provider behind this interface.
 */
export interface IntensityProvider {
  readonly name: string;
  /** Whether it knows this zone at all. */
  covers(zone: string): boolean;
  /** The periods covering [from, to), in order; gaps are allowed (filled from the yearly average). */
  periods(zone: string, from: Date, to: Date): Promise<IntensityPeriod[]>;
}

interface YearlyZoneFigures {
  carbonIntensity: { value: number };
  renewableEnergy?: { value: number };
}

/** The most recent complete year in the shipped dataset. */
export const YEARLY_DATASET_YEAR = 2024;
const YEARLY_SOURCE = `Electricity Maps yearly average ${YEARLY_DATASET_YEAR} (ODbL), shipped in @tgwf/co2`;
/** Where a zone is unknown: the world average of the same dataset family (Ember, in @tgwf/co2). */
const WORLD_AVERAGE_SOURCE = 'Ember world average (CC BY-SA 4.0), shipped in @tgwf/co2';

const load = createRequire(import.meta.url);
const yearly = (load('@tgwf/co2/data/electricity-maps') as Record<string, { data: Record<string, YearlyZoneFigures> }>)[`yearly${YEARLY_DATASET_YEAR}`]
  ?.data as Record<string, YearlyZoneFigures>;
const worldAverage = (load('@tgwf/co2/data') as { averageIntensity: { data: Record<string, number> } }).averageIntensity.data.WORLD as number;

/** A zone's yearly average: the default for every site, with no account anywhere. */
export function yearlyAverage(zone: string): Omit<IntensityPeriod, 'from' | 'to'> {
  const figures = yearly[zone.toUpperCase()];
  if (!figures) return { g_per_kwh: worldAverage, renewable_share: null, source: WORLD_AVERAGE_SOURCE };
  return {
    g_per_kwh: figures.carbonIntensity.value,
    renewable_share: figures.renewableEnergy ? figures.renewableEnergy.value / 100 : null,
    source: YEARLY_SOURCE,
  };
}

export function knowsZone(zone: string): boolean {
  return yearly[zone.toUpperCase()] !== undefined;
}

/**
 * Great Britain's half-hourly intensity from NESO's Carbon Intensity API (no key; actual where
 * known, else forecast). Its factors are operational (combustion only), stated in the source.
 */
export class GbCarbonIntensityApi implements IntensityProvider {
  readonly name = 'gb-carbon-intensity';
  constructor(
    private readonly baseUrl = 'https://api.carbonintensity.org.uk',
    private readonly timeoutMs = 5_000,
  ) {}

  covers(zone: string): boolean {
    return zone.toUpperCase() === 'GB';
  }

  async periods(zone: string, from: Date, to: Date): Promise<IntensityPeriod[]> {
    if (!this.covers(zone)) return [];
    const iso = (d: Date) => `${d.toISOString().slice(0, 16)}Z`;
    const res = await fetch(`${this.baseUrl}/intensity/${iso(from)}/${iso(to)}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`GB Carbon Intensity API answered ${res.status}`);
    const body = (await res.json()) as { data?: { from: string; to: string; intensity?: { forecast?: number | null; actual?: number | null } }[] };
    const renewable = yearlyAverage('GB').renewable_share;
    return (body.data ?? []).flatMap((p) => {
      const g = p.intensity?.actual ?? p.intensity?.forecast;
      const start = new Date(p.from);
      const end = new Date(p.to);
      if (typeof g !== 'number' || !Number.isFinite(g) || g < 0 || Number.isNaN(start.getTime()) || !(end > start)) return [];
      return [{ from: start, to: end, g_per_kwh: g, renewable_share: renewable, source: 'NESO Carbon Intensity API (GB, half-hourly, operational factors)' }];
    });
  }
}

/**
 * The periods covering [from, to) for a zone: the given periods (a network's own profile or a live
 * provider) where they cover it, the yearly average in every gap, so nothing is ever unaccounted.
 */
export function coverPeriods(zone: string, from: Date, to: Date, known: IntensityPeriod[]): IntensityPeriod[] {
  const average = yearlyAverage(zone);
  const sorted = known.filter((p) => p.to > from && p.from < to).sort((a, b) => a.from.getTime() - b.from.getTime());
  const out: IntensityPeriod[] = [];
  let cursor = from;
  for (const p of sorted) {
    const start = p.from > cursor ? p.from : cursor;
    if (start > cursor) out.push({ ...average, from: cursor, to: start });
    const end = p.to < to ? p.to : to;
    if (end > start) out.push({ ...p, from: start, to: end });
    if (end > cursor) cursor = end;
  }
  if (cursor < to) out.push({ ...average, from: cursor, to });
  return out;
}
