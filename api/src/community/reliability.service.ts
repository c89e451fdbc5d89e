import { sql } from 'kysely';
import { sessionWorkedSql } from '../charging/session-outcome.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob, scheduleJobs } from '../jobs/job-runner.js';
import type { LocationDetail } from '../locations/locations.model.js';
import type { LocationsService } from '../locations/locations.service.js';
import { writeThenPublish } from '../realtime/after-commit.js';
import type { EventBus } from '../realtime/events.js';
import type { UptimeService } from '../uptime/uptime.service.js';
import type { EvseReliability, ReliabilityView } from './community.model.js';
import { RELIABILITY_WINDOW_DAYS, type Reliability, reliabilityScore } from './reliability.js';

const JOB = 'community.reliability';
const NIGHTLY_JOB = 'community.reliability-nightly';
const DAY_MS = 86_400_000;
/** A session's end moves its station's score within this time (once, however many end). */
const AFTER_SESSION_MS = 5 * 60_000;

/**
 * Keeps each station's and EVSE's reliability score current: gathers the evidence (sessions and
 * their outcomes, visible check-ins, uptime by the NEVI formula), scores it with
 * `reliabilityScore`, stores it, and hands the station's figure to locations for discovery.
 */
export class ReliabilityService {
  constructor(
    private readonly scopes: Scopes,
    private readonly bus: EventBus,
    private readonly locations: LocationsService,
    private readonly uptime: UptimeService,
  ) {}

  /** In the caller's transaction: the station is scored again now (a new check-in, an edit, a moderator's action). */
  scheduleFor(tx: Tx, tenantId: string, locationId: string, now: Date, delayMs = 0): Promise<void> {
    return scheduleJob(tx, {
      kind: JOB,
      key: `${JOB}:${tenantId}:${locationId}`,
      tenantId,
      runAt: new Date(now.getTime() + delayMs),
      payload: { location_id: locationId },
    });
  }

  /** In a session's transaction: its station is scored again shortly after. */
  async sessionEnded(tx: Tx, session: { tenant_id: string; evse_uid: string | null }, now = new Date()): Promise<void> {
    if (!session.evse_uid) return;
    const evse = await tx
      .selectFrom('evses')
      .select('location_id')
      .where('tenant_id', '=', session.tenant_id)
      .where('id', '=', session.evse_uid)
      .executeTakeFirst();
    if (evse) await this.scheduleFor(tx, session.tenant_id, evse.location_id, now, AFTER_SESSION_MS);
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register(JOB, async (payload: { location_id: string }, { tenantId, now }) => {
      if (tenantId) await this.compute(tenantId, payload.location_id, now);
    });
    // Evidence ages every day even when nothing happens: every active station once a night.
    jobs.register(NIGHTLY_JOB, async (_payload, { now }) => {
      await this.scopes.system(async (tx) => {
        const sites = await tx.selectFrom('locations').select(['tenant_id', 'id']).where('status', '=', 'ACTIVE').execute();
        await scheduleJobs(
          tx,
          sites.map((s) => ({ kind: JOB, key: `${JOB}:${s.tenant_id}:${s.id}`, tenantId: s.tenant_id, runAt: now, payload: { location_id: s.id } })),
        );
      });
      await this.scheduleNightly(now);
    });
  }

