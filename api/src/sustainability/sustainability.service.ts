import { parse } from 'csv-parse/sync';
import type { Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob, scheduleJobs } from '../jobs/job-runner.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import type { LocationsService } from '../locations/locations.service.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { toLocalIso } from '../shared/local-time.js';
import { accountSession, type CarbonAccount, EV_KWH_PER_100_KM, type MeterPoint, petrolCar, READING_VALID_MS, type SiteReading } from './carbon-accounting.js';
import { coverPeriods, type IntensityPeriod, type IntensityProvider, knowsZone, yearlyAverage } from './grid-intensity.js';
import { clearSkyPvW, PV_MODEL, type PvArray } from './solar-model.js';
import type {
  AreaSustainability,
  DriverCarbonYear,
  GridIntensityProfileAccepted,
  GridIntensityProfileInput,
  SessionCarbon,
  SiteEnergyAssets,
  SiteEnergyAssetsInput,
  SiteEnergyReadingInput,
  SiteEnergyReadingsAccepted,
  SolarPotential,
  SustainabilityMonth,
  SustainabilityReport,
} from './sustainability.model.js';
import type { SessionCarbonAccountsTable, SiteEnergyAssetsTable } from './sustainability.tables.js';

const ACCOUNT_JOB = 'sustainability.account-session';
const BACKFILL_JOB = 'sustainability.backfill';
const BACKFILL_BATCH = 200;
/** A reading may be stamped a little ahead of our clock (the meter's own clock drifts). */
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_READING_AGE_MS = 400 * 86_400_000;
/** A PV reading above this many times the declared peak is a wrong unit or a wrong site. */
const PV_OVER_PEAK = 1.3;
const MAX_PROFILE_HOURS = 20_000;
const HOUR_MS = 3_600_000;
const ACCOUNTING_METHOD =
  'Per 5-minute interval of each session: on-site PV, then the battery, cover the site load in proportion; the grid the rest. Location-based CO₂ uses the grid zone’s intensity at the time; market-based removes the renewable supply contract’s share (GHG Protocol Scope 2). On-site PV and battery count zero (life-cycle emissions excluded).';
const MAX_AREA_STATIONS = 100;
/** A solar carport over one charging bay (2.5 m × 5 m at about 200 Wp/m²). */
const BAY_KWP = 2.5;
const CARPORT_TILT_DEG = 10;
/**
 * Real yield over the clear-sky yield: clouds and haze. About 0.55 in central and north-western
 * Europe (PVGIS typical-year yields of ~950–1,100 kWh/kWp against ~1,750–2,000 clear-sky).
 */
const SKY_FACTOR = 0.55;

/** The window a site's energy mix (shown to drivers) is measured over. */
const MIX_WINDOW_MS = 90 * 86_400_000;
/** Plain-language equivalents of CO₂ avoided. */
const TREE_KG_PER_YEAR = 22;
const FLIGHT_KG_PER_KM = 0.15;

/** What the planner needs of a site's energy over its horizon. */
export interface CleanSupply {
  /** Grid carbon intensity from each time on, g/kWh (ascending; the first applies from now). */
  intensity: { fromMs: number; gPerKwh: number }[];
  /** On-site PV left after the site's other load, W, from each time on (ascending). */
  onSiteW: { fromMs: number; w: number }[];
}

interface SiteFacts {
  country: string;
  latitude: number;
  longitude: number;
  time_zone: string;
  assets: AssetsRow | undefined;
}

/**
 * Where a site's energy comes from and what it emits: declared PV, battery and renewable supply,
 * readings from its energy manager, the grid's carbon intensity, and every completed session's
 * carbon account. Knows nothing of HTTP or OCPP.
 */
export class SustainabilityService {
  constructor(
    private readonly scopes: Scopes,
    private readonly logger: Logger,
    private readonly locations: Pick<LocationsService, 'update'>,
    private readonly discovery: Pick<DiscoveryService, 'search'>,
    private readonly liveIntensity: IntensityProvider[] = [],
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register(ACCOUNT_JOB, async (payload: { session_id: string }, { tenantId }) => {
      if (tenantId) await this.accountSession(tenantId, payload.session_id);
    });
    jobs.register(BACKFILL_JOB, async () => {
      const left = await this.accountMissing(BACKFILL_BATCH);
      if (left) await this.scheduleBackfill();
    });
  }

  /** Accounts completed sessions that have no account (from before the module, or a lost job): at startup, then batch after batch. */
  scheduleBackfill(): Promise<void> {
    return this.scopes.system((tx) => scheduleJob(tx, { kind: BACKFILL_JOB, key: BACKFILL_JOB }));
  }

