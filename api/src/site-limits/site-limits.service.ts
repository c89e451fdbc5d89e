import type { Highs } from 'highs';
import { type SqlBool, sql } from 'kysely';
import type { Logger } from 'pino';
import type { ChargerCommand } from '../charging/charger-commands.js';
import { ChargePointOffline, ChargePointTimeout, type CommandRouter } from '../charging/commands.js';
import { recordPlatformFault } from '../charging/platform-faults.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import type { DriversService } from '../drivers/drivers.service.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import type { LocationsService } from '../locations/locations.service.js';
import { type EnergyCosts, planSiteAtLeastCost } from '../scheduling/least-cost.js';
import { lpSolver } from '../scheduling/lp-solver.js';
import { type Allocation, type ChargingNeed, planSite, type SitePlanInput } from '../scheduling/optimiser.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { SustainabilityService } from '../sustainability/sustainability.service.js';
import { billingMonth, checkContract, objectiveCosts } from './energy-contracts.js';
import type {
  EnergyContract,
  EnergyContractInput,
  EvseShare,
  GridSignalInput,
  LimitApplication,
  NetworkPowerLimit,
  PowerLimit,
  PowerLimitInput,
  SessionPlan,
  SitePowerHistory,
  SitePowerState,
  SitePowerView,
} from './site-limits.model.js';

/** The site's planning objective with what it needs: the solver and the costs over a horizon. */
interface ObjectivePlanner {
  highs: Highs;
  costs: (untilMs: number) => { costs: EnergyCosts; delayCostPerKwhH?: number };
}
/** How far ahead the grid's intensity and the site's PV are looked up for a plan. */
const SUPPLY_HORIZON_MS = 24 * 3_600_000;

/** The platform's site-limit profile has one id on every charger, so a new limit replaces the last. */
export const SITE_LIMIT_PROFILE_ID = 7301;
const COMMAND_TIMEOUT_MS = 10_000;
const MAX_AHEAD_MS = 366 * 86_400_000;
/** A limit not ended by `now` (in force, or ahead); `endsAt` names the column, table alias included. */
const notEnded = (endsAt: string, now: Date) => sql<SqlBool>`(${sql.ref(endsAt)} is null or ${sql.ref(endsAt)} > ${now})`;
const LIMIT_COLUMNS = ['id', 'location_id', 'max_power_w', 'source', 'partner_id', 'starts_at', 'ends_at', 'created_at'] as const;

/** The limit in force at `at`: the lowest of those whose window holds it. */
export function limitInForce(limits: Pick<PowerLimit, 'max_power_w' | 'starts_at' | 'ends_at'>[], at: Date): number | null {
  const t = at.getTime();
  const inForce = limits.filter((l) => l.starts_at.getTime() <= t && (l.ends_at === null || t < l.ends_at.getTime()));
  return inForce.length ? Math.min(...inForce.map((l) => l.max_power_w)) : null;
}

/** How often a limited site is planned again (and on every session start, stop and limit change). */
export const REPLAN_MS = 5 * 60_000;
/** When a driver did not say when they leave. */
const DEFAULT_STAY_MS = 4 * 3_600_000;
/** Completed sessions a site needs before its own typical stay is used. */
const MIN_HISTORY = 10;
const DEFAULT_EVSE_MAX_W = 22_000;
/** A car drawing below this part of its share is planned at what it draws. */
const UNDERUSE = 0.8;

/** The least an EVSE can charge at: 6 A per phase (IEC 61851) for AC at 230 V; DC any rate. */
export function minimumPowerW(powerType: string | null): number {
  return (AC_PHASES[powerType ?? ''] ?? 0) * 6 * 230;
}
const AC_PHASES: Record<string, number> = { AC_1_PHASE: 1, AC_2_PHASE: 2, AC_2_PHASE_SPLIT: 2, AC_3_PHASE: 3 };

/**
 * A charger that draws more than a tenth (and half a kilowatt) over what it was told, measured a
 * minute or more after it was told (a car takes a moment to slow down), ignores its limit.
 */
const ignoresLimit = (e: SiteEvse) =>
  e.session_id !== null &&
  e.power_w !== null &&
  e.share_w !== null &&
  e.told_at !== null &&
  e.metered_at !== null &&
  e.metered_at.getTime() - e.told_at.getTime() >= SETTLE_MS &&
  e.power_w > e.share_w * 1.1 + 500;
const SETTLE_MS = 60_000;
const MAX_HISTORY_MS = 31 * 86_400_000;
const SAMPLE_RETENTION_MS = 400 * 86_400_000;
/** 31 days of 5-minute steps, and the event-driven ones between. */
const MAX_HISTORY_SAMPLES = 20_000;
const CONTRACT_COLUMNS = [
  'location_id',
  'objective',
  'currency',
  'base_price_per_kwh',
  'windows',
  'demand_charge_per_kw',
  'value_per_kwh',
  'updated_at',
] as const;

