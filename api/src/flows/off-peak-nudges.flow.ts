import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Scopes } from '../db/tenancy.js';
import type { ForecastingService } from '../forecasting/forecasting.service.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import { recordDriverEvent } from '../notifications/outbox.js';
import { localClock } from '../shared/local-time.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NUDGE_JOB = 'guidance.nudges';
/** A usual hour is busy when no EVSE is likely free, and a hour is quieter when one very likely is. */
const BUSY_CHANCE = 0.5;
const QUIET_CHANCE = 0.2;
/** How far from their usual hour a quieter one is offered. */
const WINDOW_H = 3;
/** A usual station: at least this many of the driver's sessions of the last eight weeks, at the same hour of day. */
const USUAL_SESSIONS = 3;

/**
 * Off-peak nudges, for drivers who asked for them: an hour or two before their usual arrival at
 * their usual station, when that hour is forecast busy and a quieter one is within three hours,
 * a push says so — at most one a day. Reads the drivers' sessions and settings, the stations'
 * trained forecasts (forecasting), and writes through the notifications outbox.
 */
export class OffPeakNudgesFlow {
  constructor(
    private readonly scopes: Scopes,
    private readonly forecasting: ForecastingService,
    private readonly logger: Logger,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register(NUDGE_JOB, async (_payload, { now }) => {
      await this.run(now);
      await this.schedule(new Date(now.getTime() + HOUR));
    });
  }

  /** The next hourly round (at the top of the hour), once. */
  schedule(after = new Date()): Promise<void> {
    const next = new Date(Math.ceil(after.getTime() / HOUR) * HOUR);
    return this.scopes.system((tx) => scheduleJob(tx, { kind: NUDGE_JOB, key: NUDGE_JOB, runAt: next }));
  }

  /** One round: who gets a nudge now. Returns the drivers nudged. */
  async run(now = new Date(), onlyDriverIds?: string[]): Promise<string[]> {
    // Drivers who consented, with their usual station and hour (cross-network: drivers are platform-wide).
    const usual = await this.scopes.system((tx) =>
      tx
        .selectFrom('drivers as d')
        .innerJoin('charging_sessions as s', 's.driver_id', 'd.user_id')
        .innerJoin('charge_points as cp', (j) => j.onRef('cp.tenant_id', '=', 's.tenant_id').onRef('cp.id', '=', 's.charge_point_id'))
        .innerJoin('locations as l', (j) => j.onRef('l.tenant_id', '=', 'cp.tenant_id').onRef('l.id', '=', 'cp.location_id'))
        .select(['d.user_id as driver_id', 's.tenant_id', 'cp.location_id', 'l.time_zone', 's.started_at'])
        .where(sql<boolean>`coalesce((d.preferences -> 'notifications' ->> 'off_peak_nudges')::boolean, false)`)
        .$if(onlyDriverIds !== undefined, (q) => q.where('d.user_id', 'in', onlyDriverIds as string[]))
        .where('s.started_at', '>', new Date(now.getTime() - 56 * DAY))
        .execute(),
    );
    const habits = new Map<string, { driverId: string; tenantId: string; locationId: string; hour: number; count: number }>();
    for (const u of usual) {
      const hour = Math.floor(localClock(u.started_at, u.time_zone).minutes / 60);
      const key = `${u.driver_id}|${u.tenant_id}|${u.location_id}|${hour}`;
      const h = habits.get(key) ?? { driverId: u.driver_id, tenantId: u.tenant_id, locationId: u.location_id, hour, count: 0 };
      h.count += 1;
      habits.set(key, h);
    }
    // Each driver's most frequent (station, hour).
    const best = new Map<string, { driverId: string; tenantId: string; locationId: string; hour: number; count: number }>();
    for (const h of habits.values()) if (h.count >= USUAL_SESSIONS && (best.get(h.driverId)?.count ?? 0) < h.count) best.set(h.driverId, h);
    const nudged: string[] = [];
    for (const h of best.values()) {
      const forecast = await this.forecasting.forecast(h.tenantId, h.locationId, now);
      const zone = forecast.time_zone;
      const localHour = (at: Date) => Math.floor(localClock(at, zone).minutes / 60);
      // Their usual hour, one or two hours from now (today).
      const usualHour = forecast.hours.find(
        (x) => localHour(x.starts_at) === h.hour && x.starts_at.getTime() - now.getTime() >= HOUR && x.starts_at.getTime() - now.getTime() <= 2 * HOUR,
      );
      if (!usualHour || usualHour.chance_none_free < BUSY_CHANCE) continue;
      const quieter = forecast.hours
        .filter(
          (x) => Math.abs(x.starts_at.getTime() - usualHour.starts_at.getTime()) <= WINDOW_H * HOUR && x.starts_at > now && x.chance_none_free <= QUIET_CHANCE,
        )
        .sort(
          (a, b) =>
            a.chance_none_free - b.chance_none_free ||
            Math.abs(a.starts_at.getTime() - usualHour.starts_at.getTime()) - Math.abs(b.starts_at.getTime() - usualHour.starts_at.getTime()),
        )[0];
      if (!quieter) continue;
      // At most one a day, whatever the network (so read across networks).
      const today = await this.scopes.system((tx) =>
        tx
          .selectFrom('notification_outbox')
          .select('id')
          .where('driver_id', '=', h.driverId)
          .where('template', '=', 'guidance.nudge')
          .where('created_at', '>', new Date(now.getTime() - DAY))
          .executeTakeFirst(),
      );
      if (today) continue;
      const sent = await this.scopes.tenant(h.tenantId, async (tx) => {
        await recordDriverEvent(
          tx,
          h.tenantId,
          'guidance.nudge',
          h.driverId,
          {
            location_id: h.locationId,
            busy_from: usualHour.starts_at.toISOString(),
            quieter_from: quieter.starts_at.toISOString(),
            chance_none_free: usualHour.chance_none_free,
          },
          now,
        );
        return true;
      });
      if (sent) nudged.push(h.driverId);
    }
    if (nudged.length) this.logger.info({ drivers: nudged.length }, 'off-peak nudges sent');
    return nudged;
  }
}
