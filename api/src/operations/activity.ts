import { sql } from 'kysely';
import type { Scopes } from '../db/tenancy.js';
import { isValidTimeZone } from '../locations/opening-hours.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { localDay, nextDay, toLocalIso } from '../shared/local-time.js';
import type { ActivityBucket, NetworkActivity } from './overview.model.js';

const HOUR = 3_600_000;
/** An hourly chart covers at most two weeks; a daily one at most a year and a month. */
const MAX_BUCKETS = { hour: 14 * 24, day: 400 } as const;

/**
 * The buckets of a chart: whole UTC hours, or the local calendar days of `timeZone` (so a day
 * in Paris is 23, 24 or 25 hours long), covering [from, to).
 */
export function bucketsOf(from: Date, to: Date, size: 'hour' | 'day', timeZone: string): { start: Date; end: Date }[] {
  const buckets: { start: Date; end: Date }[] = [];
  if (size === 'hour') {
    for (let start = Math.floor(from.getTime() / HOUR) * HOUR; start < to.getTime(); start += HOUR)
      buckets.push({ start: new Date(start), end: new Date(start + HOUR) });
    return buckets;
  }
  for (let day = toLocalIso(from, timeZone).slice(0, 10); ; day = nextDay(day)) {
    const bucket = localDay(day, timeZone);
    if (bucket.start >= to) return buckets;
    buckets.push(bucket);
  }
}

export function checkActivityRange(from: Date, to: Date, size: 'hour' | 'day', timeZone: string): DomainFieldError[] {
  const errors: DomainFieldError[] = [];
  if (Number.isNaN(from.getTime())) errors.push({ field: 'from', message: 'must be a date-time' });
  if (Number.isNaN(to.getTime())) errors.push({ field: 'to', message: 'must be a date-time' });
  if (!isValidTimeZone(timeZone)) errors.push({ field: 'time_zone', message: 'is not an IANA time zone' });
  if (errors.length) return errors;
  if (to <= from) return [{ field: 'to', message: 'must be after from' }];
  const limit = MAX_BUCKETS[size];
  if ((to.getTime() - from.getTime()) / (size === 'hour' ? HOUR : 24 * HOUR) > limit)
    errors.push({ field: 'to', message: `covers more than ${limit} ${size === 'hour' ? 'hours' : 'days'}` });
  return errors;
}

/**
 * Per bucket: sessions started, energy and revenue of the sessions that ended in it (revenue is
 * their priced cost, VAT included, per currency), and utilisation — the share of EVSE time
 * occupied by a session (EVSEs counted as they are now).
 */
export async function networkActivity(
  scopes: Scopes,
  tenantId: string,
  range: { from: Date; to: Date; bucket: 'hour' | 'day'; timeZone: string },
  now = new Date(),
): Promise<NetworkActivity> {
  const errors = checkActivityRange(range.from, range.to, range.bucket, range.timeZone);
  if (errors.length) throw fail.invalid(errors);
  const buckets = bucketsOf(range.from, range.to, range.bucket, range.timeZone);
  const starts = buckets.map((b) => b.start.toISOString());
  const ends = buckets.map((b) => b.end.toISOString());
  return scopes.tenant(tenantId, async (tx) => {
    const evses = await tx
      .selectFrom('evses')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('tenant_id', '=', tenantId)
      .where('status', '!=', 'REMOVED')
      .executeTakeFirstOrThrow();
    const { rows } = await sql<{ start: Date; sessions_started: string; energy_wh: string; busy_seconds: string }>`
      select b.start,
        (select count(*) from charging_sessions s
          where s.tenant_id = ${tenantId} and s.started_at >= b.start and s.started_at < b.finish) as sessions_started,
        (select coalesce(sum(coalesce(s.meter_stop_wh, s.meter_last_wh) - s.meter_start_wh), 0) from charging_sessions s
          where s.tenant_id = ${tenantId} and s.stopped_at >= b.start and s.stopped_at < b.finish) as energy_wh,
        (select coalesce(sum(extract(epoch from least(coalesce(s.stopped_at, ${now}::timestamptz), b.finish) - greatest(s.started_at, b.start))), 0)
          from charging_sessions s
          where s.tenant_id = ${tenantId} and s.started_at < b.finish and coalesce(s.stopped_at, ${now}::timestamptz) > b.start) as busy_seconds
      from unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) as b(start, finish)
      order by b.start`.execute(tx);
    const { rows: revenue } = await sql<{ start: Date; currency: string; amount: string }>`
      select b.start, s.cost->>'currency' as currency, sum((s.cost->>'amount')::bigint) as amount
      from unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) as b(start, finish)
      join charging_sessions s on s.tenant_id = ${tenantId} and s.stopped_at >= b.start and s.stopped_at < b.finish and s.cost is not null
      group by b.start, s.cost->>'currency'`.execute(tx);
    const revenueAt = new Map<number, Record<string, number>>();
    for (const r of revenue) {
      const at = new Date(r.start).getTime();
      revenueAt.set(at, { ...revenueAt.get(at), [r.currency]: Number(r.amount) });
    }
    const evseCount = Number(evses.count);
    const out: ActivityBucket[] = rows.map((r, i) => {
      const bucket = buckets[i] as { start: Date; end: Date };
      const capacity = evseCount * ((bucket.end.getTime() - bucket.start.getTime()) / 1000);
      return {
        start: bucket.start,
        end: bucket.end,
        sessions_started: Number(r.sessions_started),
        energy_wh: Number(r.energy_wh),
        revenue: revenueAt.get(bucket.start.getTime()) ?? {},
        utilisation_percent: capacity ? Math.min(100, Math.round((Number(r.busy_seconds) / capacity) * 1000) / 10) : 0,
      };
    });
    return { bucket: range.bucket, time_zone: range.timeZone, evses: evseCount, buckets: out };
  });
}
