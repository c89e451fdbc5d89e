import type { IntensityPeriod } from './grid-intensity.js';

/** A session's meter: energy delivered since it started, Wh, at an instant (ms since the epoch). */
export interface MeterPoint {
  at: number;
  energyWh: number;
}

/** What a site's energy manager (or a utility) reported at an instant; a field it did not send is null. */
export interface SiteReading {
  at: number;
  pvW: number | null;
  /** The whole site's consumption, chargers included. */
  siteLoadW: number | null;
  /** Battery power, positive while discharging into the site. */
  batteryW: number | null;
}

/** How a site's on-site production is known over a session. */
export interface OnSiteSupply {
  readings: SiteReading[];
  /** What the declared PV array makes at an instant when nothing was reported (the clear-sky model); null: no PV declared. */
  modelPvW: ((at: number) => number) | null;
}

/** A petrol car the same distance would have been driven with, and the figures it rests on. */
export interface PetrolCar {
  g_per_km: number;
  source: string;
}

/** Per country where known; the default elsewhere. */
const PETROL_CARS: Record<string, PetrolCar> = {
  US: { g_per_km: 249, source: 'US EPA, typical passenger vehicle: about 400 g CO₂ per mile (tailpipe)' },
  default: { g_per_km: 164, source: 'UK DESNZ greenhouse gas conversion factors 2024, average petrol car (about 164 g CO₂e per km)' },
};
/** What an electric car uses per 100 km, charging losses included (EPA-rated fleet average, about 0.3 kWh per mile). */
export const EV_KWH_PER_100_KM = 18.6;

export function petrolCar(country: string): PetrolCar {
  return PETROL_CARS[country.toUpperCase()] ?? (PETROL_CARS.default as PetrolCar);
}

export interface CarbonAccount {
  energy_wh: { total: number; on_site_pv: number; battery: number; grid: number };
  /** Grams of CO₂(e): location-based (the grid's average) and market-based (after the site's renewable supply contract), per the GHG Protocol Scope 2 guidance. */
  co2_g: { location_based: number; market_based: number };
  /** Share of the energy from renewable sources, 0–1, by the same two methods. */
  renewable_share: { location_based: number; market_based: number };
  /** Against a petrol car driven the same distance (net of what the charging emitted, location-based); negative on a grid dirtier than petrol. */
  avoided_co2_g: number;
  /** The distance the energy drives an average electric car, km. */
  distance_km: number;
}

export interface AccountInput {
  meter: MeterPoint[];
  from: number;
  to: number;
  /** The energy every session at the site (this one included) drew: the load on-site production is shared over when the site's own load was not reported. */
  siteMeters: MeterPoint[][];
  supply: OnSiteSupply;
  intensity: IntensityPeriod[];
  /** The share of the site's grid energy covered by a renewable supply contract (guarantees of origin, a PPA), 0–1. */
  contractRenewableShare: number;
  country: string;
}

export const BUCKET_MS = 5 * 60_000;
/** A reading stands for the site's state until the next one, at most this long. */
export const READING_VALID_MS = 60 * 60_000;

/** Energy delivered by an instant, read from the meter points (linear between them). */
export function energyAt(meter: MeterPoint[], at: number): number {
  if (meter.length === 0) return 0;
  const first = meter[0] as MeterPoint;
  if (at <= first.at) return first.energyWh;
  for (let i = 1; i < meter.length; i++) {
    const b = meter[i] as MeterPoint;
    if (at <= b.at) {
      const a = meter[i - 1] as MeterPoint;
      return b.at === a.at ? b.energyWh : a.energyWh + ((b.energyWh - a.energyWh) * (at - a.at)) / (b.at - a.at);
    }
  }
  return (meter[meter.length - 1] as MeterPoint).energyWh;
}

/** The latest reading standing at an instant, if any. */
function readingAt(readings: SiteReading[], at: number): SiteReading | undefined {
  let found: SiteReading | undefined;
  for (const r of readings) {
    if (r.at > at) break;
    found = r;
  }
  return found && at - found.at <= READING_VALID_MS ? found : undefined;
}

/**
 * Splits a session's energy by source in 5-minute buckets: on-site PV and battery cover the
 * site's consumption in proportion (PV first, then the battery; the grid the rest), each grid
 * kWh emits the zone's intensity at the time, and the renewable supply contract removes its
 * share from the market-based figure. On-site PV and battery count zero (life-cycle emissions
 * excluded; the battery is taken as charged from the PV).
 */
export function accountSession(input: AccountInput): CarbonAccount {
  const meter = [...input.meter].sort((a, b) => a.at - b.at);
  const siteMeters = input.siteMeters.map((m) => [...m].sort((a, b) => a.at - b.at));
  const readings = [...input.supply.readings].sort((a, b) => a.at - b.at);
  const intensity = [...input.intensity].sort((a, b) => a.from.getTime() - b.from.getTime());
  const contract = clamp01(input.contractRenewableShare);
  let pv = 0;
  let battery = 0;
  let grid = 0;
  let co2Location = 0;
  let renewableLocation = 0;
  for (let start = input.from; start < input.to; start += BUCKET_MS) {
    const end = Math.min(input.to, start + BUCKET_MS);
    const wh = Math.max(0, energyAt(meter, end) - energyAt(meter, start));
    if (wh === 0) continue;
    const hours = (end - start) / 3_600_000;
    const mid = (start + end) / 2;
    const reading = readingAt(readings, mid);
    const pvW = Math.max(0, reading?.pvW ?? (reading ? 0 : (input.supply.modelPvW?.(mid) ?? 0)));
    const chargingW = siteMeters.reduce((sum, m) => sum + Math.max(0, energyAt(m, end) - energyAt(m, start)), 0) / hours;
    const loadW = Math.max(reading?.siteLoadW ?? 0, chargingW, wh / hours);
    const pvShare = loadW > 0 ? Math.min(1, pvW / loadW) : 0;
    const batteryShare = loadW > 0 ? Math.min(1 - pvShare, Math.max(0, reading?.batteryW ?? 0) / loadW) : 0;
    const period = intensity.find((p) => p.from.getTime() <= mid && mid < p.to.getTime()) ?? intensity[intensity.length - 1];
    const bucketPv = wh * pvShare;
    const bucketBattery = wh * batteryShare;
    const bucketGrid = Math.max(0, wh - bucketPv - bucketBattery);
    pv += bucketPv;
    battery += bucketBattery;
    grid += bucketGrid;
    co2Location += (bucketGrid / 1000) * (period?.g_per_kwh ?? 0);
    renewableLocation += bucketGrid * clamp01(period?.renewable_share ?? 0);
  }
  const total = pv + battery + grid;
  const onSite = pv + battery;
  const distanceKm = (total / 1000 / EV_KWH_PER_100_KM) * 100;
  return {
    energy_wh: { total: round(total), on_site_pv: round(pv), battery: round(battery), grid: round(grid) },
    co2_g: { location_based: round(co2Location), market_based: round(co2Location * (1 - contract)) },
    renewable_share: {
      location_based: total > 0 ? share(onSite + renewableLocation, total) : 0,
      // The contract's share of the grid energy is renewable; the rest at the grid's own share.
      market_based: total > 0 ? share(onSite + grid * contract + renewableLocation * (1 - contract), total) : 0,
    },
    avoided_co2_g: round(distanceKm * petrolCar(input.country).g_per_km - co2Location),
    distance_km: Math.round(distanceKm * 10) / 10,
  };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function share(part: number, total: number): number {
  return Math.round(clamp01(part / total) * 10_000) / 10_000;
}
