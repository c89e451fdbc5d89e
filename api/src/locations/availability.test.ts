import { describe, expect, it } from 'vitest';
import { evseAvailability, locationAvailability } from './availability.js';
import { isOpenAt, isValidTimeZone, validateOpeningHours } from './opening-hours.js';

describe('availability', () => {
  it('trusts the status of an online charger and of EVSEs without one', () => {
    expect(evseAvailability({ status: 'AVAILABLE', chargePoint: 'online' })).toBe('AVAILABLE');
    expect(evseAvailability({ status: 'CHARGING', chargePoint: 'none' })).toBe('CHARGING');
  });
  it('an offline charger is UNKNOWN whatever it said last', () => {
    expect(evseAvailability({ status: 'AVAILABLE', chargePoint: 'offline' })).toBe('UNKNOWN');
  });
  it('a reservation in force turns AVAILABLE into RESERVED, nothing else', () => {
    expect(evseAvailability({ status: 'AVAILABLE', chargePoint: 'online', reservedNow: true })).toBe('RESERVED');
    expect(evseAvailability({ status: 'CHARGING', chargePoint: 'online', reservedNow: true })).toBe('CHARGING');
  });
  it('REMOVED and PLANNED stay what they are', () => {
    expect(evseAvailability({ status: 'REMOVED', chargePoint: 'offline' })).toBe('REMOVED');
    expect(evseAvailability({ status: 'PLANNED', chargePoint: 'online', reservedNow: true })).toBe('PLANNED');
  });
  it('counts a location, leaving removed EVSEs out', () => {
    expect(locationAvailability(['AVAILABLE', 'CHARGING', 'AVAILABLE', 'REMOVED'])).toEqual({
      counts: { AVAILABLE: 2, CHARGING: 1 },
      total: 3,
      available: 2,
      available_now: true,
    });
    expect(locationAvailability(['CHARGING']).available_now).toBe(false);
  });
});

describe('opening hours', () => {
  const weekdays9to18 = {
    twentyfourseven: false,
    regular_hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, period_begin: '09:00', period_end: '18:00' })),
  };
  it('uses the location’s own time zone, across DST', () => {
    // Monday 2026-03-30, 08:30 UTC = 10:30 in Luxembourg (CEST, UTC+2): open.
    expect(isOpenAt(weekdays9to18, 'Europe/Luxembourg', new Date('2026-03-30T08:30:00Z'))).toBe(true);
    // Monday 2026-03-23, 07:30 UTC = 08:30 CET (UTC+1): still closed.
    expect(isOpenAt(weekdays9to18, 'Europe/Luxembourg', new Date('2026-03-23T07:30:00Z'))).toBe(false);
    // The same instant on Saturday: closed.
    expect(isOpenAt(weekdays9to18, 'Europe/Luxembourg', new Date('2026-03-28T10:00:00Z'))).toBe(false);
  });
  it('handles periods past midnight and exceptions', () => {
    const nights = { twentyfourseven: false, regular_hours: [{ weekday: 5, period_begin: '22:00', period_end: '02:00' }] };
    expect(isOpenAt(nights, 'UTC', new Date('2026-11-27T23:00:00Z'))).toBe(true); // Friday 23:00
    expect(isOpenAt(nights, 'UTC', new Date('2026-11-28T01:00:00Z'))).toBe(true); // Saturday 01:00
    expect(isOpenAt(nights, 'UTC', new Date('2026-11-28T03:00:00Z'))).toBe(false);
    const closedForWorks = { twentyfourseven: true, exceptional_closings: [{ period_begin: '2026-12-24T00:00:00Z', period_end: '2026-12-27T00:00:00Z' }] };
    expect(isOpenAt(closedForWorks, 'UTC', new Date('2026-12-25T12:00:00Z'))).toBe(false);
    expect(isOpenAt(closedForWorks, 'UTC', new Date('2026-12-28T12:00:00Z'))).toBe(true);
  });
  it('validates hours and zones', () => {
    expect(isValidTimeZone('Europe/Luxembourg')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(validateOpeningHours({ twentyfourseven: false }, 'body.opening_hours')).toHaveLength(1);
    expect(
      validateOpeningHours({ twentyfourseven: false, regular_hours: [{ weekday: 8, period_begin: '9:00', period_end: '18:00' }] }, 'x').map((e) => e.field),
    ).toEqual(['x.regular_hours[0].weekday', 'x.regular_hours[0].period_begin']);
  });
});