/**
 * What the car still wants, Wh: what its driver said less what it has had; else, from the state of
 * charge its charger reports and its battery as the driver named it, what fills it; else unknown.
 */
function energyStillWanted(e: SiteEvse, deliveredWh: number, batteries: Map<string, number>): number {
  if (e.energy_wanted_wh !== null) return Math.max(0, e.energy_wanted_wh - deliveredWh);
  const battery = e.driver_id ? batteries.get(e.driver_id) : undefined;
  if (battery !== undefined && e.soc_percent !== null) return Math.max(0, (battery * (100 - e.soc_percent)) / 100);
  return Number.POSITIVE_INFINITY;
}

/** Why an EVSE has the share it has, for the operator's view. */
function shareReason(e: SiteEvse): EvseShare['reason'] {
  if (e.share_w === null) return 'not_told';
  if (e.session_id === null) return 'idle';
  if (ignoresLimit(e)) return 'ignores_limit';
  return e.energy_wanted_wh !== null || e.departure_at !== null ? 'planned' : 'shared_alike';
}

interface SiteEvse {
  id: string;
  evse_id: string | null;
  identity: string;
  charge_point_id: string;
  ocpp_connector_id: number | null;
  session_id: string | null;
  started_at: Date | null;
  departure_at: Date | null;
  energy_wanted_wh: number | null;
  flexible: boolean | null;
  driver_id: string | null;
  soc_percent: number | null;
  meter_start_wh: number | null;
  meter_last_wh: number | null;
  power_w: number | null;
  share_w: number | null;
  told_at: Date | null;
  metered_at: Date | null;
  planned_wh: number | null;
  planned_by: Date | null;
  max_power_w: number | null;
  power_type: string | null;
}

/** What an idle EVSE keeps of a site limit, so a car plugged in can start: 6 A on one phase. */
export const IDLE_RESERVE_W = 1_380;

/**
 * Each EVSE's share of a site limit (dynamic load balancing): the EVSEs charging share what the
 * idle ones do not hold back, an idle one keeping enough to start a car; with all or none
 * charging, an even split. The shares never add up to more than the limit.
 */
export function siteShares(limitW: number, charging: boolean[]): number[] {
  const even = charging.length ? Math.floor(limitW / charging.length) : 0;
  const busy = charging.filter(Boolean).length;
  if (busy === 0 || busy === charging.length) return charging.map(() => even);
  const idleShare = Math.min(even, IDLE_RESERVE_W);
  const busyShare = Math.floor((limitW - idleShare * (charging.length - busy)) / busy);
  return charging.map((c) => (c ? busyShare : idleShare));
}

/**
 * Site power limits. A network caps a site, or the utility it names as the site's grid operator
 * pushes a cap (a grid signal); the lowest limit in force wins and is shared over the site's
 * EVSEs (see `siteShares`) as a power limit per EVSE, again whenever a session starts or ends
 * there. Limits that start or end later are applied by jobs at those times; a charger that was
 * offline is told when it reconnects.
 */
export class SiteLimitsService {
  /** The pass under way per site (`tenant/location`), which the next one waits for. */
  private readonly applying = new Map<string, Promise<unknown>>();

  constructor(
    private readonly scopes: Scopes,
    private readonly commands: CommandRouter,
    private readonly logger: Logger,
    private readonly locations: LocationsService,
    private readonly drivers: Pick<DriversService, 'batteryCapacitiesWh'>,
    private readonly supply: Pick<SustainabilityService, 'cleanSupply'>,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register('site-limit.apply', async (p: { location_id: string }, ctx) => {
      if (!ctx.tenantId) throw new Error('site-limit.apply needs a tenant');
      await this.apply(ctx.tenantId, p.location_id);
    });
  }

  /** The network names (or un-names) a utility partner as a site's grid operator. */
  async setGridOperator(tenantId: string, locationId: string, partnerId: string | null): Promise<void> {
    if (partnerId !== null) {
      const partner = await this.scopes.system((tx) => tx.selectFrom('partners').select('kind').where('id', '=', partnerId).executeTakeFirst());
      if (partner?.kind !== 'utility') throw fail.invalid([{ field: 'partner_id', message: 'is not a utility partner' }]);
    }
    if (!(await this.locations.setGridOperator(tenantId, locationId, partnerId))) throw fail.notFound('location', locationId);
  }

  /** A network's own limit on one of its sites; applied at once when in force. */
  async setByNetwork(tenantId: string, locationId: string, input: PowerLimitInput, now = new Date()): Promise<SitePowerState> {
    await this.scopes.tenant(tenantId, async (tx) => {
      await this.activeLocation(tx, tenantId, locationId);
      await this.insert(tx, tenantId, locationId, input, null, now);
    });
    return this.apply(tenantId, locationId, now);
  }

