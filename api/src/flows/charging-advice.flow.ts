import type { ChargingService } from '../charging/charging.service.js';
import type { HourOutlook, StationOutlook } from '../forecasting/forecasting.model.js';
import type { ForecastingService } from '../forecasting/forecasting.service.js';
import { chanceNoneFree } from '../forecasting/site-training.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import type { LocationSummary } from '../locations/locations.model.js';
import type { ConsentsService } from '../privacy/consents.service.js';
import { DomainError, type DomainFieldError, fail } from '../shared/errors.js';
import { priceSession } from '../tariffs/pricing.js';
import type { TariffsService } from '../tariffs/tariffs.service.js';

const HOUR_MS = 3_600_000;
const MAX_WINDOW_MS = 24 * HOUR_MS;
const MAX_STATIONS = 5;
const OPTIONS_PER_STATION = 2;
/** A car takes this much from an AC point with nothing else known, W. */
const DEFAULT_CAR_W = 11_000;

export interface AdviceRequest {
  lat: number;
  lng: number;
  radiusM: number;
  energyWh: number;
  from: Date;
  to: Date;
}

/** One way to get the energy: a station and a start hour, with what it costs and saves. */
export interface ChargingOption {
  location_id: string;
  name: string;
  distance_m: number | null;
  starts_at: Date;
  /** The price of the energy asked for, from the station's published tariff (minor units, VAT included). */
  price: { amount: number; currency: string };
  /** Against charging now at the nearest station (minor units; negative: dearer). */
  saves: number;
  /** Cars expected plugged in then, and EVSEs expected free, from the station's forecast. */
  expected_busy_evses: number;
  expected_free_evses: number;
  /** How much the forecast is worth: `none` (no history), `low` or `high`. */
  confidence: 'high' | 'low' | 'none';
  /** What the energy would emit then, g CO₂ (the grid less the site's PV), and whether that hour is among the station's cleanest. */
  co2_g: number;
  greenest: boolean;
  /** CO₂ saved against charging now at the nearest station, g (negative: more). */
  saves_co2_g: number;
  /** The chance of finding no EVSE free then (waiting), 0–1, from the forecast; and how much lower than now. */
  chance_none_free: number;
  saves_chance_none_free: number;
}

/** A station's outlook with each hour's published energy price. */
export interface PricedOutlook extends Omit<StationOutlook, 'hours'> {
  /** ISO 4217, null where the station publishes no price. */
  currency: string | null;
  hours: PricedOutlookHour[];
}

export interface PricedOutlookHour extends HourOutlook {
  /** The energy price at the start of the hour (minor units per kWh, VAT included); null without a price. */
  energy_price_per_kwh: number | null;
}

export interface ChargingAdvice {
  /** Charging now at the nearest station with a price: what the options are measured against. */
  now: ChargingOption | null;
  /** The best options, cheapest first (then the quieter), at most five. */
  options: ChargingOption[];
}

/**
 * When and where to charge: the stations near a place, each hour of the window, priced by the
 * station's own tariff (the same engine that prices sessions) and weighed by its forecast.
 */
