import { describe, expect, it } from 'vitest';
import { formatClock, formatDistance, formatDuration, formatEnergy, formatMoney, formatPower } from './format.js';

describe('unit formatting', () => {
  it('formats money from minor units with the currency’s own decimals', () => {
    expect(formatMoney(1234, 'EUR', 'de-DE')).toBe('12,34\u00a0€');
    expect(formatMoney(1234, 'JPY', 'en-US')).toBe('¥1,234');
    expect(formatMoney(1234, 'EUR', 'en-IE')).toBe('€12.34');
  });

  it('formats power, energy and distance per locale', () => {
    expect(formatPower(22_000, 'en')).toBe('22\u00a0kW');
    expect(formatPower(7_400, 'fr')).toBe('7,4\u00a0kW');
    expect(formatEnergy(12_345, 'en')).toBe('12.35\u00a0kWh');
    expect(formatDistance(437, 'en')).toBe('440 m');
    expect(formatDistance(12_345, 'de')).toBe('12,3 km');
    expect(formatDistance(16_093, 'en', 'imperial')).toBe('10 mi');
  });

  it('formats times of day one way everywhere, in the station’s time zone', () => {
    const at = '2026-12-02T20:00:00Z';
    expect(formatClock(at, 'de', 'Europe/Luxembourg')).toBe('21:00');
    expect(formatClock(at, 'en-US', 'Europe/Luxembourg')).toMatch(/^9:00\sPM$/);
    expect(formatDuration(65 * 60_000, 'en')).toBe('1 hr 5 min');
    expect(formatDuration(5 * 60_000, 'de')).toBe('5 Min.');
  });
});
