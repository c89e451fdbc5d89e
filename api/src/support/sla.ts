import type { TicketKind, TicketPriority } from './support.tables.js';

/** Targets for one priority, in minutes of wall-clock time (support runs 24/7). */
export interface SlaTarget {
  first_response_minutes: number;
  resolution_minutes: number;
}

export const PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'urgent'];

/** What a network gets until it sets its own: a charger fault is answered within the hour. */
export const DEFAULT_SLA: Record<TicketPriority, SlaTarget> = {
  urgent: { first_response_minutes: 15, resolution_minutes: 4 * 60 },
  high: { first_response_minutes: 60, resolution_minutes: 24 * 60 },
  normal: { first_response_minutes: 4 * 60, resolution_minutes: 3 * 24 * 60 },
  low: { first_response_minutes: 24 * 60, resolution_minutes: 7 * 24 * 60 },
};

/** Symptoms a driver can pick for a fault at a charger; the first ones are safety matters. */
export type FaultSymptom = 'damaged' | 'cable_stuck' | 'wont_start' | 'stops_early' | 'slow' | 'payment' | 'screen' | 'other';
export const FAULT_SYMPTOMS: readonly FaultSymptom[] = ['damaged', 'cable_stuck', 'wont_start', 'stops_early', 'slow', 'payment', 'screen', 'other'];

/** The priority a new ticket starts with: damage and a stuck cable are urgent, other faults high. */
export function initialPriority(kind: TicketKind, symptom?: FaultSymptom | null): TicketPriority {
  if (kind === 'fault') return symptom === 'damaged' || symptom === 'cable_stuck' ? 'urgent' : 'high';
  return kind === 'question' ? 'low' : 'normal';
}

/** The share of the first-response time after which staff are warned that the ticket is close to breaching. */
export const WARN_AT_SHARE = 0.75;

const MINUTE = 60_000;

export function dueTimes(openedAt: Date, target: SlaTarget): { firstResponseDue: Date; resolutionDue: Date; warnAt: Date } {
  const t = openedAt.getTime();
  const firstResponseDue = new Date(t + target.first_response_minutes * MINUTE);
  return { firstResponseDue, resolutionDue: new Date(t + target.resolution_minutes * MINUTE), warnAt: warnAt(openedAt, firstResponseDue) };
}

/** When staff are warned that a ticket nears its first-response target. */
export function warnAt(openedAt: Date, firstResponseDue: Date): Date {
  const minutes = Math.round((firstResponseDue.getTime() - openedAt.getTime()) / MINUTE);
  return new Date(openedAt.getTime() + Math.round(minutes * WARN_AT_SHARE) * MINUTE);
}

/** Where a ticket stands against its targets at `now`. */
export type SlaState = 'met' | 'on_track' | 'at_risk' | 'breached';

export function slaState(
  ticket: {
    first_response_due_at: Date;
    resolution_due_at: Date;
    first_responded_at: Date | null;
    resolved_at: Date | null;
    created_at: Date;
    /** Set by the SLA clock when a target was missed (it may run ahead of the wall clock in tests). */
    breached_at?: Date | null;
  },
  now: Date,
): SlaState {
  if (ticket.breached_at) return 'breached';
  const responded = ticket.first_responded_at;
  if (responded && responded > ticket.first_response_due_at) return 'breached';
  if (ticket.resolved_at) return ticket.resolved_at > ticket.resolution_due_at ? 'breached' : 'met';
  if (!responded && now > ticket.first_response_due_at) return 'breached';
  if (now > ticket.resolution_due_at) return 'breached';
  const due = responded ? ticket.resolution_due_at : ticket.first_response_due_at;
  const span = due.getTime() - (responded ? responded : ticket.created_at).getTime();
  return now.getTime() >= due.getTime() - span * (1 - WARN_AT_SHARE) ? 'at_risk' : 'on_track';
}
