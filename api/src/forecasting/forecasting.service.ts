import type { Scopes } from '../db/tenancy.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import { fail } from '../shared/errors.js';
import { zoneOffsetMs } from '../shared/local-time.js';
import type { SustainabilityService } from '../sustainability/sustainability.service.js';
import type { AreaForecast, HourOutlook, StationOutlook } from './forecasting.model.js';
import { ensemble, type HourlyForecaster } from './models.js';

/** The car the hourly CO₂ is worked out for. */
const ONE_CAR_W = 11_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 56;
const CONFIDENT_DAYS = 14;
const BEST_HOURS = 3;
const MAX_AREA_STATIONS = 100;
/** An outlook is computed at most this often per station (sessions change it slowly). */
const FRESH_MS = 10 * 60_000;

/**
 * Demand outlooks per station from the network's own sessions: the cars plugged in hour by hour
 * over the last eight weeks, in the station's local time, forecast for the next 24 hours by the
 * platform's forecaster (`models.ts`). Computed on request and kept ten minutes.
 */
export class ForecastingService {
  private readonly cache = new Map<string, { at: number; outlook: StationOutlook }>();

  constructor(
    private readonly scopes: Scopes,
    private readonly discovery: DiscoveryService,
    private readonly model: HourlyForecaster = ensemble,
    private readonly carbon?: Pick<SustainabilityService, 'cleanSupply'>,
  ) {}

  /**
   * The next 24 hours over an area: the outlooks of its public stations summed per hour. At most
   * `MAX_AREA_STATIONS` stations: a larger area is refused (narrow the box).
   */
  async areaForecast(bbox: [number, number, number, number], now = new Date()): Promise<AreaForecast> {
    const found = await this.discovery.search(undefined, { bbox }, { limit: MAX_AREA_STATIONS + 1 }, now);
    if (found.data.length > MAX_AREA_STATIONS) throw fail.invalid([{ field: 'bbox', message: `holds more than ${MAX_AREA_STATIONS} stations; narrow it` }]);
    const outlooks = [];
    for (const station of found.data) outlooks.push(await this.outlook(undefined, station.id, now));
    const hourStart = Math.floor(now.getTime() / HOUR) * HOUR;
    const hours = Array.from({ length: 24 }, (_, h) => ({ starts_at: new Date(hourStart + h * HOUR), expected_busy_evses: 0, expected_free_evses: 0 }));
    for (const o of outlooks)
      o.hours.forEach((hour, h) => {
        const sum = hours[h];
        if (!sum) return;
        sum.expected_busy_evses += hour.expected_busy_evses;
        sum.expected_free_evses += hour.expected_free_evses;
      });
    for (const hour of hours) {
      hour.expected_busy_evses = Math.round(hour.expected_busy_evses * 10) / 10;
      hour.expected_free_evses = Math.round(hour.expected_free_evses * 10) / 10;
    }
    return {
      bbox,
      stations: outlooks.length,
      evses: outlooks.reduce((n, o) => n + o.evses, 0),
      stations_with_history: outlooks.filter((o) => o.confidence === 'high').length,
      hours,
    };
  }

