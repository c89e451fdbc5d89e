import type { EvseStatus } from '../db/schema.js';

/**
 * Uptime arithmetic, pure. NEVI (23 CFR 680.116(b)): a port's uptime over a period of T minutes
 * is μ = ((T − (T_outage − T_excluded)) / T) × 100, where T_outage is the time it could not
 * charge and T_excluded the part of that outage for reasons outside the operator's control
 * (grid outage, vandalism, natural disaster, scheduled maintenance…). The UK Public Charge Point
 * Regulations 2023 ask the same share of each rapid charge point as a whole: operational while
 * any of its connectors is.
 */

/** What an EVSE can be in: able to charge, unable, or not in service at all (planned, removed). */
export type ServiceState = 'up' | 'down' | 'out_of_service';

export function serviceState(availability: EvseStatus): ServiceState {
  switch (availability) {
    case 'AVAILABLE':
    case 'CHARGING':
    case 'RESERVED':
    case 'BLOCKED':
      return 'up';
    case 'REMOVED':
    case 'PLANNED':
      return 'out_of_service';
    default:
      // OUTOFORDER, INOPERATIVE, and UNKNOWN (its charger is offline): a driver cannot charge.
      return 'down';
  }
}

export interface Change {
  at: Date;
  state: ServiceState;
}

export interface Span {
  from: Date;
  to: Date;
}

export interface UptimeFigures {
  /** Minutes measured: the period, from the port's first time in service, less time out of service. */
  measured_minutes: number;
  outage_minutes: number;
  /** The part of the outage covered by recorded exclusions. */
  excluded_minutes: number;
  /** NEVI's μ; null when nothing was measured (never in service in the period). */
  uptime_percent: number | null;
}

const MINUTE = 60_000;

/**
 * The spans an EVSE spent in each state during `period`, from its changes in time order (the
 * last change before the period gives the state at its start). Before the first change that put
 * it in service the port was not yet commissioned, and is not measured.
 */
export function stateSpans(changes: Change[], period: Span, commissioned = false): { state: ServiceState; from: number; to: number }[] {
  const sorted = [...changes].sort((a, b) => a.at.getTime() - b.at.getTime());
  // A port that was in service before the changes given is measured from the first of them.
  const firstUp = commissioned ? 0 : sorted.findIndex((c) => c.state === 'up');
  if (firstUp < 0) return [];
  const from = period.from.getTime();
  const to = period.to.getTime();
  const spans: { state: ServiceState; from: number; to: number }[] = [];
  for (let i = firstUp; i < sorted.length; i++) {
    const change = sorted[i] as Change;
    const start = Math.max(change.at.getTime(), from);
    const end = Math.min(i + 1 < sorted.length ? (sorted[i + 1] as Change).at.getTime() : to, to);
    if (end <= start) continue;
    const last = spans[spans.length - 1];
    if (last && last.state === change.state && last.to === start) last.to = end;
    else spans.push({ state: change.state, from: start, to: end });
  }
  return spans;
}

/** Merges overlapping spans (exclusions may overlap) into disjoint ones, in time order. */
function union(spans: Span[]): { from: number; to: number }[] {
  const sorted = spans.map((s) => ({ from: s.from.getTime(), to: s.to.getTime() })).filter((s) => s.to > s.from);
  sorted.sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

const overlap = (a: { from: number; to: number }, b: { from: number; to: number }) => Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));

export function uptime(changes: Change[], period: Span, exclusions: Span[] = [], commissioned = false): UptimeFigures {
  const spans = stateSpans(changes, period, commissioned);
  const excluded = union(exclusions);
  let measured = 0;
  let outage = 0;
  let excusedMs = 0;
  for (const span of spans) {
    if (span.state === 'out_of_service') continue;
    measured += span.to - span.from;
    if (span.state !== 'down') continue;
    outage += span.to - span.from;
    for (const e of excluded) excusedMs += overlap(span, e);
  }
  const T = measured / MINUTE;
  const tOutage = outage / MINUTE;
  const tExcluded = excusedMs / MINUTE;
  return {
    measured_minutes: round(T),
    outage_minutes: round(tOutage),
    excluded_minutes: round(tExcluded),
    uptime_percent: T > 0 ? round(((T - (tOutage - tExcluded)) / T) * 100, 3) : null,
  };
}

/**
 * A charge point's history from its EVSEs': up while any of them is up, out of service while all
 * are, down otherwise (the UK metric is per charge point, not per connector).
 */
export function chargePointChanges(evses: Change[][]): Change[] {
  const times = [...new Set(evses.flatMap((changes) => changes.map((c) => c.at.getTime())))].sort((a, b) => a - b);
  const out: Change[] = [];
  for (const t of times) {
    const states = evses.map((changes) => {
      let state: ServiceState | undefined;
      for (const c of changes) if (c.at.getTime() <= t) state = c.state;
      return state;
    });
    const known = states.filter((s): s is ServiceState => s !== undefined);
    const state: ServiceState = known.includes('up') ? 'up' : known.every((s) => s === 'out_of_service') ? 'out_of_service' : 'down';
    if (out[out.length - 1]?.state !== state) out.push({ at: new Date(t), state });
  }
  return out;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** NEVI's floor per port, and the UK's for rapid charge points (50 kW or more). */
export const NEVI_MIN_UPTIME_PERCENT = 97;
export const UK_MIN_RELIABILITY_PERCENT = 99;
export const UK_RAPID_MIN_W = 50_000;
