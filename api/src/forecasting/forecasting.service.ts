import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob, scheduleJobs } from '../jobs/job-runner.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import { fail } from '../shared/errors.js';
import { zoneOffsetMs } from '../shared/local-time.js';
import type { SustainabilityService } from '../sustainability/sustainability.service.js';
import type { AreaForecast, HourOutlook, SiteForecast, StationOutlook } from './forecasting.model.js';
import { ensemble, type HourlyForecaster } from './models.js';
import { chanceNoneFree, forecastSeries, hourlySeries, type TrainingSession } from './site-training.js';

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
/** Trained forecasts reach this far. */
const FORECAST_HOURS = 7 * 24;
const NIGHTLY_JOB = 'forecasting.nightly';
const SITE_JOB = 'forecasting.train-site';
const NETWORK_JOB = 'forecasting.train-network';
/** Nightly training starts at this UTC hour. */
const NIGHTLY_UTC_HOUR = 2;

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
        chance_none_free: round(chanceNoneFree(expected, evses), 3),
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

  registerJobs(jobs: JobRunner): void {
    jobs.register(NIGHTLY_JOB, async (_payload, { now }) => {
      await this.fanOutNightly(now);
      await this.scheduleNightly(now);
    });
    jobs.register(NETWORK_JOB, async (_payload, { tenantId, now }) => {
      if (!tenantId) return;
      const sites = await this.scopes.tenant(tenantId, (tx) =>
        tx.selectFrom('locations').select('id').where('tenant_id', '=', tenantId).where('status', '=', 'ACTIVE').execute(),
      );
      for (const site of sites) await this.train(tenantId, site.id, now);
    });
    jobs.register(SITE_JOB, async (payload: { location_id: string }, { tenantId, now }) => {
      if (tenantId) await this.train(tenantId, payload.location_id, now);
    });
  }

  /** The nightly run: one training job per network (each retried on its own), or for one network. */
  async fanOutNightly(now: Date, onlyTenantId?: string): Promise<void> {
    await this.scopes.system(async (tx) => {
      const networks = await tx
        .selectFrom('locations')
        .select('tenant_id')
        .distinct()
        .where('status', '=', 'ACTIVE')
        .$if(onlyTenantId !== undefined, (q) => q.where('tenant_id', '=', onlyTenantId as string))
        .execute();
      await scheduleJobs(
        tx,
        networks.map((n) => ({ kind: NETWORK_JOB, key: `${NETWORK_JOB}:${n.tenant_id}`, tenantId: n.tenant_id, runAt: now })),
      );
    });
  }

  /** The next nightly training (02:00 UTC), once: at startup and after each run. */
  scheduleNightly(now = new Date()): Promise<void> {
    const next = new Date(Math.floor(now.getTime() / DAY) * DAY + NIGHTLY_UTC_HOUR * HOUR);
    if (next <= now) next.setTime(next.getTime() + DAY);
    return this.scopes.system((tx) => scheduleJob(tx, { kind: NIGHTLY_JOB, key: NIGHTLY_JOB, runAt: next }));
  }

  /** In a session's transaction: its site is trained again within the hour (once, however many sessions end). */
  async sessionEnded(tx: Tx, session: { tenant_id: string; charge_point_id: string }, now = new Date()): Promise<void> {
    const cp = await tx
      .selectFrom('charge_points')
      .select('location_id')
      .where('tenant_id', '=', session.tenant_id)
      .where('id', '=', session.charge_point_id)
      .executeTakeFirst();
    if (!cp) return;
    await scheduleJob(tx, {
      kind: SITE_JOB,
      key: `${SITE_JOB}:${session.tenant_id}:${cp.location_id}`,
      tenantId: session.tenant_id,
      runAt: new Date(now.getTime() + HOUR),
      payload: { location_id: cp.location_id },
    });
  }

  /**
   * Trains a site's seven-day forecast and stores it, replacing the last: expected arrivals, EVSEs
   * busy and energy per hour from its own last eight weeks (or, with under two weeks of history,
   * per EVSE from the network's sites of the same power class), never below what is booked, the
   * queue waiting now on top, and the chance that no EVSE is free.
   */
  async train(tenantId: string, locationId: string, now = new Date()): Promise<SiteForecast> {
    const site = await this.scopes.tenant(tenantId, async (tx) => {
      const location = await tx
        .selectFrom('locations')
        .select(['id', 'time_zone'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', locationId)
        .executeTakeFirst();
      if (!location) throw fail.notFound('location', locationId);
      const evses = await siteEvses(tx, tenantId);
      const own = evses.filter((e) => e.location_id === locationId);
      const dc = own.some((e) => e.dc);
      const history = (only?: string) =>
        tx
          .selectFrom('charging_sessions as s')
          .innerJoin('charge_points as cp', (j) => j.onRef('cp.tenant_id', '=', 's.tenant_id').onRef('cp.id', '=', 's.charge_point_id'))
          .select(['cp.location_id', 's.started_at', 's.stopped_at', 's.meter_start_wh', 's.meter_stop_wh', 's.meter_last_wh'])
          .where('s.tenant_id', '=', tenantId)
          .$if(only !== undefined, (q) => q.where('cp.location_id', '=', only as string))
          .where('s.started_at', '<', now)
          .where((eb) => eb.or([eb('s.stopped_at', 'is', null), eb('s.stopped_at', '>', new Date(now.getTime() - (HISTORY_DAYS + 1) * DAY))]))
          .execute();
      // The network's other sites are read only when this one has too little history of its own.
      const ownHistory = await history(locationId);
      const firstOwn = Math.min(...ownHistory.map((r) => r.started_at.getTime()));
      const enough = ownHistory.length > 0 && now.getTime() - firstOwn >= CONFIDENT_DAYS * DAY;
      const sessions = enough ? ownHistory : await history();
      const booked = await tx
        .selectFrom('reservations')
        .select(['starts_at', 'ends_at'])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('status', 'in', ['OFFERED', 'CONFIRMED', 'ACTIVE'])
        .where('ends_at', '>', now)
        .where('starts_at', '<', new Date(now.getTime() + FORECAST_HOURS * HOUR))
        .execute();
      const waiting = await tx
        .selectFrom('queue_entries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('status', '=', 'WAITING')
        .executeTakeFirstOrThrow();
      return { location, evses, own: own.length, dc, sessions, booked, waiting: Number(waiting.n) };
    });
    const zone = site.location.time_zone;
    const local = (at: number) => at + zoneOffsetMs(new Date(at), zone);
    const nowLocal = local(now.getTime());
    const start = Math.floor(nowLocal / DAY) * DAY - HISTORY_DAYS * DAY;
    const end = Math.floor(nowLocal / HOUR) * HOUR;
    const hours = Math.max(0, (end - start) / HOUR);
    const asTraining = (rows: typeof site.sessions): TrainingSession[] =>
      rows.map((r) => ({
        from: local(r.started_at.getTime()),
        to: Math.min(nowLocal, local((r.stopped_at ?? now).getTime())),
        kwh: Math.max(0, Number(r.meter_stop_wh ?? r.meter_last_wh) - Number(r.meter_start_wh)) / 1000,
      }));
    const historyDays = (rows: typeof site.sessions) => (rows.length ? (nowLocal - Math.min(...rows.map((r) => local(r.started_at.getTime())))) / DAY : 0);
    const mine = site.sessions.filter((r) => r.location_id === locationId);
    let confidence: SiteForecast['confidence'] = mine.length === 0 ? 'none' : historyDays(mine) < CONFIDENT_DAYS ? 'low' : 'high';
    let series = hourlySeries(asTraining(mine), start, hours);
    if (confidence !== 'high') {
      // Little history: per EVSE, the network's sites of the same power class that have enough.
      const perSite = new Map<string, { evses: number; dc: boolean }>();
      for (const e of site.evses) {
        const entry = perSite.get(e.location_id) ?? { evses: 0, dc: false };
        perSite.set(e.location_id, { evses: entry.evses + 1, dc: entry.dc || e.dc });
      }
      const similar = [...perSite.entries()].filter(
        ([id, info]) => id !== locationId && info.dc === site.dc && historyDays(site.sessions.filter((r) => r.location_id === id)) >= CONFIDENT_DAYS,
      );
      const similarEvses = similar.reduce((n, [, info]) => n + info.evses, 0);
      if (similar.length && similarEvses > 0 && site.own > 0) {
        const ids = new Set(similar.map(([id]) => id));
        const pooled = hourlySeries(asTraining(site.sessions.filter((r) => ids.has(r.location_id))), start, hours);
        const scale = site.own / similarEvses;
        series = { busy: pooled.busy.map((v) => v * scale), arrivals: pooled.arrivals.map((v) => v * scale), energy: pooled.energy.map((v) => v * scale) };
        confidence = 'borrowed';
      }
    }
    const ahead =
      confidence === 'none' ? { busy: [], arrivals: [], energy: [] } : forecastSeries(this.model, series, new Date(start).getUTCDay(), FORECAST_HOURS);
    const hourStart = Math.floor(now.getTime() / HOUR) * HOUR;
    const trainedAt = now;
    const rows = Array.from({ length: FORECAST_HOURS }, (_, h) => {
      const from = hourStart + h * HOUR;
      const bookedEvses = site.booked.reduce(
        (n, b) => n + Math.max(0, Math.min(b.ends_at.getTime(), from + HOUR) - Math.max(b.starts_at.getTime(), from)) / HOUR,
        0,
      );
      // Drivers waiting now take the next two hours' EVSEs as they free.
      const queued = h < 2 ? site.waiting : 0;
      const busy = Math.min(site.own, Math.max(ahead.busy[h] ?? 0, bookedEvses) + queued);
      return {
        tenant_id: tenantId,
        location_id: locationId,
        starts_at: new Date(from),
        arrivals: round(ahead.arrivals[h] ?? 0),
        busy_evses: round(busy),
        energy_kwh: round(ahead.energy[h] ?? 0),
        p_no_free: round(chanceNoneFree(busy, site.own), 3),
        booked_evses: round(bookedEvses),
        confidence,
        model: this.model.name,
        trained_at: trainedAt,
      };
    });
    await this.scopes.tenant(tenantId, async (tx) => {
      await tx.deleteFrom('site_forecasts').where('tenant_id', '=', tenantId).where('location_id', '=', locationId).execute();
      await tx.insertInto('site_forecasts').values(rows).execute();
    });
    return toSiteForecast(locationId, site.own, zone, rows);
  }

  /** A site's stored forecast (trained now when there is none yet). */
  async forecast(tenantId: string, locationId: string, now = new Date()): Promise<SiteForecast> {
    const { rows, location, evses } = await this.scopes.tenant(tenantId, async (tx) => ({
      location: await tx.selectFrom('locations').select('time_zone').where('tenant_id', '=', tenantId).where('id', '=', locationId).executeTakeFirst(),
      evses: (await siteEvses(tx, tenantId)).filter((e) => e.location_id === locationId).length,
      rows: await tx
        .selectFrom('site_forecasts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('starts_at', '>=', new Date(Math.floor(now.getTime() / HOUR) * HOUR))
        .orderBy('starts_at')
        .execute(),
    }));
    if (!location) throw fail.notFound('location', locationId);
    if (rows.length < 24) return this.train(tenantId, locationId, now);
    return toSiteForecast(locationId, evses, location.time_zone, rows);
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

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The network's EVSEs with their site and whether they are DC. */
async function siteEvses(tx: Tx, tenantId: string): Promise<{ location_id: string; dc: boolean }[]> {
  const rows = await tx
    .selectFrom('evses')
    .select(['evses.location_id'])
    .select((eb) =>
      eb
        .selectFrom('connectors')
        .select((c) => c.fn.count<number>('connectors.id').as('n'))
        .whereRef('connectors.tenant_id', '=', 'evses.tenant_id')
        .whereRef('connectors.evse_id', '=', 'evses.id')
        .where('connectors.power_type', '=', 'DC')
        .as('dc'),
    )
    .where('evses.tenant_id', '=', tenantId)
    .where('evses.status', '<>', 'REMOVED')
    .execute();
  return rows.map((r) => ({ location_id: r.location_id, dc: Number(r.dc ?? 0) > 0 }));
}

function toSiteForecast(
  locationId: string,
  evses: number,
  timeZone: string,
  rows: {
    starts_at: Date;
    arrivals: number;
    busy_evses: number;
    energy_kwh: number;
    p_no_free: number;
    booked_evses: number;
    confidence: SiteForecast['confidence'];
    model: string;
    trained_at: Date;
  }[],
): SiteForecast {
  const first = rows[0];
  return {
    location_id: locationId,
    time_zone: timeZone,
    evses,
    confidence: first?.confidence ?? 'none',
    model: first?.model ?? '',
    trained_at: first?.trained_at ?? null,
    hours: rows.map((r) => ({
      starts_at: r.starts_at,
      expected_arrivals: Number(r.arrivals),
      expected_busy_evses: Number(r.busy_evses),
      expected_energy_kwh: Number(r.energy_kwh),
      chance_none_free: Number(r.p_no_free),
      booked_evses: Number(r.booked_evses),
    })),
  };
}