  /**
   * The next 24 hours (or `horizonHours`, up to 48) at a station the caller may see: expected busy
   * and free EVSEs, the best hours marked.
   */
  async outlook(callerTenantId: string | undefined, locationId: string, now = new Date(), horizonHours = 24): Promise<StationOutlook> {
    if (!Number.isInteger(horizonHours) || horizonHours < 1 || horizonHours > 48) throw new Error('an outlook covers 1 to 48 hours');
    const location = await this.discovery.detail(callerTenantId, locationId, now);
    const key = `${location.network_id}/${location.id}/${horizonHours}`;
    const cached = this.cache.get(key);
    if (cached && now.getTime() - cached.at < FRESH_MS) return cached.outlook;
    const evses = location.evses.filter((e) => e.status !== 'REMOVED').length;
    const zone = location.time_zone;
    const local = (at: Date) => at.getTime() + zoneOffsetMs(at, zone);
    // The series runs in local wall time from midnight HISTORY_DAYS ago to the start of this hour.
    const nowLocal = local(now);
    const start = Math.floor(nowLocal / DAY) * DAY - HISTORY_DAYS * DAY;
    const end = Math.floor(nowLocal / HOUR) * HOUR;
    const sessions = await this.scopes.tenant(location.network_id, (tx) =>
      tx
        .selectFrom('charging_sessions as s')
        .innerJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 's.tenant_id').onRef('evses.id', '=', 's.evse_uid'))
        .select(['s.started_at', 's.stopped_at'])
        .where('s.tenant_id', '=', location.network_id)
        .where('evses.location_id', '=', location.id)
        .where('s.started_at', '<', now)
        .where((eb) => eb.or([eb('s.stopped_at', 'is', null), eb('s.stopped_at', '>', new Date(now.getTime() - (HISTORY_DAYS + 1) * DAY))]))
        .execute(),
    );
    const values = new Array<number>(Math.max(0, (end - start) / HOUR)).fill(0);
    let firstSeen = Number.POSITIVE_INFINITY;
    for (const s of sessions) {
      const from = Math.max(start, local(s.started_at));
      const to = Math.min(end, s.stopped_at ? local(s.stopped_at) : nowLocal);
      firstSeen = Math.min(firstSeen, local(s.started_at));
      for (let h = Math.floor((from - start) / HOUR); h >= 0 && h < values.length && start + h * HOUR < to; h++) {
        const overlap = Math.min(to, start + (h + 1) * HOUR) - Math.max(from, start + h * HOUR);
        if (overlap > 0) values[h] = (values[h] as number) + overlap / HOUR;
      }
    }
    const days = Number.isFinite(firstSeen) ? Math.max(0, (nowLocal - firstSeen) / DAY) : 0;
    const forecast = sessions.length
      ? this.model.forecast({ values, firstDayOfWeek: new Date(start).getUTCDay() }, horizonHours)
      : new Array<number>(horizonHours).fill(0);
    const hourStart = new Date(Math.floor(now.getTime() / HOUR) * HOUR);
    const hours = forecast.map((busy, h) => {
      const expected = Math.min(evses, Math.max(0, busy));
      return {
        starts_at: new Date(hourStart.getTime() + h * HOUR),
        expected_busy_evses: Math.round(expected * 10) / 10,
        expected_free_evses: Math.round((evses - expected) * 10) / 10,
        best: false,
        co2_g_per_kwh: 0,
        greenest: false,
      };
    });
    await this.markGreenest(location.network_id, location.id, hours);
    if (sessions.length) {
      const ranked = [...hours].sort((a, b) => b.expected_free_evses - a.expected_free_evses || a.starts_at.getTime() - b.starts_at.getTime());
      for (const hour of ranked.slice(0, BEST_HOURS)) hour.best = true;
    }
    const outlook: StationOutlook = {
      location_id: location.id,
      time_zone: zone,
      evses,
      confidence: sessions.length === 0 ? 'none' : days < CONFIDENT_DAYS ? 'low' : 'high',
      history_days: Math.floor(days),
      model: this.model.name,
      hours,
    };
    this.cache.set(key, { at: now.getTime(), outlook });
    return outlook;
  }

  /** Each hour's CO₂ per kWh (grid less the site's PV for one car) and the three cleanest hours. */
  private async markGreenest(tenantId: string, locationId: string, hours: HourOutlook[]): Promise<void> {
    const first = hours[0];
    if (!this.carbon || !first) return;
    const from = first.starts_at;
    const supply = await this.carbon.cleanSupply(tenantId, locationId, from, from.getTime() + hours.length * HOUR);
    const at = <T extends { fromMs: number }>(steps: T[], t: number): T | undefined => steps.filter((s) => s.fromMs <= t).at(-1) ?? steps[0];
    for (const hour of hours) {
      let grams = 0;
      for (let q = 0; q < 4; q++) {
        const t = hour.starts_at.getTime() + (q + 0.5) * (HOUR / 4);
        const grid = at(supply.intensity, t)?.gPerKwh ?? 0;
        const pv = at(supply.onSiteW, t)?.w ?? 0;
        grams += (grid * Math.max(0, 1 - pv / ONE_CAR_W)) / 4;
      }
      hour.co2_g_per_kwh = Math.round(grams);
    }
    const values = hours.map((h) => h.co2_g_per_kwh);
    const highest = Math.max(...values);
    if (highest - Math.min(...values) < 0.05 * highest) return;
    const ranked = [...hours].sort((a, b) => a.co2_g_per_kwh - b.co2_g_per_kwh || a.starts_at.getTime() - b.starts_at.getTime());
    for (const hour of ranked.slice(0, BEST_HOURS)) hour.greenest = true;
  }
}