  /** A grid signal from a utility: only for sites whose network named it grid operator. */
  async setByGridOperator(partnerId: string, input: GridSignalInput, now = new Date()): Promise<SitePowerState> {
    // The one cross-tenant read here: which network's site is this, and is the caller its grid operator?
    const site = await this.scopes.system((tx) =>
      tx
        .selectFrom('locations')
        .select('tenant_id')
        .where('id', '=', input.location_id)
        .where('grid_operator_id', '=', partnerId)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst(),
    );
    if (!site) throw fail.notFound('site you are grid operator of', input.location_id);
    await this.scopes.tenant(site.tenant_id, (tx) => this.insert(tx, site.tenant_id, input.location_id, input, partnerId, now));
    return this.apply(site.tenant_id, input.location_id, now);
  }

  /** Ends a limit now (a network may end any on its sites; a utility only its own). */
  async end(tenantId: string, limitId: string, now = new Date()): Promise<SitePowerState> {
    const limit = await this.scopes.tenant(tenantId, async (tx) => {
      // One that has not started yet is simply withdrawn.
      const withdrawn = await tx
        .deleteFrom('site_power_limits')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', limitId)
        .where('starts_at', '>=', now)
        .returning(['location_id'])
        .executeTakeFirst();
      return (
        withdrawn ??
        tx
          .updateTable('site_power_limits')
          .set({ ends_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', limitId)
          .where(notEnded('ends_at', now))
          .returning(['location_id'])
          .executeTakeFirst()
      );
    });
    if (!limit) throw fail.notFound('limit in force or ahead', limitId);
    return this.apply(tenantId, limit.location_id, now);
  }

  /** The network's view of a site's limits: in force and ahead, and what its chargers run now. */
  async state(tenantId: string, locationId: string, now = new Date()): Promise<SitePowerView> {
    return this.scopes.tenant(tenantId, async (tx) => {
      await this.activeLocation(tx, tenantId, locationId);
      const limits = await this.current(tx, tenantId, locationId, now);
      const evses = await this.siteEvses(tx, tenantId, locationId);
      const shares: EvseShare[] = evses.map((e) => ({
        evse_uid: e.id,
        evse_id: e.evse_id,
        charge_point_id: e.charge_point_id,
        charger_identity: e.identity,
        share_w: e.share_w,
        measured_w: e.session_id !== null ? e.power_w : null,
        planned_wh: e.planned_wh,
        planned_by: e.planned_by,
        reason: shareReason(e),
      }));
      const measured = shares.reduce((sum, x) => sum + (x.measured_w ?? 0), 0);
      return { location_id: locationId, max_power_w: limitInForce(limits, now), limits, shares, measured_w: measured };
    });
  }

  /** Every limit of the network's sites in force or ahead, soonest first. */
  /** A utility's peak events (grid-signalled limits) at these sites overlapping [from, to): what dynamic prices surcharge. */
  async gridEvents(tenantId: string, locationIds: string[], from: Date, to: Date): Promise<{ location_id: string; starts_at: Date; ends_at: Date | null }[]> {
    if (locationIds.length === 0) return [];
    return this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('site_power_limits')
        .select(['location_id', 'starts_at', 'ends_at'])
        .where('tenant_id', '=', tenantId)
        .where('location_id', 'in', locationIds)
        .where('source', '=', 'grid')
        .where('starts_at', '<', to)
        .where(notEnded('ends_at', from))
        .execute(),
    );
  }

  async listForNetwork(tenantId: string, now = new Date()): Promise<NetworkPowerLimit[]> {
    const rows = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('site_power_limits as l')
        .innerJoin('locations', (j) => j.onRef('locations.tenant_id', '=', 'l.tenant_id').onRef('locations.id', '=', 'l.location_id'))
        .select(LIMIT_COLUMNS.map((c) => `l.${c}` as const))
        .select('locations.name as location_name')
        .where('l.tenant_id', '=', tenantId)
        .where(notEnded('l.ends_at', now))
        .orderBy('l.starts_at')
        .orderBy('l.id')
        .execute(),
    );
    return rows.map((r) => ({ ...r, in_force: limitInForce([r], now) !== null }));
  }

  /** Which network a grid-signal limit belongs to, for its utility (404 when it is not theirs). */
  async networkOfGridLimit(partnerId: string, limitId: string): Promise<string> {
    const row = await this.scopes.system((tx) =>
      tx.selectFrom('site_power_limits').select('tenant_id').where('id', '=', limitId).where('partner_id', '=', partnerId).executeTakeFirst(),
    );
    if (!row) throw fail.notFound('limit', limitId);
    return row.tenant_id;
  }