  /** Accounts up to `limit` completed sessions without an account (of one network, or all); says whether more are left. */
  async accountMissing(limit: number, tenantId?: string): Promise<boolean> {
    const missing = await this.scopes.system((tx) =>
      tx
        .selectFrom('charging_sessions as s')
        .leftJoin('session_carbon_accounts as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.session_id', '=', 's.id'))
        .select(['s.tenant_id', 's.id'])
        .where('s.status', '=', 'COMPLETED')
        .where('a.session_id', 'is', null)
        .$if(tenantId !== undefined, (q) => q.where('s.tenant_id', '=', tenantId as string))
        .orderBy('s.stopped_at', 'desc')
        .limit(limit + 1)
        .execute(),
    );
    let accounted = 0;
    for (const m of missing.slice(0, limit)) {
      // One that cannot be accounted must not stop the others.
      if (
        await this.accountSession(m.tenant_id, m.id).catch((error: Error) =>
          this.logger.warn({ session_id: m.id, error: error.message }, 'session not accounted'),
        )
      )
        accounted += 1;
    }
    // Only while it gets somewhere: sessions that keep failing are not retried in a loop.
    return missing.length > limit && accounted > 0;
  }

  /** In the session's transaction: the session is accounted once it has committed (and again if the job is retried). */
  async sessionEnded(tx: Tx, session: { tenant_id: string; id: string }): Promise<void> {
    await scheduleJob(tx, {
      kind: ACCOUNT_JOB,
      key: `${ACCOUNT_JOB}:${session.tenant_id}:${session.id}`,
      tenantId: session.tenant_id,
      payload: { session_id: session.id },
    });
  }

  async assets(tenantId: string, locationId: string): Promise<SiteEnergyAssets> {
    const row = await this.scopes.tenant(tenantId, async (tx) => {
      await activeLocation(tx, tenantId, locationId);
      return tx.selectFrom('site_energy_assets').selectAll().where('tenant_id', '=', tenantId).where('location_id', '=', locationId).executeTakeFirst();
    });
    return toAssets(locationId, row);
  }

  async setAssets(tenantId: string, locationId: string, input: SiteEnergyAssetsInput, now = new Date()): Promise<SiteEnergyAssets> {
    const values = {
      pv_kwp: input.pv?.kwp ?? null,
      pv_tilt_deg: input.pv?.tilt_deg ?? null,
      pv_azimuth_deg: input.pv?.azimuth_deg ?? null,
      battery_kwh: input.battery?.kwh ?? null,
      battery_kw: input.battery?.kw ?? null,
      renewable_contract_share: input.renewable_contract?.share ?? 0,
      renewable_contract_name: input.renewable_contract?.name ?? null,
      updated_at: now,
    };
    const row = await this.scopes.tenant(tenantId, async (tx) => {
      await activeLocation(tx, tenantId, locationId);
      return tx
        .insertInto('site_energy_assets')
        .values({ tenant_id: tenantId, location_id: locationId, ...values })
        .onConflict((oc) => oc.columns(['tenant_id', 'location_id']).doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return toAssets(locationId, row);
  }

  /**
   * Stores a batch of readings (all or none: one bad reading refuses the batch, naming it). A
   * reading sent again for the same instant replaces the last. Completed sessions the readings
   * cover are accounted again, so late readings still count.
   */
  async recordReadings(tenantId: string, locationId: string, readings: SiteEnergyReadingInput[], now = new Date()): Promise<SiteEnergyReadingsAccepted> {
    return this.scopes.tenant(tenantId, async (tx) => {
      await activeLocation(tx, tenantId, locationId);
      const assets = await tx
        .selectFrom('site_energy_assets')
        .select('pv_kwp')
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .executeTakeFirst();
      const errors: DomainFieldError[] = [];
      readings.forEach((r, i) => {
        const at = r.at.getTime();
        if (at > now.getTime() + CLOCK_SKEW_MS) errors.push({ field: `readings[${i}].at`, message: 'is in the future' });
        else if (at < now.getTime() - MAX_READING_AGE_MS) errors.push({ field: `readings[${i}].at`, message: 'is more than 400 days ago' });
        if ([r.pv_w, r.site_load_w, r.battery_w, r.battery_soc_percent].every((v) => v === undefined || v === null))
          errors.push({ field: `readings[${i}]`, message: 'has no measurement: send pv_w, site_load_w, battery_w or battery_soc_percent' });
        if (r.pv_w != null && assets?.pv_kwp != null && r.pv_w > assets.pv_kwp * 1000 * PV_OVER_PEAK)
          errors.push({ field: `readings[${i}].pv_w`, message: `is more than the site's ${assets.pv_kwp} kWp array can make` });
        if (r.pv_w != null && (assets?.pv_kwp ?? null) === null && r.pv_w > 0)
          errors.push({ field: `readings[${i}].pv_w`, message: 'needs the site to declare its PV array first (PUT energy-assets)' });
      });
      if (errors.length) throw fail.invalid(errors.slice(0, 20));
      // One row per instant: the last in the batch wins.
      const byInstant = new Map(readings.map((r) => [r.at.getTime(), r]));
      const rows = [...byInstant.values()].map((r) => ({
        tenant_id: tenantId,
        location_id: locationId,
        at: r.at,
        pv_w: r.pv_w ?? null,
        site_load_w: r.site_load_w ?? null,
        battery_w: r.battery_w ?? null,
        battery_soc_percent: r.battery_soc_percent ?? null,
        received_at: now,
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await tx
          .insertInto('site_energy_readings')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'location_id', 'at']).doUpdateSet((eb) => ({
              pv_w: eb.ref('excluded.pv_w'),
              site_load_w: eb.ref('excluded.site_load_w'),
              battery_w: eb.ref('excluded.battery_w'),
              battery_soc_percent: eb.ref('excluded.battery_soc_percent'),
              received_at: eb.ref('excluded.received_at'),
            })),
          )
          .execute();
      }
      const times = rows.map((r) => r.at.getTime());
      const from = new Date(Math.min(...times));
      const to = new Date(Math.max(...times) + READING_VALID_MS);
      const covered = await tx
        .selectFrom('session_carbon_accounts as a')
        .innerJoin('charging_sessions as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.session_id'))
        .select('a.session_id')
        .where('a.tenant_id', '=', tenantId)
        .where('a.location_id', '=', locationId)
        .where('s.started_at', '<', to)
        .where('a.stopped_at', '>', from)
        .limit(5_000)
        .execute();
      await scheduleJobs(
        tx,
        covered.map((c) => ({ kind: ACCOUNT_JOB, key: `${ACCOUNT_JOB}:${tenantId}:${c.session_id}`, tenantId, payload: { session_id: c.session_id } })),
      );
      return { accepted: rows.length, sessions_reaccounted: covered.length };
    });
  }

  /** A utility's readings for a site it is grid operator of (the network named it so). */
  async recordReadingsAsGridOperator(
    partnerId: string,
    locationId: string,
    readings: SiteEnergyReadingInput[],
    now = new Date(),
  ): Promise<SiteEnergyReadingsAccepted> {
    // The one cross-tenant read here: which network's site is this, and is the caller its grid operator?
    const site = await this.scopes.system((tx) =>
      tx
        .selectFrom('locations')
        .select('tenant_id')
        .where('id', '=', locationId)
        .where('grid_operator_id', '=', partnerId)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst(),
    );
    if (!site) throw fail.notFound('site you are grid operator of', locationId);
    return this.recordReadings(site.tenant_id, locationId, readings, now);
  }

  /** A network's own hourly intensity for a zone (a country code), replacing what it sent before for those hours. */
  async uploadIntensityProfile(tenantId: string, zone: string, input: GridIntensityProfileInput): Promise<GridIntensityProfileAccepted> {
    const code = zone.toUpperCase();
    if (!knowsZone(code)) throw fail.invalid([{ field: 'zone', message: 'is not a known grid zone (an ISO 3166 country code such as DE or GB)' }]);
    let records: string[][];
    try {
      records = parse(input.csv, { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
    } catch (e) {
      throw fail.invalid([{ field: 'csv', message: `is not CSV: ${(e as Error).message}` }]);
    }
    const rows = records.slice(1);
    if (rows.length === 0) throw fail.invalid([{ field: 'csv', message: 'has no rows after its header' }]);
    if (rows.length > MAX_PROFILE_HOURS) throw fail.invalid([{ field: 'csv', message: `has more than ${MAX_PROFILE_HOURS} rows` }]);
    const errors: DomainFieldError[] = [];
    const hours = rows.flatMap((row, i) => {
      const [at, g] = row;
      const startsAt = new Date(at ?? '');
      const value = Number(g);
      const line = i + 2;
      if (row.length !== 2) errors.push({ field: `csv[line ${line}]`, message: 'needs two columns: starts_at,g_per_kwh' });
      else if (Number.isNaN(startsAt.getTime()) || startsAt.getTime() % HOUR_MS !== 0)
        errors.push({ field: `csv[line ${line}].starts_at`, message: 'is not an ISO 8601 hour start' });
      else if (!Number.isFinite(value) || value < 0 || value > 2000)
        errors.push({ field: `csv[line ${line}].g_per_kwh`, message: 'must be a number from 0 to 2000' });
      else return [{ starts_at: startsAt, g_per_kwh: value }];
      return [];
    });
    if (errors.length) throw fail.invalid(errors.slice(0, 20));
    await this.scopes.tenant(tenantId, async (tx) => {
      for (let i = 0; i < hours.length; i += 1000) {
        await tx
          .insertInto('grid_intensity_hours')
          .values(hours.slice(i, i + 1000).map((h) => ({ tenant_id: tenantId, zone: code, source: input.source, ...h })))
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'zone', 'starts_at'])
              .doUpdateSet((eb) => ({ g_per_kwh: eb.ref('excluded.g_per_kwh'), source: eb.ref('excluded.source') })),
          )
          .execute();
      }
    });
    const times = hours.map((h) => h.starts_at.getTime());
    return { zone: code, hours: hours.length, from: new Date(Math.min(...times)), to: new Date(Math.max(...times) + HOUR_MS) };
  }

  /** The grid's intensity over a period for a network's zone: its own profile, then a live provider, then the yearly average. */
  private async intensity(tenantId: string, zone: string, from: Date, to: Date): Promise<IntensityPeriod[]> {
    const own = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('grid_intensity_hours')
        .select(['starts_at', 'g_per_kwh', 'source'])
        .where('tenant_id', '=', tenantId)
        .where('zone', '=', zone.toUpperCase())
        .where('starts_at', '>=', new Date(from.getTime() - HOUR_MS))
        .where('starts_at', '<', to)
        .orderBy('starts_at')
        .execute(),
    );
    const renewable = yearlyAverage(zone).renewable_share;
    const periods: IntensityPeriod[] = own.map((h) => ({
      from: h.starts_at,
      to: new Date(h.starts_at.getTime() + HOUR_MS),
      g_per_kwh: Number(h.g_per_kwh),
      renewable_share: renewable,
      source: h.source,
    }));
    for (const provider of this.liveIntensity.filter((p) => p.covers(zone))) {
      try {
        const live = await provider.periods(zone, from, to);
        // The network's own figures win where both have an hour.
        periods.push(...live.filter((p) => !periods.some((o) => o.from < p.to && p.from < o.to)));
      } catch (e) {
        this.logger.warn({ provider: provider.name, zone, error: (e as Error).message }, 'live carbon intensity unavailable; the yearly average is used');
      }
    }
    return coverPeriods(zone, from, to, periods);
  }

  private async siteFacts(tx: Tx, tenantId: string, locationId: string): Promise<SiteFacts> {
    const location = await tx
      .selectFrom('locations')
      .select(['country', 'latitude', 'longitude', 'time_zone'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', locationId)
      .executeTakeFirst();
    if (!location) throw fail.notFound('location', locationId);
    const assets = await tx
      .selectFrom('site_energy_assets')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', locationId)
      .executeTakeFirst();
    return { ...location, latitude: Number(location.latitude), longitude: Number(location.longitude), assets };
  }

  /** Works out a completed session's carbon account and stores it (again, if it was already). */
  async accountSession(tenantId: string, sessionId: string, now = new Date()): Promise<SessionCarbon | null> {
    const gathered = await this.scopes.tenant(tenantId, async (tx) => {
      const session = await tx
        .selectFrom('charging_sessions as s')
        .innerJoin('charge_points as cp', (j) => j.onRef('cp.tenant_id', '=', 's.tenant_id').onRef('cp.id', '=', 's.charge_point_id'))
        .select(['s.id', 's.driver_id', 's.started_at', 's.stopped_at', 's.meter_start_wh', 's.meter_stop_wh', 's.meter_last_wh', 'cp.location_id'])
        .where('s.tenant_id', '=', tenantId)
        .where('s.id', '=', sessionId)
        .where('s.status', '=', 'COMPLETED')
        .executeTakeFirst();
      if (!session?.stopped_at) return null;
      const site = await this.siteFacts(tx, tenantId, session.location_id);
      const from = session.started_at;
      const to = session.stopped_at;
      // Every session at the site overlapping this one, with its meter: the load on-site PV is shared over.
      const overlapping = await tx
        .selectFrom('charging_sessions as s')
        .innerJoin('charge_points as cp', (j) => j.onRef('cp.tenant_id', '=', 's.tenant_id').onRef('cp.id', '=', 's.charge_point_id'))
        .select(['s.id', 's.started_at', 's.stopped_at', 's.meter_start_wh', 's.meter_stop_wh', 's.meter_last_wh'])
        .where('s.tenant_id', '=', tenantId)
        .where('cp.location_id', '=', session.location_id)
        .where('s.started_at', '<', to)
        .where((eb) => eb.or([eb('s.stopped_at', 'is', null), eb('s.stopped_at', '>', from)]))
        .limit(500)
        .execute();
      const samples = await tx
        .selectFrom('meter_samples')
        .select(['session_id', 'at', 'energy_wh'])
        .where('tenant_id', '=', tenantId)
        .where(
          'session_id',
          'in',
          overlapping.map((s) => s.id),
        )
        .where('at', '>=', from)
        .where('at', '<=', to)
        .orderBy('at')
        .execute();
      const readings = await tx
        .selectFrom('site_energy_readings')
        .select(['at', 'pv_w', 'site_load_w', 'battery_w'])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', session.location_id)
        .where('at', '>=', new Date(from.getTime() - READING_VALID_MS))
        .where('at', '<=', to)
        .orderBy('at')
        .execute();
      return { session, site, overlapping, samples, readings };
    });
    if (!gathered) return null;
    const { session, site, overlapping, samples, readings } = gathered;
    const meterOf = (s: (typeof overlapping)[number]): MeterPoint[] => {
      const start = Number(s.meter_start_wh);
      const points: MeterPoint[] = [{ at: s.started_at.getTime(), energyWh: 0 }];
      for (const m of samples) if (m.session_id === s.id) points.push({ at: m.at.getTime(), energyWh: Number(m.energy_wh) });
      const last = Number(s.meter_stop_wh ?? s.meter_last_wh) - start;
      points.push({ at: (s.stopped_at ?? session.stopped_at ?? now).getTime(), energyWh: Math.max(last, ...points.map((p) => p.energyWh)) });
      return points;
    };
    const own = overlapping.find((s) => s.id === session.id) ?? { ...session };
    const pv = pvArray(site.assets);
    const siteReadings: SiteReading[] = readings.map((r) => ({
      at: r.at.getTime(),
      pvW: r.pv_w === null ? null : Number(r.pv_w),
      siteLoadW: r.site_load_w === null ? null : Number(r.site_load_w),
      batteryW: r.battery_w === null ? null : Number(r.battery_w),
    }));
    const stoppedAt = session.stopped_at as Date;
    const intensity = await this.intensity(tenantId, site.country, session.started_at, stoppedAt);
    const account = accountSession({
      meter: meterOf(own as (typeof overlapping)[number]),
      from: session.started_at.getTime(),
      to: stoppedAt.getTime(),
      siteMeters: overlapping.map(meterOf),
      supply: { readings: siteReadings, modelPvW: pv ? (at) => clearSkyPvW(pv, new Date(at), site.latitude, site.longitude) : null },
      intensity,
      contractRenewableShare: Number(site.assets?.renewable_contract_share ?? 0),
      country: site.country,
    });
    const method = onSiteMethod(pv !== null, siteReadings, session.started_at.getTime(), stoppedAt.getTime());
    const sources = [...new Set(intensity.map((p) => p.source))];
    const row = {
      tenant_id: tenantId,
      session_id: session.id,
      location_id: session.location_id,
      driver_id: session.driver_id,
      stopped_at: stoppedAt,
      total_wh: account.energy_wh.total,
      pv_wh: account.energy_wh.on_site_pv,
      battery_wh: account.energy_wh.battery,
      grid_wh: account.energy_wh.grid,
      co2_location_g: account.co2_g.location_based,
      co2_market_g: account.co2_g.market_based,
      renewable_location_wh: account.renewable_share.location_based * account.energy_wh.total,
      renewable_market_wh: account.renewable_share.market_based * account.energy_wh.total,
      avoided_co2_g: account.avoided_co2_g,
      distance_km: account.distance_km,
      on_site_method: method,
      sources: JSON.stringify(sources),
      computed_at: now,
    };
    await this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('session_carbon_accounts')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'session_id']).doUpdateSet({ ...row }))
        .execute(),
    );
    await this.refreshSiteMix(tenantId, session.location_id, now);
    return toSessionCarbon(account, method, sources, site.country, now);
  }

  /**
   * The site's energy mix as drivers see it (discovery's green badge and filter, open data):
   * the market-based renewable share and CO₂ per kWh over its last 90 days of charging.
   */
  private async refreshSiteMix(tenantId: string, locationId: string, now: Date): Promise<void> {
    const { mix, shown } = await this.scopes.tenant(tenantId, async (tx) => ({
      mix: await tx
        .selectFrom('session_carbon_accounts')
        .select((eb) => [
          eb.fn.sum<number>('total_wh').as('total_wh'),
          eb.fn.sum<number>('renewable_market_wh').as('renewable_wh'),
          eb.fn.sum<number>('co2_market_g').as('co2_g'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('stopped_at', '>', new Date(now.getTime() - MIX_WINDOW_MS))
        .executeTakeFirst(),
      shown: await tx
        .selectFrom('locations')
        .select(['renewable_share', 'co2_g_per_kwh', 'status'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', locationId)
        .executeTakeFirst(),
    }));
    const totalWh = Number(mix?.total_wh ?? 0);
    if (!shown || shown.status !== 'ACTIVE' || totalWh <= 0) return;
    const share = Math.round((Number(mix?.renewable_wh ?? 0) / totalWh) * 100);
    const gPerKwh = Math.round(Number(mix?.co2_g ?? 0) / (totalWh / 1000));
    if (shown.renewable_share !== null && Math.abs(Number(shown.renewable_share) - share) < 1 && Number(shown.co2_g_per_kwh) === gPerKwh) return;
    await this.locations.update(tenantId, locationId, { energy_mix: { renewable_share: share, co2_g_per_kwh: gPerKwh } });
  }

  /** The stored account of one session, or null while it is being worked out (or the session is live). */
  async sessionCarbon(tenantId: string, sessionId: string): Promise<SessionCarbon | null> {
    return (await this.sessionsCarbon(tenantId, [sessionId])).get(sessionId) ?? null;
  }

  async sessionsCarbon(tenantId: string, sessionIds: string[]): Promise<Map<string, SessionCarbon>> {
    if (sessionIds.length === 0) return new Map();
    const rows = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('session_carbon_accounts as a')
        .innerJoin('locations as l', (j) => j.onRef('l.tenant_id', '=', 'a.tenant_id').onRef('l.id', '=', 'a.location_id'))
        .selectAll('a')
        .select('l.country')
        .where('a.tenant_id', '=', tenantId)
        .where('a.session_id', 'in', sessionIds)
        .execute(),
    );
    return new Map(rows.map((r) => [r.session_id, rowToCarbon(r, r.country)]));
  }

  /** A driver's calendar year (UTC) over every network: their sessions' accounts summed. */
  async driverYear(driverId: string, year: number): Promise<DriverCarbonYear> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw fail.invalid([{ field: 'year', message: 'must be a year from 2000 to 2100' }]);
    const row = await this.scopes.system((tx) =>
      tx
        .selectFrom('session_carbon_accounts')
        .select((eb) => [
          eb.fn.countAll<number>().as('sessions'),
          eb.fn.coalesce(eb.fn.sum<number>('total_wh'), eb.lit(0)).as('total_wh'),
          eb.fn.coalesce(eb.fn.sum<number>('renewable_market_wh'), eb.lit(0)).as('renewable_wh'),
          eb.fn.coalesce(eb.fn.sum<number>('co2_location_g'), eb.lit(0)).as('co2_g'),
          eb.fn.coalesce(eb.fn.sum<number>('avoided_co2_g'), eb.lit(0)).as('avoided_g'),
          eb.fn.coalesce(eb.fn.sum<number>('distance_km'), eb.lit(0)).as('distance_km'),
        ])
        .where('driver_id', '=', driverId)
        .where('stopped_at', '>=', new Date(Date.UTC(year, 0, 1)))
        .where('stopped_at', '<', new Date(Date.UTC(year + 1, 0, 1)))
        .executeTakeFirstOrThrow(),
    );
    const total = Number(row.total_wh);
    const avoidedKg = Math.max(0, Number(row.avoided_g)) / 1000;
    return {
      year,
      sessions: Number(row.sessions),
      energy_kwh: Math.round(total) / 1000,
      renewable_share: total > 0 ? Math.round((Number(row.renewable_wh) / total) * 10_000) / 10_000 : 0,
      co2_kg: Math.round(Number(row.co2_g)) / 1000,
      avoided_co2_kg: Math.round(Number(row.avoided_g)) / 1000,
      distance_km: Math.round(Number(row.distance_km)),
      equivalents: {
        trees_for_a_year: Math.round((avoidedKg / TREE_KG_PER_YEAR) * 10) / 10,
        flight_km: Math.round(avoidedKg / FLIGHT_KG_PER_KM),
        sources: {
          tree_kg_per_year: TREE_KG_PER_YEAR,
          tree_source: 'European Environment Agency',
          flight_g_per_km: FLIGHT_KG_PER_KM * 1000,
          flight_source: 'UK DESNZ 2024, short-haul',
        },
      },
    };
  }

  /**
   * Per site and month (local), summed over completed sessions: energy by source, renewable
   * share, PV self-consumption, CO₂ emitted and avoided; with the method and sources.
   */
  async report(tenantId: string, range: { from: string; to: string; locationId?: string }, now = new Date()): Promise<SustainabilityReport> {
    const months = monthRange(range.from, range.to);
    const rows = await this.scopes.tenant(tenantId, async (tx) => {
      const locations = await tx
        .selectFrom('locations')
        .select(['id', 'name', 'time_zone', 'latitude', 'longitude', 'country'])
        .where('tenant_id', '=', tenantId)
        .$if(range.locationId !== undefined, (q) => q.where('id', '=', range.locationId as string))
        .execute();
      if (range.locationId !== undefined && locations.length === 0) throw fail.notFound('location', range.locationId);
      const start = new Date(Date.UTC(months.first.y, months.first.m - 1, 1) - 14 * HOUR_MS);
      const end = new Date(Date.UTC(months.last.y, months.last.m, 1) + 14 * HOUR_MS);
      const accounts = await tx
        .selectFrom('session_carbon_accounts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('stopped_at', '>=', start)
        .where('stopped_at', '<', end)
        .$if(range.locationId !== undefined, (q) => q.where('location_id', '=', range.locationId as string))
        .execute();
      const assets = await tx.selectFrom('site_energy_assets').selectAll().where('tenant_id', '=', tenantId).execute();
      const produced = await tx
        .selectFrom('site_energy_readings')
        .select(['location_id', 'at', 'pv_w'])
        .where('tenant_id', '=', tenantId)
        .where('at', '>=', start)
        .where('at', '<', end)
        .where('pv_w', 'is not', null)
        .orderBy('at')
        .execute();
      return { locations, accounts, assets, produced };
    });
    const tzOf = new Map(rows.locations.map((l) => [l.id, l.time_zone]));
    const sums = new Map<string, Sum>();
    const sources = new Set<string>();
    for (const a of rows.accounts) {
      const tz = tzOf.get(a.location_id);
      if (!tz) continue;
      const month = monthOf(a.stopped_at, tz);
      if (!months.keys.has(month)) continue;
      addTo(sums, `${a.location_id}|${month}`, a);
      for (const s of a.sources) sources.add(s);
    }
    const result: SustainabilityMonth[] = [];
    for (const l of rows.locations) {
      const pv = pvArray(rows.assets.find((x) => x.location_id === l.id));
      for (const month of months.keys) {
        const sum = sums.get(`${l.id}|${month}`);
        if (!sum) continue;
        const producedWh = pv
          ? pvProducedWh(
              pv,
              month,
              l,
              rows.produced.filter((p) => p.location_id === l.id),
              now,
            )
          : null;
        result.push(toMonth(month, { id: l.id, name: l.name }, sum, producedWh));
      }
    }
    result.sort((a, b) => a.month.localeCompare(b.month) || (a.location_id ?? '').localeCompare(b.location_id ?? ''));
    // The network's months: every site summed (PV self-consumption where any site produced).
    for (const month of months.keys) {
      const sites = result.filter((r) => r.month === month);
      if (sites.length === 0) continue;
      const total: Sum = emptySum();
      for (const a of rows.accounts) {
        const tz = tzOf.get(a.location_id);
        if (tz && monthOf(a.stopped_at, tz) === month) accumulate(total, a);
      }
      const produced = sites.some((s) => s.pv_produced_kwh !== null) ? sites.reduce((x, s) => x + (s.pv_produced_kwh ?? 0) * 1000, 0) : null;
      result.push(toMonth(month, null, total, produced));
    }
    return {
      network_id: tenantId,
      from: range.from,
      to: range.to,
      months: result,
      method: {
        intensity_sources: [...sources].sort(),
        accounting: ACCOUNTING_METHOD,
        petrol_car: `${petrolCar('default').source}; US sites: ${petrolCar('US').source}; electric car ${EV_KWH_PER_100_KM} kWh/100 km`,
        pv_model: { ...PV_MODEL },
      },
    };
  }

  /**
   * What a PV carport over the bays of a site would make in a typical year and save, and how much
   * of the site's own charging (its last 90 days, hour by hour) it would have covered directly.
   */
  async solarPotential(tenantId: string, locationId: string, now = new Date()): Promise<SolarPotential> {
    const { location, evses, sessions } = await this.scopes.tenant(tenantId, async (tx) => {
      const location = await tx
        .selectFrom('locations')
        .select(['id', 'name', 'latitude', 'longitude', 'country'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', locationId)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst();
      if (!location) throw fail.notFound('location', locationId);
      const evses = await tx
        .selectFrom('evses')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('status', '<>', 'REMOVED')
        .executeTakeFirstOrThrow();
      const sessions = await tx
        .selectFrom('charging_sessions as s')
        .innerJoin('charge_points as cp', (j) => j.onRef('cp.tenant_id', '=', 's.tenant_id').onRef('cp.id', '=', 's.charge_point_id'))
        .select(['s.started_at', 's.stopped_at', 's.meter_start_wh', 's.meter_stop_wh', 's.meter_last_wh'])
        .where('s.tenant_id', '=', tenantId)
        .where('cp.location_id', '=', locationId)
        .where('s.status', '=', 'COMPLETED')
        .where('s.stopped_at', '>', new Date(now.getTime() - 90 * 86_400_000))
        .limit(50_000)
        .execute();
      return { location, evses, sessions };
    });
    return potentialOf(
      { id: location.id, name: location.name, latitude: Number(location.latitude), longitude: Number(location.longitude), country: location.country },
      Number(evses.n),
      sessions.map((x) => ({
        from: x.started_at.getTime(),
        to: (x.stopped_at as Date).getTime(),
        wh: Math.max(0, Number(x.meter_stop_wh ?? x.meter_last_wh) - Number(x.meter_start_wh)),
      })),
      now,
    );
  }

  /** Every site of the network without declared PV, with its solar potential (at most 100 sites). */
  async solarPotentials(tenantId: string, now = new Date()): Promise<SolarPotential[]> {
    const sites = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('locations as l')
        .leftJoin('site_energy_assets as a', (j) => j.onRef('a.tenant_id', '=', 'l.tenant_id').onRef('a.location_id', '=', 'l.id'))
        .select('l.id')
        .where('l.tenant_id', '=', tenantId)
        .where('l.status', '=', 'ACTIVE')
        .where('a.pv_kwp', 'is', null)
        .orderBy('l.id')
        .limit(100)
        .execute(),
    );
    const out: SolarPotential[] = [];
    for (const site of sites) out.push(await this.solarPotential(tenantId, site.id, now));
    return out.sort((a, b) => b.co2_avoided_kg_per_year - a.co2_avoided_kg_per_year);
  }

  /**
   * Cities and utilities: the public stations in a box (at most 100), by month (UTC): energy,
   * renewable share, CO₂ emitted and avoided, and the solar potential of those without PV.
   * Aggregates only: nothing per station, session or driver.
   */
  async areaReport(bbox: [number, number, number, number], range: { from: string; to: string }, now = new Date()): Promise<AreaSustainability> {
    const months = monthRange(range.from, range.to);
    const found = await this.discovery.search(undefined, { bbox }, { limit: MAX_AREA_STATIONS + 1 }, now);
    if (found.data.length > MAX_AREA_STATIONS) throw fail.invalid([{ field: 'bbox', message: `holds more than ${MAX_AREA_STATIONS} stations; narrow it` }]);
    const byNetwork = new Map<string, string[]>();
    for (const station of found.data) byNetwork.set(station.network_id, [...(byNetwork.get(station.network_id) ?? []), station.id]);
    const sums = new Map<string, Sum>();
    const sources = new Set<string>();
    const potential = { stations: 0, kwp: 0, yield_kwh_per_year: 0, co2_avoided_kg_per_year: 0 };
    const start = new Date(Date.UTC(months.first.y, months.first.m - 1, 1));
    const end = new Date(Date.UTC(months.last.y, months.last.m, 1));
    for (const [tenantId, ids] of byNetwork) {
      const { accounts, withPv } = await this.scopes.tenant(tenantId, async (tx) => ({
        accounts: await tx
          .selectFrom('session_carbon_accounts')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('location_id', 'in', ids)
          .where('stopped_at', '>=', start)
          .where('stopped_at', '<', end)
          .execute(),
        withPv: await tx
          .selectFrom('site_energy_assets')
          .select('location_id')
          .where('tenant_id', '=', tenantId)
          .where('location_id', 'in', ids)
          .where('pv_kwp', 'is not', null)
          .execute(),
      }));
      for (const a of accounts) {
        addTo(sums, a.stopped_at.toISOString().slice(0, 7), a);
        for (const source of a.sources) sources.add(source);
      }
      const hasPv = new Set(withPv.map((r) => r.location_id));
      for (const id of ids.filter((i) => !hasPv.has(i))) {
        const p = await this.solarPotential(tenantId, id, now);
        potential.stations += 1;
        potential.kwp += p.kwp;
        potential.yield_kwh_per_year += p.yield_kwh_per_year;
        potential.co2_avoided_kg_per_year += p.co2_avoided_kg_per_year;
      }
    }
    return {
      bbox,
      stations: found.data.length,
      months: [...months.keys].flatMap((month) => {
        const sum = sums.get(month);
        if (!sum) return [];
        const {
          location_id: _l,
          location_name: _n,
          battery_kwh: _b,
          grid_kwh: _g,
          pv_self_consumption: _s,
          pv_produced_kwh: _p,
          ...m
        } = toMonth(month, null, sum, null);
        return [m];
      }),
      solar_potential: {
        stations: potential.stations,
        kwp: Math.round(potential.kwp * 10) / 10,
        yield_kwh_per_year: Math.round(potential.yield_kwh_per_year),
        co2_avoided_kg_per_year: Math.round(potential.co2_avoided_kg_per_year),
      },
      method: {
        accounting: ACCOUNTING_METHOD,
        intensity_sources: [...sources].sort(),
        solar_potential: `a carport bay of ${BAY_KWP} kWp per EVSE, tilted ${CARPORT_TILT_DEG}°, facing the equator; clear-sky yield × ${SKY_FACTOR} for clouds; every kWh made displaces the zone's average grid kWh`,
      },
    };
  }

  /** The grid intensity and on-site surplus over a planning horizon. */
  async cleanSupply(tenantId: string, locationId: string, now: Date, untilMs: number): Promise<CleanSupply> {
    const { site, latest } = await this.scopes.tenant(tenantId, async (tx) => ({
      site: await this.siteFacts(tx, tenantId, locationId),
      latest: await tx
        .selectFrom('site_energy_readings')
        .select(['at', 'pv_w', 'site_load_w'])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('at', '<=', now)
        .where('at', '>', new Date(now.getTime() - READING_VALID_MS))
        .where('pv_w', 'is not', null)
        .orderBy('at', 'desc')
        .limit(1)
        .executeTakeFirst(),
    }));
    const until = new Date(Math.max(untilMs, now.getTime() + HOUR_MS));
    const periods = await this.intensity(tenantId, site.country, now, until);
    const intensity = periods.map((p) => ({ fromMs: Math.max(now.getTime(), p.from.getTime()), gPerKwh: p.g_per_kwh }));
    const pv = pvArray(site.assets);
    if (!pv) return { intensity, onSiteW: [{ fromMs: now.getTime(), w: 0 }] };
    // The clear-sky shape, scaled by how the sky compares now (the last reading against the model then).
    const modelAt = (t: number) => clearSkyPvW(pv, new Date(t), site.latitude, site.longitude);
    let sky = 1;
    if (latest) {
      const modelled = modelAt(latest.at.getTime());
      sky = modelled > 100 ? Math.min(1.2, Number(latest.pv_w) / modelled) : 1;
    }
    // What the site's other load takes is not known ahead: the plan prefers PV hours, the cap still holds.
    const onSiteW: CleanSupply['onSiteW'] = [];
    for (let t = now.getTime(); t < until.getTime(); t += 15 * 60_000) {
      const w = t === now.getTime() && latest ? Number(latest.pv_w) - Number(latest.site_load_w ?? 0) : modelAt(t + 7.5 * 60_000) * sky;
      onSiteW.push({ fromMs: t, w: Math.max(0, w) });
    }
    return { intensity, onSiteW };
  }
}

/** A carport over the site's bays: its typical year, and how much of the site's recent charging it would have covered hour by hour. */
function potentialOf(
  site: { id: string; name: string; latitude: number; longitude: number; country: string },
  evses: number,
  sessions: { from: number; to: number; wh: number }[],
  now: Date,
): SolarPotential {
  const array: PvArray = { kwp: Math.max(BAY_KWP, evses * BAY_KWP), tiltDeg: CARPORT_TILT_DEG, azimuthDeg: site.latitude >= 0 ? 180 : 0 };
  const pvWh = (from: number) => clearSkyPvW(array, new Date(from + HOUR_MS / 2), site.latitude, site.longitude) * SKY_FACTOR;
  const yearStart = Date.UTC(now.getUTCFullYear() - 1, 0, 1);
  let yieldWh = 0;
  for (let t = yearStart; t < Date.UTC(now.getUTCFullYear(), 0, 1); t += HOUR_MS) yieldWh += pvWh(t);
  // The site's charging by hour over its last 90 days, each session spread evenly over its stay.
  const since = Math.floor((now.getTime() - 90 * 86_400_000) / HOUR_MS) * HOUR_MS;
  const load = new Map<number, number>();
  for (const s of sessions) {
    const length = Math.max(1, s.to - s.from);
    for (let h = Math.floor(s.from / HOUR_MS) * HOUR_MS; h < s.to; h += HOUR_MS) {
      if (h < since) continue;
      const overlap = Math.min(s.to, h + HOUR_MS) - Math.max(s.from, h);
      if (overlap > 0) load.set(h, (load.get(h) ?? 0) + (s.wh * overlap) / length);
    }
  }
  let loadWh = 0;
  let covered = 0;
  for (const [h, wh] of load) {
    loadWh += wh;
    covered += Math.min(wh, pvWh(h));
  }
  const intensity = yearlyAverage(site.country);
  return {
    location_id: site.id,
    location_name: site.name,
    kwp: array.kwp,
    tilt_deg: array.tiltDeg,
    azimuth_deg: array.azimuthDeg,
    yield_kwh_per_year: Math.round(yieldWh / 1000),
    co2_avoided_kg_per_year: Math.round((yieldWh / 1000) * intensity.g_per_kwh) / 1000,
    share_of_charging: loadWh > 0 ? Math.round((covered / loadWh) * 1000) / 1000 : null,
    charging_kwh_last_90_days: Math.round(loadWh) / 1000,
    assumptions: {
      array: `one carport bay of ${BAY_KWP} kWp per EVSE (${evses} EVSEs), tilted ${CARPORT_TILT_DEG}°, facing the equator`,
      ...PV_MODEL,
      weather: `clear-sky yield × ${SKY_FACTOR} (typical cloudiness of central Europe)`,
      grid: intensity.source,
      load: 'each of the last 90 days’ sessions spread evenly over its stay',
    },
  };
}

type Sum = {
  sessions: number;
  total: number;
  pv: number;
  battery: number;
  grid: number;
  co2Location: number;
  co2Market: number;
  renewableLocation: number;
  renewableMarket: number;
  avoided: number;
};

function emptySum(): Sum {
  return { sessions: 0, total: 0, pv: 0, battery: 0, grid: 0, co2Location: 0, co2Market: 0, renewableLocation: 0, renewableMarket: 0, avoided: 0 };
}

function accumulate(sum: Sum, a: SessionCarbonAccountRow): void {
  sum.sessions += 1;
  sum.total += Number(a.total_wh);
  sum.pv += Number(a.pv_wh);
  sum.battery += Number(a.battery_wh);
  sum.grid += Number(a.grid_wh);
  sum.co2Location += Number(a.co2_location_g);
  sum.co2Market += Number(a.co2_market_g);
  sum.renewableLocation += Number(a.renewable_location_wh);
  sum.renewableMarket += Number(a.renewable_market_wh);
  sum.avoided += Number(a.avoided_co2_g);
}

function addTo(sums: Map<string, Sum>, key: string, a: SessionCarbonAccountRow): void {
  const sum = sums.get(key) ?? emptySum();
  accumulate(sum, a);
  sums.set(key, sum);
}

type SessionCarbonAccountRow = Selectable<SessionCarbonAccountsTable>;
type AssetsRow = Selectable<SiteEnergyAssetsTable>;

function toMonth(month: string, location: { id: string; name: string } | null, s: Sum, producedWh: number | null): SustainabilityMonth {
  const kwh = (wh: number) => Math.round(wh) / 1000;
  const ratio = (x: number) => (s.total > 0 ? Math.round((x / s.total) * 10_000) / 10_000 : 0);
  return {
    month,
    location_id: location?.id ?? null,
    location_name: location?.name ?? null,
    sessions: s.sessions,
    energy_kwh: kwh(s.total),
    on_site_pv_kwh: kwh(s.pv),
    battery_kwh: kwh(s.battery),
    grid_kwh: kwh(s.grid),
    renewable_share: { location_based: ratio(s.renewableLocation), market_based: ratio(s.renewableMarket) },
    co2_kg: { location_based: kwh(s.co2Location), market_based: kwh(s.co2Market) },
    avoided_co2_kg: kwh(s.avoided),
    pv_self_consumption: producedWh === null || producedWh <= 0 ? null : Math.round(Math.min(1, s.pv / producedWh) * 10_000) / 10_000,
    pv_produced_kwh: producedWh === null ? null : kwh(producedWh),
  };
}

/** PV made in a local month: measured readings where they stand, the clear-sky model elsewhere (never past now). */
function pvProducedWh(
  pv: PvArray,
  month: string,
  site: { time_zone: string; latitude: unknown; longitude: unknown },
  readings: { at: Date; pv_w: number | null }[],
  now: Date,
): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const lat = Number(site.latitude);
  const lng = Number(site.longitude);
  let wh = 0;
  const step = 15 * 60_000;
  const start = Date.UTC(y, m - 1, 1) - 14 * HOUR_MS;
  const end = Math.min(now.getTime(), Date.UTC(y, m, 1) + 14 * HOUR_MS);
  let r = 0;
  for (let t = start; t < end; t += step) {
    if (monthOf(new Date(t), site.time_zone) !== month) continue;
    while (r + 1 < readings.length && (readings[r + 1] as { at: Date }).at.getTime() <= t) r++;
    const reading = readings[r];
    const standing = reading && reading.at.getTime() <= t && t - reading.at.getTime() <= READING_VALID_MS ? reading : undefined;
    wh += ((standing ? Number(standing.pv_w) : clearSkyPvW(pv, new Date(t + step / 2), lat, lng)) * step) / HOUR_MS;
  }
  return wh;
}

function monthOf(at: Date, timeZone: string): string {
  return toLocalIso(at, timeZone).slice(0, 7);
}

function monthRange(from: string, to: string): { keys: Set<string>; first: { y: number; m: number }; last: { y: number; m: number } } {
  const parse = (s: string, field: string) => {
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(s);
    if (!match) throw fail.invalid([{ field, message: 'must be a month, YYYY-MM' }]);
    return { y: Number(match[1]), m: Number(match[2]) };
  };
  const first = parse(from, 'from');
  const last = parse(to, 'to');
  const count = (last.y - first.y) * 12 + (last.m - first.m) + 1;
  if (count < 1) throw fail.invalid([{ field: 'to', message: 'is before from' }]);
  if (count > 24) throw fail.invalid([{ field: 'to', message: 'is more than 24 months after from' }]);
  const keys = new Set<string>();
  for (let i = 0; i < count; i++) {
    const y = first.y + Math.floor((first.m - 1 + i) / 12);
    const m = ((first.m - 1 + i) % 12) + 1;
    keys.add(`${y}-${String(m).padStart(2, '0')}`);
  }
  return { keys, first, last };
}

function onSiteMethod(hasPv: boolean, readings: SiteReading[], from: number, to: number): SessionCarbon['method']['on_site'] {
  if (!hasPv) return readings.some((r) => (r.batteryW ?? 0) > 0) ? 'measured' : 'none';
  const covered = readings.filter((r) => r.pvW !== null && r.at >= from - READING_VALID_MS && r.at <= to);
  if (covered.length === 0) return 'modelled';
  // Measured throughout when no stretch of the session is more than a reading's validity from one.
  let last = from;
  for (const r of covered) {
    if (r.at - last > READING_VALID_MS) return 'mixed';
    last = Math.max(last, r.at);
  }
  return to - last > READING_VALID_MS ? 'mixed' : 'measured';
}

export function pvArray(assets: Pick<AssetsRow, 'pv_kwp' | 'pv_tilt_deg' | 'pv_azimuth_deg'> | undefined): PvArray | null {
  if (!assets || assets.pv_kwp === null) return null;
  return { kwp: Number(assets.pv_kwp), tiltDeg: Number(assets.pv_tilt_deg ?? 0), azimuthDeg: Number(assets.pv_azimuth_deg ?? 180) };
}

function toAssets(locationId: string, row: AssetsRow | undefined): SiteEnergyAssets {
  return {
    location_id: locationId,
    pv: row?.pv_kwp != null ? { kwp: Number(row.pv_kwp), tilt_deg: Number(row.pv_tilt_deg ?? 0), azimuth_deg: Number(row.pv_azimuth_deg ?? 180) } : null,
    battery: row?.battery_kwh != null ? { kwh: Number(row.battery_kwh), kw: Number(row.battery_kw) } : null,
    renewable_contract:
      row && Number(row.renewable_contract_share) > 0 ? { share: Number(row.renewable_contract_share), name: row.renewable_contract_name ?? '' } : null,
    updated_at: row?.updated_at ?? null,
  };
}

function toSessionCarbon(
  account: CarbonAccount,
  onSite: SessionCarbon['method']['on_site'],
  sources: string[],
  country: string,
  computedAt: Date,
): SessionCarbon {
  return {
    ...account,
    method: { on_site: onSite, intensity_sources: sources, petrol_car: petrolCar(country), ev_kwh_per_100_km: EV_KWH_PER_100_KM, computed_at: computedAt },
  };
}

function rowToCarbon(r: SessionCarbonAccountRow, country: string): SessionCarbon {
  const total = Number(r.total_wh);
  const share = (wh: number) => (total > 0 ? Math.round((wh / total) * 10_000) / 10_000 : 0);
  return toSessionCarbon(
    {
      energy_wh: { total, on_site_pv: Number(r.pv_wh), battery: Number(r.battery_wh), grid: Number(r.grid_wh) },
      co2_g: { location_based: Number(r.co2_location_g), market_based: Number(r.co2_market_g) },
      renewable_share: { location_based: share(Number(r.renewable_location_wh)), market_based: share(Number(r.renewable_market_wh)) },
      avoided_co2_g: Number(r.avoided_co2_g),
      distance_km: Number(r.distance_km),
    },
    r.on_site_method,
    r.sources,
    country,
    r.computed_at,
  );
}

async function activeLocation(tx: Tx, tenantId: string, locationId: string): Promise<void> {
  const found = await tx
    .selectFrom('locations')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', locationId)
    .where('status', '=', 'ACTIVE')
    .executeTakeFirst();
  if (!found) throw fail.notFound('location', locationId);
}
