import type { OpeningHours } from '../db/schema.js';
import { type DomainFieldError } from '../shared/errors.js';
import { localClock } from '../shared/local-time.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

export function validateOpeningHours(hours: OpeningHours, field: string): DomainFieldError[] {
  const errors: DomainFieldError[] = [];
  const regular = hours.regular_hours ?? [];
  if (hours.twentyfourseven && regular.length > 0) errors.push({ field: `${field}.regular_hours`, message: 'must be empty when twentyfourseven is true' });
  if (!hours.twentyfourseven && regular.length === 0) errors.push({ field: `${field}.regular_hours`, message: 'is required unless twentyfourseven is true' });
  regular.forEach((p, i) => {
    if (!Number.isInteger(p.weekday) || p.weekday < 1 || p.weekday > 7)
      errors.push({ field: `${field}.regular_hours[${i}].weekday`, message: 'must be 1 (Monday) to 7 (Sunday)' });
    if (!HHMM.test(p.period_begin)) errors.push({ field: `${field}.regular_hours[${i}].period_begin`, message: 'must be HH:MM' });
    if (!HHMM.test(p.period_end) && p.period_end !== '24:00') errors.push({ field: `${field}.regular_hours[${i}].period_end`, message: 'must be HH:MM' });
  });
  for (const key of ['exceptional_openings', 'exceptional_closings'] as const) {
    (hours[key] ?? []).forEach((p, i) => {
      const begin = Date.parse(p.period_begin);
      const end = Date.parse(p.period_end);
      if (Number.isNaN(begin) || Number.isNaN(end) || end <= begin)
        errors.push({ field: `${field}.${key}[${i}]`, message: 'needs ISO-8601 period_begin before period_end' });
    });
  }
  return errors;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Open whatever the time: 24/7 with no exceptional closing that could win over it (see `isOpenAt`). */
export function isAlwaysOpen(hours: OpeningHours): boolean {
  return Boolean(hours.twentyfourseven) && !hours.exceptional_closings?.length;
}

/**
 * OCPI semantics: exceptional closings win, then exceptional openings, then 24/7 or the regular
 * hours of the local weekday. A period ending before it begins runs past midnight.
 */
export function isOpenAt(hours: OpeningHours, timeZone: string, at: Date): boolean {
  const t = at.getTime();
  const within = (p: { period_begin: string; period_end: string }) => Date.parse(p.period_begin) <= t && t < Date.parse(p.period_end);
  if ((hours.exceptional_closings ?? []).some(within)) return false;
  if ((hours.exceptional_openings ?? []).some(within)) return true;
  if (hours.twentyfourseven) return true;
  const { weekday, minutes } = localClock(at, timeZone);
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  return (hours.regular_hours ?? []).some((p) => {
    const begin = toMinutes(p.period_begin);
    const end = p.period_end === '24:00' ? 1440 : toMinutes(p.period_end);
    if (end > begin) return p.weekday === weekday && minutes >= begin && minutes < end;
    // Overnight: the evening part on its own day, the morning part on the next.
    return (p.weekday === weekday && minutes >= begin) || (p.weekday === yesterday && minutes < end);
  });
}
