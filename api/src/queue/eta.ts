/**
 * Queue waiting times from what is known now: each EVSE's expected free time (live sessions'
 * progress and stated departures, upcoming reservations), then the line served in order, each
 * EVSE taking a typical session before it is free again.
 */

const MINUTE = 60_000;
/** A typical session when nothing better is known (ACN-Data sessions: a median of ~2.5 h; public AC sites turn over faster). */
export const TYPICAL_SESSION_MS = 90 * MINUTE;
/** Battery assumed when only the state of charge is known. */
const ASSUMED_BATTERY_WH = 60_000;
/** Energy of a typical public session when neither departure nor state of charge is known. */
const TYPICAL_SESSION_WH = 20_000;

export interface LiveSession {
  started_at: Date;
  energy_wh: number;
  power_w: number | null;
  soc_percent: number | null;
  departure_at: Date | null;
}

/** When a charging session is expected to free its EVSE. */
export function expectedSessionEnd(s: LiveSession, now: Date): Date {
  if (s.departure_at && s.departure_at > now) return s.departure_at;
  const power = s.power_w ?? 0;
  if (power > 0) {
    // DC fast charging tapers hard after 80 %, so drivers leave there; AC drivers charge to full.
    const target = power > 22_000 ? 80 : 100;
    const remainingWh =
      s.soc_percent !== null ? (Math.max(0, target - s.soc_percent) / 100) * ASSUMED_BATTERY_WH : Math.max(0, TYPICAL_SESSION_WH - s.energy_wh);
    return new Date(now.getTime() + Math.max(5 * MINUTE, (remainingWh / power) * 3_600_000));
  }
  // Not drawing power: finishing, or a full car still plugged in.
  return new Date(Math.max(now.getTime() + 10 * MINUTE, s.started_at.getTime() + TYPICAL_SESSION_MS));
}

/** Pushes a free time past reservations that would start before a queued driver could finish. */
export function afterReservations(freeAt: Date, reservations: { start: Date; end: Date }[]): Date {
  let t = freeAt.getTime();
  for (const r of [...reservations].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    if (r.end.getTime() <= t) continue;
    if (r.start.getTime() < t + TYPICAL_SESSION_MS) t = Math.max(t, r.end.getTime());
  }
  return new Date(t);
}

/** When each of the first `count` places in line gets an EVSE, given when each EVSE frees. */
export function placeTimes(freeAts: Date[], count: number, now: Date): Date[] {
  if (freeAts.length === 0) return [];
  const heap = freeAts.map((d) => Math.max(d.getTime(), now.getTime())).sort((a, b) => a - b);
  const times: Date[] = [];
  for (let i = 0; i < count; i++) {
    const t = heap.shift() as number;
    times.push(new Date(t));
    const next = t + TYPICAL_SESSION_MS;
    const at = heap.findIndex((x) => x > next);
    heap.splice(at === -1 ? heap.length : at, 0, next);
  }
  return times;
}

export const minutesUntil = (at: Date | undefined, now: Date): number | null =>
  at === undefined ? null : Math.max(0, Math.round((at.getTime() - now.getTime()) / MINUTE));