export class ChargingAdviceFlow {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly forecasting: ForecastingService,
    private readonly tariffs: TariffsService,
    private readonly charging: Pick<ChargingService, 'usualStations'>,
    private readonly consents: Pick<ConsentsService, 'granted'>,
  ) {}

  async advise(callerTenantId: string | undefined, request: AdviceRequest, now = new Date()): Promise<ChargingAdvice> {
    checkRequest(request, now);
    request = { ...request, from: new Date(Math.max(request.from.getTime(), now.getTime())) };
    const nearby = await this.discovery.search(callerTenantId, { lat: request.lat, lng: request.lng, radius_m: request.radiusM }, { limit: MAX_STATIONS }, now);
    return this.rank(callerTenantId, nearby.data, request, now);
  }

  /**
   * The same for a driver's usual stations (where they charged most in the last eight weeks, at
   * any network), measured against charging now at the one they use most.
   */
  async adviseForDriver(driverId: string, request: Omit<AdviceRequest, 'lat' | 'lng' | 'radiusM'>, now = new Date()): Promise<ChargingAdvice> {
    checkRequest({ ...request, lat: 0, lng: 0, radiusM: 100 }, now);
    // Where someone charges is personal: used for this only with their consent.
    if (!(await this.consents.granted(driverId, 'location_history')))
      throw new DomainError(
        'forbidden',
        'consent-required',
        'Advice from your own charging history needs your consent to use it (location_history, in your privacy choices).',
      );
    const usual = await this.charging.usualStations(driverId, now);
    const stations: LocationSummary[] = [];
    for (const u of usual) {
      // Public stations only: the advice is priced from what any driver is shown.
      const station = await this.discovery.detail(undefined, u.location_id, now).catch(() => undefined);
      if (station && station.status === 'ACTIVE') stations.push(station);
    }
    return this.rank(undefined, stations, { ...request, lat: 0, lng: 0, radiusM: 100, from: new Date(Math.max(request.from.getTime(), now.getTime())) }, now);
  }

  /** Each station's hours priced, measured against the first station's first hour, cheapest first. */
  private async rank(callerTenantId: string | undefined, stations: LocationSummary[], request: AdviceRequest, now: Date): Promise<ChargingAdvice> {
    const options: ChargingOption[] = [];
    let baseline: ChargingOption | null = null;
    for (const station of stations) {
      const priced = await this.stationOptions(callerTenantId, station, request, now);
      options.push(...priced);
      // The nearest station with a price, at the first hour: "charging now".
      if (!baseline && priced.length) baseline = priced[0] as ChargingOption;
    }
    const against = baseline?.price.amount;
    const withSavings = options.map((o) => ({
      ...o,
      saves: against === undefined ? 0 : against - o.price.amount,
      saves_co2_g: baseline ? baseline.co2_g - o.co2_g : 0,
      saves_chance_none_free: baseline ? Math.round((baseline.chance_none_free - o.chance_none_free) * 1000) / 1000 : 0,
    }));
    withSavings.sort(
      (a, b) => a.price.amount - b.price.amount || b.expected_free_evses - a.expected_free_evses || a.starts_at.getTime() - b.starts_at.getTime(),
    );
    // Two hours per station at most, so the list offers places as well as times.
    const perStation = new Map<string, number>();
    const best = withSavings.filter((o) => {
      const n = perStation.get(o.location_id) ?? 0;
      perStation.set(o.location_id, n + 1);
      return n < OPTIONS_PER_STATION;
    });
    return { now: baseline ? { ...baseline, saves: 0, saves_co2_g: 0, saves_chance_none_free: 0 } : null, options: best.slice(0, MAX_STATIONS) };
  }

  /**
   * A station's outlook with each hour's energy price from its published tariff (the same engine
   * that prices sessions, dynamic day versions included): busy, free, CO₂ and price side by side.
   */
  async stationOutlook(callerTenantId: string | undefined, locationId: string, now = new Date()): Promise<PricedOutlook> {
    const outlook = await this.forecasting.outlook(callerTenantId, locationId, now);
    const detail = await this.discovery.detail(callerTenantId, locationId, now);
    const evse = detail.evses.find((e) => e.status !== 'OUTOFORDER' && e.status !== 'INOPERATIVE') ?? detail.evses[0];
    let currency: string | null = null;
    const hours = await Promise.all(
      outlook.hours.map(async (hour) => {
        const preview = evse
          ? await this.tariffs.preview(callerTenantId, evse.uid, new Date(Math.max(hour.starts_at.getTime(), now.getTime()))).catch((error: unknown) => {
              if (error instanceof DomainError && error.kind === 'not-found') return undefined;
              throw error;
            })
          : undefined;
        if (preview) currency = preview.currency;
        return { ...hour, energy_price_per_kwh: preview?.components.find((c) => c.type === 'ENERGY')?.price ?? null };
      }),
    );
    return { ...outlook, currency, hours };
  }

  /** Every hour of the window at one station, priced; none where it has no published price. */
  private async stationOptions(callerTenantId: string | undefined, station: LocationSummary, request: AdviceRequest, now: Date): Promise<ChargingOption[]> {
    const detail = await this.discovery.detail(callerTenantId, station.id, now);
    const evse = detail.evses.find((e) => e.status !== 'OUTOFORDER' && e.status !== 'INOPERATIVE') ?? detail.evses[0];
    if (!evse) return [];
    const preview = await this.tariffs.preview(callerTenantId, evse.uid, request.from).catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === 'not-found') return undefined;
      throw error;
    });
    if (!preview) return [];
    const outlook = await this.forecasting.outlook(callerTenantId, station.id, now);
    const terms = { ...preview, time_zone: detail.time_zone };
    const powerW = Math.min(station.max_power_w || DEFAULT_CAR_W, DEFAULT_CAR_W * 2);
    const durationMs = Math.max(60_000, (request.energyWh / powerW) * HOUR_MS);
    return outlook.hours
      .map((hour) => ({ hour, start: new Date(Math.max(hour.starts_at.getTime(), request.from.getTime())) }))
      .filter(({ hour, start }) => start < request.to && hour.starts_at.getTime() + HOUR_MS > request.from.getTime())
      .map(({ hour, start }) => {
        const end = new Date(start.getTime() + durationMs);
        const cost = priceSession(terms, start, end, [
          { at: start, energyWh: 0 },
          { at: end, energyWh: request.energyWh },
        ]);
        return {
          location_id: station.id,
          name: station.name,
          distance_m: station.distance_m,
          starts_at: start,
          price: { amount: cost.amount, currency: cost.currency },
          saves: 0,
          expected_busy_evses: hour.expected_busy_evses,
          expected_free_evses: hour.expected_free_evses,
          confidence: outlook.confidence,
          co2_g: Math.round((request.energyWh / 1000) * hour.co2_g_per_kwh),
          greenest: hour.greenest,
          saves_co2_g: 0,
          chance_none_free: Math.round(chanceNoneFree(hour.expected_busy_evses, outlook.evses) * 1000) / 1000,
          saves_chance_none_free: 0,
        };
      });
  }
}

function checkRequest(request: AdviceRequest, now: Date): void {
  const problems: DomainFieldError[] = [];
  if (!(Math.abs(request.lat) <= 90)) problems.push({ field: 'lat', message: 'must be between -90 and 90' });
  if (!(Math.abs(request.lng) <= 180)) problems.push({ field: 'lng', message: 'must be between -180 and 180' });
  if (!(request.energyWh >= 1_000 && request.energyWh <= 200_000)) problems.push({ field: 'energy_kwh', message: 'must be between 1 and 200 kWh' });
  if (!(request.radiusM >= 100 && request.radiusM <= 50_000)) problems.push({ field: 'radius_m', message: 'must be between 100 and 50,000 m' });
  if (request.to <= request.from) problems.push({ field: 'to', message: 'must be after from' });
  if (request.to.getTime() - request.from.getTime() > MAX_WINDOW_MS) problems.push({ field: 'to', message: 'the window may be 24 hours at most' });
  if (request.to.getTime() <= now.getTime()) problems.push({ field: 'to', message: 'is in the past' });
  if (request.from.getTime() > now.getTime() + MAX_WINDOW_MS)
    problems.push({ field: 'from', message: 'must be within the next 24 hours (the forecast’s reach)' });
  if (problems.length) throw fail.invalid(problems);
}