  /**
   * Tells every charger at the site its EVSEs' share of the limit in force now (or lifts it).
   * Chargers that do not answer are told again when they reconnect.
   */
  apply(tenantId: string, locationId: string, now?: Date): Promise<SitePowerState> {
    // One site at a time, whoever asks (API, jobs, reconnects, sessions), so the lower-before-raise
    // order of one pass is not interleaved with another's.
    const key = `${tenantId}/${locationId}`;
    const next = (this.applying.get(key) ?? Promise.resolve()).catch(() => {}).then(() => this.applyNow(tenantId, locationId, now ?? new Date()));
    this.applying.set(key, next);
    const forget = () => {
      if (this.applying.get(key) === next) this.applying.delete(key);
    };
    next.then(forget, forget);
    return next;
  }

  private async applyNow(tenantId: string, locationId: string, now: Date): Promise<SitePowerState> {
    const { limits, evses, site } = await this.scopes.tenant(tenantId, async (tx) => ({
      limits: await this.current(tx, tenantId, locationId, now),
      evses: await this.siteEvses(tx, tenantId, locationId),
      site: await this.energySite(tx, tenantId, locationId, now),
    }));
    const limitW = limitInForce(limits, now);
    const stayMs = limitW === null || !evses.some((e) => e.session_id !== null) ? DEFAULT_STAY_MS : await this.typicalStayMs(tenantId, locationId, now);
    const objective = limitW !== null && evses.some((e) => e.session_id !== null) ? await this.objectivePlanner(tenantId, locationId, site, now) : undefined;
    const batteries =
      limitW === null ? new Map<string, number>() : await this.drivers.batteryCapacitiesWh(evses.flatMap((e) => (e.driver_id ? [e.driver_id] : [])));
    const planned = limitW === null ? null : this.plan(limitW, evses, now, stayMs, batteries, objective);
    const rogue = planned?.rogue ?? [];
    if (rogue.length) {
      await this.scopes.tenant(tenantId, async (tx) => {
        for (const e of rogue) {
          const info = `Drew ${e.power_w} W with a limit of ${e.share_w} W; the site's other chargers were reduced to stay under the cap.`;
          const flagged = await recordPlatformFault(tx, {
            tenantId,
            chargePointId: e.charge_point_id,
            connectorId: e.ocpp_connector_id ?? 0,
            code: 'PowerLimitIgnored',
            info,
            at: now,
          });
          if (flagged)
            this.logger.warn({ evse_uid: e.id, charge_point_id: e.charge_point_id, power_w: e.power_w, limit_w: e.share_w }, 'charger ignores its power limit');
        }
      });
    }
    const shares = planned?.shares ?? null;
    const plan = evses.map((evse, i) => ({ evse, share: shares ? (shares[i] as number) : null }));
    // Lower before raising, so the site stays within its limit while chargers are told in turn.
    // An EVSE whose last share is not known is told first, as if lowered.
    const raises = ({ evse, share }: (typeof plan)[number]) => evse.told_at !== null && (share === null || (evse.share_w !== null && share > evse.share_w));
    plan.sort((x, y) => Number(raises(x)) - Number(raises(y)));
    const applied: LimitApplication[] = [];
    for (const { evse, share } of plan) {
      const command: ChargerCommand =
        share === null
          ? { kind: 'clearPowerLimit', limitId: SITE_LIMIT_PROFILE_ID }
          : { kind: 'limitPower', connector: evse.ocpp_connector_id ?? 0, maxPowerW: share, limitId: SITE_LIMIT_PROFILE_ID, from: now.toISOString() };
      const result = await this.tell(evse.identity, command);
      await this.remember(tenantId, evse.id, result === 'Accepted' ? share : 'unknown', planned?.plans.get(evse.id));
      applied.push({ charge_point_id: evse.charge_point_id, evse_uid: evse.id, max_power_w: share, result });
    }
    // While cars charge under a limit, the site is planned again every few minutes (their needs change as they fill).
    if (limitW !== null && evses.some((e) => e.session_id !== null)) {
      const sample = {
        cap_w: limitW,
        planned_w: evses.reduce((sum, e, i) => sum + (e.session_id !== null ? (shares?.[i] ?? 0) : 0), 0),
        measured_w: evses.reduce((sum, e) => sum + (e.session_id !== null ? (e.power_w ?? 0) : 0), 0),
      };
      await this.scopes.tenant(tenantId, async (tx) => {
        await tx
          .insertInto('site_power_samples')
          .values({ tenant_id: tenantId, location_id: locationId, at: now, ...sample })
          .onConflict((oc) => oc.columns(['tenant_id', 'location_id', 'at']).doUpdateSet(sample))
          .execute();
        // Kept for a year and a month: this month's peak, last year's same month, and the chart.
        await tx
          .deleteFrom('site_power_samples')
          .where('tenant_id', '=', tenantId)
          .where('location_id', '=', locationId)
          .where('at', '<', new Date(now.getTime() - SAMPLE_RETENTION_MS))
          .execute();
        await scheduleJob(tx, {
          kind: 'site-limit.apply',
          key: `site-limit.replan:${tenantId}:${locationId}`,
          tenantId,
          runAt: new Date(now.getTime() + REPLAN_MS),
          payload: { location_id: locationId },
        });
      });
    }
    this.logger.info({ location_id: locationId, max_power_w: limitW, evses: evses.length }, 'site power limit applied');
    return { location_id: locationId, max_power_w: limitW, limits, applied };
  }

