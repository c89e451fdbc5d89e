import { sql } from 'kysely';
import type { Scopes } from '../db/tenancy.js';
import { networkActivity } from './activity.js';
import type { NetworkActivity, NetworkOverview } from './overview.model.js';

const HOUR = 3_600_000;
const LIST_LIMIT = 20;

/** Figures for the operator console, aggregated in the database (one round trip per figure). */
export class OverviewService {
  constructor(private readonly scopes: Scopes) {}

  overview(tenantId: string, now = new Date()): Promise<NetworkOverview> {
    const currentHour = new Date(Math.floor(now.getTime() / HOUR) * HOUR);
    const since = new Date(currentHour.getTime() - 23 * HOUR);
    return this.scopes.tenant(tenantId, async (tx) => {
      const statuses = await tx
        .selectFrom('evses')
        .select(['availability', (eb) => eb.fn.countAll<string>().as('count')])
        .where('tenant_id', '=', tenantId)
        .where('status', '!=', 'REMOVED')
        .groupBy('availability')
        .execute();
      const points = await tx
        .selectFrom('charge_points')
        .select([(eb) => eb.fn.countAll<string>().as('total'), sql<string>`count(*) filter (where online)`.as('online')])
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirstOrThrow();
      const offline = await tx
        .selectFrom('charge_points')
        .select(['id', 'identity', 'last_seen_at'])
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'ACTIVE')
        .where('online', '=', false)
        .orderBy('last_seen_at', (ob) => ob.desc().nullsLast())
        .limit(LIST_LIMIT)
        .execute();
      const energy = sql<number>`coalesce(meter_stop_wh, meter_last_wh) - meter_start_wh`;
      const sessions = await tx
        .selectFrom('charging_sessions')
        .select([
          sql<string>`count(*) filter (where status = 'ACTIVE')`.as('active'),
          sql<string>`count(*) filter (where started_at >= ${since})`.as('started'),
          sql<string>`coalesce(sum(${energy}) filter (where stopped_at >= ${since}), 0)`.as('energy'),
        ])
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      const { rows: hours } = await sql<{ hour: Date; sessions_started: string; energy_wh: string }>`
        select h.hour,
          (select count(*) from charging_sessions s
            where s.tenant_id = ${tenantId} and s.started_at >= h.hour and s.started_at < h.hour + interval '1 hour') as sessions_started,
          (select coalesce(sum(coalesce(s.meter_stop_wh, s.meter_last_wh) - s.meter_start_wh), 0) from charging_sessions s
            where s.tenant_id = ${tenantId} and s.stopped_at >= h.hour and s.stopped_at < h.hour + interval '1 hour') as energy_wh
        from generate_series(${since}::timestamptz, ${currentHour}::timestamptz, interval '1 hour') as h(hour)
        order by h.hour`.execute(tx);
      const reservations = await tx
        .selectFrom('reservations')
        .select([
          sql<string>`count(*) filter (where status = 'ACTIVE')`.as('active'),
          sql<string>`count(*) filter (where status = 'CONFIRMED' and starts_at < ${new Date(now.getTime() + 24 * HOUR)})`.as('upcoming'),
        ])
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      const faults = await tx
        .selectFrom('evses')
        .innerJoin('locations', (j) => j.onRef('locations.id', '=', 'evses.location_id').onRef('locations.tenant_id', '=', 'evses.tenant_id'))
        .select([
          'evses.id as evse_uid',
          'evses.evse_id',
          'evses.location_id',
          'locations.name as location_name',
          'evses.availability as status',
          'evses.status_updated_at as since',
        ])
        .where('evses.tenant_id', '=', tenantId)
        .where('evses.availability', 'in', ['OUTOFORDER', 'INOPERATIVE'])
        .orderBy('evses.status_updated_at')
        .limit(LIST_LIMIT)
        .execute();

      const byStatus = Object.fromEntries(statuses.map((s) => [s.availability, Number(s.count)]));
      return {
        generated_at: now,
        evses: { total: statuses.reduce((n, s) => n + Number(s.count), 0), by_status: byStatus },
        charging_now: byStatus.CHARGING ?? 0,
        charge_points: { total: Number(points.total), online: Number(points.online), offline },
        sessions: { active: Number(sessions.active), started_last_24h: Number(sessions.started), energy_last_24h_wh: Number(sessions.energy) },
        reservations: { active: Number(reservations.active), upcoming_24h: Number(reservations.upcoming) },
        hourly: hours.map((h) => ({ hour: new Date(h.hour), sessions_started: Number(h.sessions_started), energy_wh: Number(h.energy_wh) })),
        faults,
      };
    });
  }

  activity(tenantId: string, range: { from: Date; to: Date; bucket: 'hour' | 'day'; timeZone: string }, now = new Date()): Promise<NetworkActivity> {
    return networkActivity(this.scopes, tenantId, range, now);
  }
}
