import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDLE_RESERVE_W, limitInForce, siteShares } from './site-limits.service.js';

describe('sharing a site limit over its EVSEs', () => {
  it('splits evenly when all or none charge, and gives the idle ones only enough to start', () => {
    expect(siteShares(22_000, [false, false, false])).toEqual([7_333, 7_333, 7_333]);
    expect(siteShares(22_000, [true, true])).toEqual([11_000, 11_000]);
    expect(siteShares(22_000, [true, false, false])).toEqual([22_000 - 2 * IDLE_RESERVE_W, IDLE_RESERVE_W, IDLE_RESERVE_W]);
    // A limit too small for the reserve: the idle ones keep an even split, the charging one the rest.
    expect(siteShares(2_000, [true, false, false])).toEqual([668, 666, 666]);
    expect(siteShares(10_000, [])).toEqual([]);
  });

  it('never adds up to more than the limit, and a charging EVSE never gets less than an idle one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), (limit, charging) => {
        const shares = siteShares(limit, charging);
        expect(shares).toHaveLength(charging.length);
        expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(limit);
        expect(shares.every((s) => Number.isInteger(s) && s >= 0)).toBe(true);
        const idle = shares.filter((_, i) => !charging[i]);
        const busy = shares.filter((_, i) => charging[i]);
        if (idle.length && busy.length) expect(Math.min(...busy)).toBeGreaterThanOrEqual(Math.max(...idle));
      }),
    );
  });

  it('takes the lowest limit whose window holds the moment', () => {
    const at = new Date('2026-12-01T17:00:00Z');
    const limit = (max: number, from: string, to: string | null) => ({ max_power_w: max, starts_at: new Date(from), ends_at: to ? new Date(to) : null });
    expect(limitInForce([], at)).toBeNull();
    expect(
      limitInForce(
        [
          limit(50_000, '2026-12-01T00:00:00Z', null),
          limit(20_000, '2026-12-01T16:00:00Z', '2026-12-01T17:00:00Z'),
          limit(30_000, '2026-12-01T17:00:00Z', '2026-12-01T19:00:00Z'),
        ],
        at,
      ),
    ).toBe(30_000);
    expect(limitInForce([limit(30_000, '2026-12-01T17:00:01Z', null)], at)).toBeNull();
  });
});
