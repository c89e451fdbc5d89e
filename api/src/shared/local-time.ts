/**
 * Local time in IANA zones, from Intl alone. A calendar day in a location's time zone is a pair
 * of UTC instants; days are 23 or 25 hours long when the clocks change, so a day is
 * [local midnight, next local midnight), never "24 hours".
 */

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = fmtCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fmtCache.set(timeZone, f);
  }
  return f;
}

/** Milliseconds the zone is ahead of UTC at `at`. */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  // Clocks change on quarter hours, so one answer holds for a whole UTC quarter hour.
  const quarter = Math.floor(at.getTime() / QUARTER_HOUR);
  const cached = offsetCache.get(timeZone);
  if (cached?.quarter === quarter) return cached.offset;
  const offset = computeOffset(at, timeZone);
  offsetCache.set(timeZone, { quarter, offset });
  return offset;
}

const QUARTER_HOUR = 15 * 60_000;
const offsetCache = new Map<string, { quarter: number; offset: number }>();

function computeOffset(at: Date, timeZone: string): number {
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant of local wall-clock time y-m-d h:m in the zone (the later one if it repeats, the next if skipped). */
export function zonedTime(y: number, m: number, d: number, h: number, min: number, timeZone: string): Date {
  const wall = Date.UTC(y, m - 1, d, h, min);
  // Two passes settle the offset on either side of a transition.
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

export const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** [start, end) of a local calendar day `YYYY-MM-DD`. */
export function localDay(date: string, timeZone: string): { start: Date; end: Date } {
  const m = DATE_PATTERN.exec(date);
  if (!m || !isCalendarDate(date)) throw new Error(`not a calendar date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const next = new Date(Date.UTC(y, mo - 1, d + 1));
  return {
    start: zonedTime(y, mo, d, 0, 0, timeZone),
    end: zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, timeZone),
  };
}

/** ISO 8601 with the zone's offset at that instant, e.g. `2026-10-25T02:30:00+01:00`. */
export function toLocalIso(at: Date, timeZone: string): string {
  const offset = zoneOffsetMs(at, timeZone);
  const local = new Date(at.getTime() + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60_000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Weekday (1 = Monday) and minutes since midnight of an instant, in a time zone. */
export function localClock(at: Date, timeZone: string): { weekday: number; minutes: number } {
  const local = new Date(at.getTime() + zoneOffsetMs(at, timeZone));
  return { weekday: ((local.getUTCDay() + 6) % 7) + 1, minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** The local date after `day` (`YYYY-MM-DD`). */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}-${String(next.getUTCDate()).padStart(2, '0')}`;
}
