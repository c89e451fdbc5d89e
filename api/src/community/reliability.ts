/**
 * The reliability score, 0–10, of a station or an EVSE: the one function that computes it, from
 * what the platform knows happened (sessions that started and delivered, or failed to start, or
 * ended by a fault; the time the chargers were up) and what drivers said (check-ins), the recent
 * weighing more than the old. Pure, so its arithmetic can be checked by hand.
 */

/** How far back the score looks. */
export const RELIABILITY_WINDOW_DAYS = 30;
/** A session or check-in this many days old counts half as much as one today. */
export const HALF_LIFE_DAYS = 7;
/** What a station is presumed to be worth before evidence: pseudo-observations at this success rate. */
export const PRIOR_SUCCESS = 0.8;
const PRIOR_SESSIONS = 2;
const PRIOR_CHECK_INS = 1;
/** How much each kind of evidence counts when it exists (renormalised over those that do). */
export const WEIGHTS = { sessions: 0.5, uptime: 0.3, check_ins: 0.2 } as const;

const DAY_MS = 86_400_000;

export interface SessionOutcome {
  at: Date;
  /** Started and delivered energy without being ended by a fault. */
  ok: boolean;
}

export interface CheckInOutcomeAt {
  at: Date;
  /** CHARGED counts for, COULD_NOT_CHARGE against; waiting or a blocked spot says nothing of the charger. */
  outcome: 'CHARGED' | 'COULD_NOT_CHARGE' | 'WAITING' | 'BLOCKED';
}

export interface Reliability {
  /** 0–10 with one decimal; null when there is nothing to go on. */
  score: number | null;
  /** What it rests on, in the window. */
  sessions: number;
  failed_sessions: number;
  check_ins: number;
  uptime_percent: number | null;
  window_days: number;
}

/** 1 today, ½ after HALF_LIFE_DAYS, ¼ after twice that. */
export const recencyWeight = (at: Date, now: Date) => 0.5 ** (Math.max(0, now.getTime() - at.getTime()) / DAY_MS / HALF_LIFE_DAYS);

/** The evidence-weighted success rate, pulled towards the prior while evidence is thin. */
function rate(observations: { weight: number; ok: boolean }[], priorCount: number): number | undefined {
  if (observations.length === 0) return undefined;
  let good = PRIOR_SUCCESS * priorCount;
  let all = priorCount;
  for (const o of observations) {
    all += o.weight;
    if (o.ok) good += o.weight;
  }
  return good / all;
}

export function reliabilityScore(input: { sessions: SessionOutcome[]; checkIns: CheckInOutcomeAt[]; uptimePercent: number | null; now: Date }): Reliability {
  const since = input.now.getTime() - RELIABILITY_WINDOW_DAYS * DAY_MS;
  const sessions = input.sessions.filter((s) => s.at.getTime() >= since && s.at <= input.now);
  const checkIns = input.checkIns.filter((c) => c.at.getTime() >= since && c.at <= input.now);
  const telling = checkIns.filter((c) => c.outcome === 'CHARGED' || c.outcome === 'COULD_NOT_CHARGE');
  const parts: { weight: number; value: number }[] = [];
  const sessionRate = rate(
    sessions.map((s) => ({ weight: recencyWeight(s.at, input.now), ok: s.ok })),
    PRIOR_SESSIONS,
  );
  if (sessionRate !== undefined) parts.push({ weight: WEIGHTS.sessions, value: sessionRate });
  if (input.uptimePercent !== null) parts.push({ weight: WEIGHTS.uptime, value: input.uptimePercent / 100 });
  const checkInRate = rate(
    telling.map((c) => ({ weight: recencyWeight(c.at, input.now), ok: c.outcome === 'CHARGED' })),
    PRIOR_CHECK_INS,
  );
  if (checkInRate !== undefined) parts.push({ weight: WEIGHTS.check_ins, value: checkInRate });
  // Uptime alone says the charger answers, not that cars charge: no score without a session or a check-in.
  const evidence = sessionRate !== undefined || checkInRate !== undefined;
  const total = parts.reduce((sum, p) => sum + p.weight, 0);
  const score = evidence ? Math.round((100 * parts.reduce((sum, p) => sum + p.weight * p.value, 0)) / total) / 10 : null;
  return {
    score,
    sessions: sessions.length,
    failed_sessions: sessions.filter((s) => !s.ok).length,
    check_ins: checkIns.length,
    uptime_percent: input.uptimePercent,
    window_days: RELIABILITY_WINDOW_DAYS,
  };
}