  /** The next nightly pass (03:00 UTC), once: at start-up and after each run. */
  scheduleNightly(now = new Date()): Promise<void> {
    const next = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + 3 * 3_600_000);
    if (next <= now) next.setTime(next.getTime() + DAY_MS);
    return this.scopes.system((tx) => scheduleJob(tx, { kind: NIGHTLY_JOB, key: NIGHTLY_JOB, runAt: next }));
  }

  /** Scores a station and each of its EVSEs from the last RELIABILITY_WINDOW_DAYS, stores the figures and shows the station's in discovery. */
  async compute(tenantId: string, locationId: string, now = new Date()): Promise<Reliability> {
    const from = new Date(now.getTime() - RELIABILITY_WINDOW_DAYS * DAY_MS);
    const uptime = await this.uptime.report(tenantId, { from, to: now }, locationId);
    return writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const evses = await tx
        .selectFrom('evses')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('availability', '<>', 'REMOVED')
        .execute();
      const uids = evses.map((e) => e.id);
      const sessions = uids.length
        ? (
            await sql<{ evse_uid: string; at: Date; ok: boolean }>`
              select evse_uid, started_at as at, ${sessionWorkedSql} as ok from charging_sessions
              where tenant_id = ${tenantId} and evse_uid = any(${uids}::text[]) and status = 'COMPLETED' and started_at >= ${from}`.execute(tx)
          ).rows
        : [];
      const checkIns = await tx
        .selectFrom('community_checkins')
        .select(['evse_uid', 'created_at as at', 'outcome'])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('status', '=', 'VISIBLE')
        .where('created_at', '>=', from)
        .execute();
      const site = reliabilityScore({
        sessions: sessions.map((s) => ({ at: new Date(s.at), ok: s.ok })),
        checkIns: checkIns.map((c) => ({ at: c.at, outcome: c.outcome })),
        uptimePercent: uptime.sites.find((s) => s.location_id === locationId)?.uptime_percent ?? null,
        now,
      });
      const rows = [{ evse_uid: '', r: site }];
      for (const uid of uids) {
        rows.push({
          evse_uid: uid,
          r: reliabilityScore({
            sessions: sessions.filter((s) => s.evse_uid === uid).map((s) => ({ at: new Date(s.at), ok: s.ok })),
            // A check-in names its EVSE only sometimes; those that do count for it.
            checkIns: checkIns.filter((c) => c.evse_uid === uid).map((c) => ({ at: c.at, outcome: c.outcome })),
            uptimePercent: uptime.ports.find((p) => p.evse_uid === uid)?.uptime_percent ?? null,
            now,
          }),
        });
      }
      await tx.deleteFrom('community_reliability').where('tenant_id', '=', tenantId).where('location_id', '=', locationId).execute();
      await tx
        .insertInto('community_reliability')
        .values(
          rows.map(({ evse_uid, r }) => ({
            tenant_id: tenantId,
            location_id: locationId,
            evse_uid,
            score: r.score,
            sessions: r.sessions,
            failed_sessions: r.failed_sessions,
            check_ins: r.check_ins,
            uptime_percent: r.uptime_percent,
            computed_at: now,
          })),
        )
        .execute();
      emit(...(await this.locations.setReliability(tx, tenantId, locationId, { ...site, computed_at: now.toISOString() })));
      return site;
    });
  }

  /** The station's stored score with its EVSEs', as the station page shows them. */
  async ofStation(tenantId: string, location: LocationDetail): Promise<ReliabilityView & { evses: EvseReliability[] }> {
    const rows = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('community_reliability').selectAll().where('tenant_id', '=', tenantId).where('location_id', '=', location.id).execute(),
    );
    const view = (r: (typeof rows)[number] | undefined): ReliabilityView => ({
      score: r?.score == null ? null : Number(r.score),
      sessions: r?.sessions ?? 0,
      failed_sessions: r?.failed_sessions ?? 0,
      check_ins: r?.check_ins ?? 0,
      uptime_percent: r?.uptime_percent == null ? null : Number(r.uptime_percent),
      window_days: RELIABILITY_WINDOW_DAYS,
      computed_at: r?.computed_at ?? null,
    });
    return {
      ...view(rows.find((r) => r.evse_uid === '')),
      evses: location.evses
        .filter((e) => e.status !== 'REMOVED')
        .map((e) => ({ evse_uid: e.uid, evse_id: e.evse_id, ...view(rows.find((r) => r.evse_uid === e.uid)) })),
    };
  }
}
