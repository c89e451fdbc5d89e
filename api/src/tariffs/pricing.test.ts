import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MeterPoint, priceSession } from './pricing.js';
import type { TariffElement, TariffTerms } from './tariff-elements.js';

const LU = 'Europe/Luxembourg';
const terms = (elements: TariffElement[], extra: Partial<TariffTerms> = {}): TariffTerms => ({
  tariff_id: 'trf_test',
  currency: 'EUR',
  vat_percent: 17,
  elements,
  min_price: null,
  max_price: null,
  time_zone: LU,
  ...extra,
});
/** Constant power from `start` for `minutes`. */
const steady = (start: Date, minutes: number, kw: number): MeterPoint[] => [
  { at: new Date(start.getTime() + minutes * 60_000), energyWh: (kw * 1000 * minutes) / 60 },
];

// The README's example: peak 0.39 €/kWh on weekdays 07:00–22:00, off-peak 0.29 €/kWh, and an
// idle fee of 0.10 €/min after 30 free minutes, billed per started minute; prices include 17 % VAT.
const cityTariff = terms([
  {
    price_components: [{ type: 'ENERGY', price: 39 }],
    restrictions: { start_time: '07:00', end_time: '22:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
  },
  { price_components: [{ type: 'ENERGY', price: 29 }] },
  { price_components: [{ type: 'PARKING_TIME', price: 600, grace_minutes: 30, step_size: 60 }] },
]);

describe('session pricing', () => {
  it('prices the README example across the peak/off-peak boundary, with the idle fee after grace', () => {
    // Tuesday 1 December 2026, 21:30 in Luxembourg (UTC+1): 11 kW until 23:00, unplugged at 23:45.
    const start = new Date('2026-12-01T20:30:00Z');
    const cost = priceSession(cityTariff, start, new Date('2026-12-01T22:45:00Z'), steady(start, 90, 11));
    expect(cost.lines).toEqual([
      { type: 'ENERGY', element: 0, quantity: 5.5, unit: 'kWh', unit_price: 39, amount: 215 }, // 214.5 rounds half up
      { type: 'ENERGY', element: 1, quantity: 11, unit: 'kWh', unit_price: 29, amount: 319 },
      { type: 'PARKING_TIME', element: 2, quantity: 0.25, unit: 'h', unit_price: 600, amount: 150 },
    ]);
    expect(cost).toMatchObject({ amount: 684, currency: 'EUR', vat_amount: 99, totals: { energy_wh: 16_500, charging_seconds: 5_400, parking_seconds: 900 } });
    expect(cost.periods.map((p) => [p.state, p.element, p.start.toISOString()])).toEqual([
      ['charging', 0, '2026-12-01T20:30:00.000Z'],
      ['charging', 1, '2026-12-01T21:00:00.000Z'],
      ['idle', null, '2026-12-01T22:00:00.000Z'],
      ['parking', 2, '2026-12-01T22:30:00.000Z'],
    ]);
  });

  it('uses the off-peak price all day at the weekend, and no idle fee within the grace period', () => {
    const start = new Date('2026-12-05T20:30:00Z'); // Saturday
    const cost = priceSession(cityTariff, start, new Date('2026-12-05T22:20:00Z'), steady(start, 90, 11));
    expect(cost.lines.map((l) => [l.type, l.amount])).toEqual([['ENERGY', 479]]); // 16.5 × 29 = 478.5
  });

  it('adds a flat fee and time while charging, and applies the minimum and maximum price', () => {
    const start = new Date('2026-12-01T10:00:00Z');
    const tariff = terms([
      {
        price_components: [
          { type: 'FLAT', price: 100 },
          { type: 'TIME', price: 120 },
          { type: 'ENERGY', price: 30 },
        ],
      },
    ]);
    const cost = priceSession(tariff, start, new Date('2026-12-01T10:30:00Z'), steady(start, 30, 22));
    expect(cost.lines.map((l) => [l.type, l.amount])).toEqual([
      ['FLAT', 100],
      ['ENERGY', 330],
      ['TIME', 60],
    ]);
    expect(cost.amount).toBe(490);
    expect(priceSession({ ...tariff, max_price: 400 }, start, new Date('2026-12-01T10:30:00Z'), steady(start, 30, 22)).amount).toBe(400);
    const tiny = priceSession({ ...tariff, min_price: 200 }, start, new Date('2026-12-01T10:01:00Z'), steady(start, 1, 1));
    expect(tiny.amount).toBe(200);
    expect(tiny.lines.at(-1)).toMatchObject({ type: 'MIN_PRICE' });
  });

  it('switches price after a number of kWh and rounds the energy up to its step size', () => {
    const start = new Date('2026-12-01T10:00:00Z');
    const tiered = terms([
      { price_components: [{ type: 'ENERGY', price: 50 }], restrictions: { max_kwh: 10 } },
      { price_components: [{ type: 'ENERGY', price: 30, step_size: 1000 }] },
    ]);
    const cost = priceSession(tiered, start, new Date('2026-12-01T11:00:00Z'), steady(start, 60, 15.5));
    expect(cost.lines.map((l) => [l.element, l.quantity, l.amount])).toEqual([
      [0, 10, 500],
      [1, 6, 180], // 5.5 kWh billed as 6 (1 kWh steps)
    ]);
  });

  it('an idle pause in the middle of charging is neither charging time nor parking', () => {
    const start = new Date('2026-12-01T10:00:00Z');
    const tariff = terms([
      {
        price_components: [
          { type: 'TIME', price: 600 },
          { type: 'PARKING_TIME', price: 600 },
        ],
      },
    ]);
    const readings = [
      { at: new Date('2026-12-01T10:10:00Z'), energyWh: 1000 },
      { at: new Date('2026-12-01T10:40:00Z'), energyWh: 1000 },
      { at: new Date('2026-12-01T10:50:00Z'), energyWh: 2000 },
    ];
    const cost = priceSession(tariff, start, new Date('2026-12-01T11:00:00Z'), readings);
    expect(cost.totals).toMatchObject({ charging_seconds: 1200, parking_seconds: 600 });
    expect(cost.amount).toBe(300);
  });

  it('is never negative and grows with energy and with time (property)', () => {
    const element = fc.record({
      price_components: fc.uniqueArray(
        fc.record({
          type: fc.constantFrom('ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'),
          price: fc.integer({ min: 0, max: 2000 }),
          grace_minutes: fc.integer({ min: 0, max: 60 }),
        }),
        { minLength: 1, maxLength: 4, selector: (c) => c.type },
      ),
      restrictions: fc.option(
        fc.record(
          {
            start_time: fc.constantFrom('00:00', '07:00', '18:30', '22:00'),
            end_time: fc.constantFrom('06:00', '12:00', '22:00'),
            day_of_week: fc.subarray(['MONDAY', 'SATURDAY', 'SUNDAY'] as const, { minLength: 1 }),
          },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
    });
    const tariff = fc.record({
      elements: fc.array(element, { minLength: 1, maxLength: 4 }),
      min_price: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
      max_price: fc.option(fc.integer({ min: 500, max: 20_000 }), { nil: null }),
    });
    const session = fc.record({
      startMinute: fc.integer({ min: 0, max: 7 * 24 * 60 }),
      increments: fc.array(fc.record({ minutes: fc.integer({ min: 1, max: 90 }), wh: fc.nat({ max: 30_000 }) }), { minLength: 1, maxLength: 8 }),
      idleMinutes: fc.integer({ min: 0, max: 240 }),
      energyFactor: fc.integer({ min: 1, max: 4 }),
      extraMinutes: fc.integer({ min: 1, max: 240 }),
    });
    fc.assert(
      fc.property(tariff, session, (t, s) => {
        const tt = terms(t.elements as TariffElement[], { min_price: t.min_price, max_price: t.max_price });
        const start = new Date(Date.UTC(2026, 11, 7) + s.startMinute * 60_000);
        const readings = (factor: number): MeterPoint[] => {
          let at = start.getTime();
          let wh = 0;
          return s.increments.map((i) => {
            at += i.minutes * 60_000;
            wh += i.wh * factor;
            return { at: new Date(at), energyWh: wh };
          });
        };
        const lastReading = start.getTime() + s.increments.reduce((n, i) => n + i.minutes, 0) * 60_000;
        const end = new Date(lastReading + s.idleMinutes * 60_000);
        const base = priceSession(tt, start, end, readings(1));
        expect(base.amount).toBeGreaterThanOrEqual(0);
        expect(base.lines.filter((l) => l.type !== 'MAX_PRICE').every((l) => l.amount >= 0)).toBe(true);
        expect(priceSession(tt, start, end, readings(s.energyFactor)).amount).toBeGreaterThanOrEqual(base.amount);
        expect(priceSession(tt, start, new Date(end.getTime() + s.extraMinutes * 60_000), readings(1)).amount).toBeGreaterThanOrEqual(base.amount);
      }),
      { numRuns: 300 },
    );
  });
});