  /**
   * How long cars usually stay at the site: the median of its sessions of the last 30 days (at
   * least 10 of them), else 4 hours.
   */
  private async typicalStayMs(tenantId: string, locationId: string, now: Date): Promise<number> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('charging_sessions as s')
        .innerJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 's.tenant_id').onRef('evses.id', '=', 's.evse_uid'))
        .select([
          sql<number>`count(*)`.as('n'),
          sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from (s.stopped_at - s.started_at)))`.as('median_s'),
        ])
        .where('s.tenant_id', '=', tenantId)
        .where('evses.location_id', '=', locationId)
        .where('s.status', '=', 'COMPLETED')
        .where('s.stopped_at', '>', new Date(now.getTime() - 30 * 86_400_000))
        .executeTakeFirst(),
    );
    return row && Number(row.n) >= MIN_HISTORY && row.median_s !== null ? Math.max(REPLAN_MS, Number(row.median_s) * 1000) : DEFAULT_STAY_MS;
  }

  /** The site's EVSEs with what they were told, their car's session (if any) and their power facts. */
  private siteEvses(tx: Tx, tenantId: string, locationId: string) {
    return tx
      .selectFrom('evses')
      .innerJoin('charge_points', (j) => j.onRef('charge_points.tenant_id', '=', 'evses.tenant_id').onRef('charge_points.id', '=', 'evses.charge_point_id'))
      .leftJoin('evse_power_shares as told', (j) => j.onRef('told.tenant_id', '=', 'evses.tenant_id').onRef('told.evse_uid', '=', 'evses.id'))
      .leftJoin('charging_sessions as live', (j) =>
        j.onRef('live.tenant_id', '=', 'evses.tenant_id').onRef('live.evse_uid', '=', 'evses.id').on('live.status', '=', 'ACTIVE'),
      )
      .select([
        'evses.id',
        'evses.evse_id',
        'evses.ocpp_connector_id',
        'charge_points.id as charge_point_id',
        'charge_points.identity',
        'told.share_w',
        'told.told_at',
        'told.planned_wh',
        'told.planned_by',
      ])
      .select([
        'live.id as session_id',
        'live.started_at',
        'live.departure_at',
        'live.energy_wanted_wh',
        'live.flexible',
        'live.driver_id',
        'live.soc_percent',
        'live.meter_start_wh',
        'live.meter_last_wh',
        'live.power_w',
        'live.updated_at as metered_at',
      ])
      .select((eb) => [
        eb
          .selectFrom('connectors')
          .select((c) => c.fn.max('connectors.max_electric_power').as('w'))
          .whereRef('connectors.tenant_id', '=', 'evses.tenant_id')
          .whereRef('connectors.evse_id', '=', 'evses.id')
          .as('max_power_w'),
        eb
          .selectFrom('connectors')
          .select((c) => c.fn.max('connectors.power_type').as('t'))
          .whereRef('connectors.tenant_id', '=', 'evses.tenant_id')
          .whereRef('connectors.evse_id', '=', 'evses.id')
          .as('power_type'),
      ])
      .where('evses.tenant_id', '=', tenantId)
      .where('evses.location_id', '=', locationId)
      .where('evses.status', '<>', 'REMOVED')
      .where('charge_points.status', '=', 'ACTIVE')
      .orderBy('evses.id')
      .execute();
  }

  /**
   * Each EVSE's share: idle ones keep enough to start a car (`siteShares`); what the charging ones
   * share goes by the optimiser, from what each driver wants and when they leave. A car drawing
   * well below its last share is planned at what it draws, so the rest goes to the others.
   */
  private plan(
    limitW: number,
    evses: SiteEvse[],
    now: Date,
    stayMs: number,
    batteries: Map<string, number>,
    objective?: ObjectivePlanner,
  ): { shares: number[]; plans: Map<string, { wh: number; by: Date }>; rogue: SiteEvse[] } {
    const even = siteShares(
      limitW,
      evses.map((e) => e.session_id !== null),
    );
    const live = evses.map((e, i) => ({ e, i })).filter(({ e }) => e.session_id !== null);
    if (live.length === 0) return { shares: even, plans: new Map(), rogue: [] };
    // A charger drawing well over what it was told does not follow its limit: it is planned at what
    // it draws (it keeps being told its share) and the others share what is left.
    const rogue = live.filter(({ e }) => ignoresLimit(e));
    const charging = live.filter(({ e }) => !ignoresLimit(e));
    const budget = Math.max(0, live.reduce((sum, { i }) => sum + (even[i] as number), 0) - rogue.reduce((sum, { e }) => sum + (e.power_w as number), 0));
    const needs: ChargingNeed[] = charging.map(({ e }) => {
      const deliveredWh = Number(e.meter_last_wh ?? 0) - Number(e.meter_start_wh ?? 0);
      const evseMax = Number(e.max_power_w ?? DEFAULT_EVSE_MAX_W);
      const drawsLittle = e.power_w !== null && e.share_w !== null && e.power_w < UNDERUSE * e.share_w;
      return {
        id: e.id,
        remainingWh: energyStillWanted(e, deliveredWh, batteries),
        maxPowerW: drawsLittle ? Math.min(evseMax, Math.max(minimumPowerW(e.power_type), (e.power_w as number) * 1.2)) : evseMax,
        minPowerW: minimumPowerW(e.power_type),
        // Unsaid: the site's typical stay; a car already past it is expected to leave within the step after next.
        departureMs: e.departure_at?.getTime() ?? Math.max((e.started_at ?? now).getTime() + stayMs, now.getTime() + 2 * REPLAN_MS),
        flexible: e.flexible ?? false,
      };
    });
    const input = { nowMs: now.getTime(), stepMs: REPLAN_MS, capW: budget, needs };
    const planned = objective ? this.byObjectiveOrMostEnergy(input, objective) : planSite(input);
    const allocations = new Map(planned.map((a) => [a.id, a]));
    const plans = new Map(needs.map((n) => [n.id, { wh: allocations.get(n.id)?.plannedWh ?? 0, by: new Date(n.departureMs) }]));
    const rogueShare = new Map(rogue.map(({ e }) => [e.id, e.share_w as number]));
    return {
      shares: evses.map((e, i) => rogueShare.get(e.id) ?? (e.session_id !== null ? Math.floor(allocations.get(e.id)?.powerW ?? 0) : (even[i] as number))),
      plans,
      rogue: rogue.map(({ e }) => e),
    };
  }

  /** Sets a site's energy contract (and so its planning objective); the site is planned again at once. */
  async setEnergyContract(tenantId: string, locationId: string, input: EnergyContractInput, now = new Date()): Promise<EnergyContract> {
    const contract = checkContract(input);
    const row = await this.scopes.tenant(tenantId, async (tx) => {
      await this.activeLocation(tx, tenantId, locationId);
      const values = { ...contract, windows: JSON.stringify(contract.windows), updated_at: now };
      return tx
        .insertInto('site_energy_contracts')
        .values({ tenant_id: tenantId, location_id: locationId, ...values })
        .onConflict((oc) => oc.columns(['tenant_id', 'location_id']).doUpdateSet(values))
        .returning(CONTRACT_COLUMNS)
        .executeTakeFirstOrThrow();
    });
    await this.apply(tenantId, locationId, now);
    return row;
  }

  async energyContract(tenantId: string, locationId: string): Promise<EnergyContract> {
    const row = await this.scopes.tenant(tenantId, (tx) => this.contractOf(tx, tenantId, locationId));
    if (!row) throw fail.notFound('energy contract', locationId);
    return row;
  }

  /** Removes a site's contract: it is planned for the most energy again. */
  async removeEnergyContract(tenantId: string, locationId: string, now = new Date()): Promise<void> {
    const removed = await this.scopes.tenant(tenantId, (tx) =>
      tx.deleteFrom('site_energy_contracts').where('tenant_id', '=', tenantId).where('location_id', '=', locationId).executeTakeFirst(),
    );
    if (Number(removed.numDeletedRows) === 0) throw fail.notFound('energy contract', locationId);
    await this.apply(tenantId, locationId, now);
  }

  /** The site's cap, plan and measured draw at each planning step in [from, to), and the month's peak. */
  async powerHistory(tenantId: string, locationId: string, from: Date, to: Date, now = new Date()): Promise<SitePowerHistory> {
    if (to <= from) throw fail.invalid([{ field: 'to', message: 'must be after from' }]);
    if (to.getTime() - from.getTime() > MAX_HISTORY_MS) throw fail.invalid([{ field: 'from', message: 'the range may cover 31 days at most' }]);
    return this.scopes.tenant(tenantId, async (tx) => {
      const site = await this.energySite(tx, tenantId, locationId, now);
      const samples = await tx
        .selectFrom('site_power_samples')
        .select(['at', 'cap_w', 'planned_w', 'measured_w'])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('at', '>=', from)
        .where('at', '<', to)
        .orderBy('at')
        .limit(MAX_HISTORY_SAMPLES)
        .execute();
      return { location_id: locationId, samples, peak_this_month_w: site.peakW };
    });
  }

  /** The site's time zone, contract and highest measured draw this calendar month. */
  private async energySite(tx: Tx, tenantId: string, locationId: string, now: Date) {
    const location = await tx.selectFrom('locations').select('time_zone').where('tenant_id', '=', tenantId).where('id', '=', locationId).executeTakeFirst();
    if (!location) throw fail.notFound('location', locationId);
    const { time_zone } = location;
    const month = billingMonth(now, time_zone);
    const [contract, peak] = await Promise.all([
      this.contractOf(tx, tenantId, locationId),
      tx
        .selectFrom('site_power_samples')
        .select((eb) => eb.fn.max('measured_w').as('w'))
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('at', '>=', month.start)
        .executeTakeFirst(),
    ]);
    return { time_zone, contract, peakW: Number(peak?.w ?? 0) };
  }

  private contractOf(tx: Tx, tenantId: string, locationId: string): Promise<EnergyContract | undefined> {
    return tx
      .selectFrom('site_energy_contracts')
      .select(CONTRACT_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', locationId)
      .executeTakeFirst();
  }

  /** The least-cost plan; should the solver fail, the site still gets the most-energy plan (and the failure is logged). */
  /**
   * The site's objective other than most energy, with what it needs over the planning horizon
   * (a day ahead; a car staying longer is planned at the last figures): the contract's prices,
   * the grid's carbon intensity and the site's PV. Unavailable figures fall back to most energy.
   */
  private async objectivePlanner(
    tenantId: string,
    locationId: string,
    site: Awaited<ReturnType<SiteLimitsService['energySite']>>,
    now: Date,
  ): Promise<ObjectivePlanner | undefined> {
    const contract = site.contract;
    if (!contract || contract.objective === 'most_energy') return undefined;
    try {
      const supply = await this.supply.cleanSupply(tenantId, locationId, now, now.getTime() + SUPPLY_HORIZON_MS);
      return { highs: await lpSolver(), costs: (untilMs) => objectiveCosts(contract, supply, now, untilMs, site.time_zone, site.peakW) };
    } catch (error) {
      this.logger.warn({ err: error, location_id: locationId }, 'site energy figures unavailable; planned for the most energy');
      return undefined;
    }
  }

  private byObjectiveOrMostEnergy(input: SitePlanInput, objective: ObjectivePlanner): Allocation[] {
    try {
      const { costs, delayCostPerKwhH } = objective.costs(Math.max(...input.needs.map((n) => n.departureMs), input.nowMs));
      return planSiteAtLeastCost({ ...input, costs }, objective.highs, delayCostPerKwhH === undefined ? {} : { delayCostPerKwhH });
    } catch (error) {
      this.logger.warn({ err: error }, 'objective plan failed; planned for the most energy');
      return planSite(input);
    }
  }

  /** A session's share of its site's power and what the plan gives it by its departure (null: no limit there). */
  async planFor(tenantId: string, evseUid: string | null): Promise<SessionPlan> {
    if (!evseUid) return { limited: false, power_w: null, planned_wh: null, by: null };
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('evse_power_shares')
        .select(['share_w', 'planned_wh', 'planned_by'])
        .where('tenant_id', '=', tenantId)
        .where('evse_uid', '=', evseUid)
        .executeTakeFirst(),
    );
    if (!row || row.share_w === null) return { limited: false, power_w: null, planned_wh: null, by: null };
    return { limited: true, power_w: row.share_w, planned_wh: row.planned_wh, by: row.planned_by };
  }

  /**
   * A session started or ended at a charger: its site's limit is shared anew, if one is in force.
   * Runs after the charger's message is answered (it may not take our call before).
   */
  sessionChanged(tenantId: string, chargePointId: string): void {
    const work = async () => {
      const locationId = await this.limitedSiteOf(tenantId, chargePointId, new Date());
      if (locationId) await this.apply(tenantId, locationId);
    };
    setImmediate(() => work().catch((error: unknown) => this.logger.error({ err: error, charge_point_id: chargePointId }, 'site limit rebalancing failed')));
  }

  /** Waits for rebalancing under way (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.applying.size) await Promise.allSettled([...this.applying.values()]);
  }

  /** A charger came back: it gets its site's limit again (it may have missed a change, a lift included). */
  async chargerReconnected(tenantId: string, chargePointId: string): Promise<void> {
    const locationId = await this.limitedSiteOf(tenantId, chargePointId);
    if (locationId) await this.apply(tenantId, locationId);
  }

  /** The charger's site if it has limits (in force at `inForceAt`, when given), else undefined. */
  private async limitedSiteOf(tenantId: string, chargePointId: string, inForceAt?: Date): Promise<string | undefined> {
    const site = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('charge_points')
        .innerJoin('site_power_limits', (j) =>
          j.onRef('site_power_limits.tenant_id', '=', 'charge_points.tenant_id').onRef('site_power_limits.location_id', '=', 'charge_points.location_id'),
        )
        .select('charge_points.location_id')
        .where('charge_points.tenant_id', '=', tenantId)
        .where('charge_points.id', '=', chargePointId)
        .$if(inForceAt !== undefined, (q) =>
          q.where('site_power_limits.starts_at', '<=', inForceAt as Date).where(notEnded('site_power_limits.ends_at', inForceAt as Date)),
        )
        .executeTakeFirst(),
    );
    return site?.location_id ?? undefined;
  }

  /** Keeps what an EVSE accepted (null: no cap), or forgets it when its answer leaves that unknown. */
  private async remember(tenantId: string, evseUid: string, share: number | null | 'unknown', plan?: { wh: number; by: Date }): Promise<void> {
    await this.scopes.tenant(tenantId, async (tx) => {
      if (share === 'unknown') await tx.deleteFrom('evse_power_shares').where('tenant_id', '=', tenantId).where('evse_uid', '=', evseUid).execute();
      else {
        const values = { share_w: share, told_at: new Date(), planned_wh: plan?.wh ?? null, planned_by: plan?.by ?? null };
        await tx
          .insertInto('evse_power_shares')
          .values({ tenant_id: tenantId, evse_uid: evseUid, ...values })
          // `told_at` is when the share last changed: a charger keeping an unchanged share has had it since then.
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'evse_uid']).doUpdateSet({
              ...values,
              told_at: sql<Date>`case when evse_power_shares.share_w is distinct from excluded.share_w then excluded.told_at else evse_power_shares.told_at end`,
            }),
          )
          .execute();
      }
    });
  }

  private async tell(identity: string, command: ChargerCommand): Promise<string> {
    try {
      return (await this.commands.send(identity, command, COMMAND_TIMEOUT_MS)).status;
    } catch (error) {
      if (error instanceof ChargePointOffline) return 'offline';
      if (error instanceof ChargePointTimeout) return 'timeout';
      this.logger.warn({ err: error, identity, command: command.kind }, 'site limit not applied');
      return 'error';
    }
  }

  /** The site, if it is one of the network's active locations; its time zone is the contract's clock. */
  private async activeLocation(tx: Tx, tenantId: string, locationId: string): Promise<{ time_zone: string }> {
    const found = await tx
      .selectFrom('locations')
      .select('time_zone')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', locationId)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirst();
    if (!found) throw fail.notFound('location', locationId);
    return found;
  }

  private current(tx: Tx, tenantId: string, locationId: string, now: Date): Promise<PowerLimit[]> {
    return tx
      .selectFrom('site_power_limits')
      .select(LIMIT_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', locationId)
      .where(notEnded('ends_at', now))
      .orderBy('starts_at')
      .orderBy('id')
      .execute();
  }

  private async insert(tx: Tx, tenantId: string, locationId: string, input: PowerLimitInput, partnerId: string | null, now: Date): Promise<void> {
    const startsAt = input.starts_at ?? now;
    const endsAt = input.ends_at ?? null;
    const errors: DomainFieldError[] = [];
    if (startsAt.getTime() - now.getTime() > MAX_AHEAD_MS) errors.push({ field: 'starts_at', message: 'must be within a year' });
    if (endsAt && endsAt <= startsAt) errors.push({ field: 'ends_at', message: 'must be after starts_at' });
    if (endsAt && endsAt <= now) errors.push({ field: 'ends_at', message: 'must be in the future' });
    if (errors.length) throw fail.invalid(errors);
    await tx
      .insertInto('site_power_limits')
      .values({
        tenant_id: tenantId,
        id: newId('lim'),
        location_id: locationId,
        max_power_w: input.max_power_w,
        source: partnerId ? 'grid' : 'network',
        partner_id: partnerId,
        starts_at: startsAt,
        ends_at: endsAt,
      })
      .execute();
    // The site's chargers change when a limit starts or ends later.
    for (const at of [startsAt, endsAt]) {
      if (at && at > now) await scheduleJob(tx, { kind: 'site-limit.apply', tenantId, runAt: at, payload: { location_id: locationId }, maxAttempts: 5 });
    }
  }
}
