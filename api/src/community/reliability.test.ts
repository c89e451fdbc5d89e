import { describe, expect, it } from 'vitest';
import { recencyWeight, reliabilityScore } from './reliability.js';

const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

describe('the reliability score', () => {
  it('weighs by recency: half after seven days, a quarter after fourteen', () => {
    expect(recencyWeight(now, now)).toBe(1);
    expect(recencyWeight(daysAgo(7), now)).toBeCloseTo(0.5, 10);
    expect(recencyWeight(daysAgo(14), now)).toBeCloseTo(0.25, 10);
  });

  it('has nothing to say without a session or a check-in, even with uptime', () => {
    expect(reliabilityScore({ sessions: [], checkIns: [], uptimePercent: 99, now })).toMatchObject({ score: null, sessions: 0, check_ins: 0 });
  });

  it('from sessions alone: four good today and one failed today is (4 + 1.6) / (5 + 2) = 0.8 → 8.0', () => {
    const sessions = [...Array.from({ length: 4 }, () => ({ at: now, ok: true })), { at: now, ok: false }];
    expect(reliabilityScore({ sessions, checkIns: [], uptimePercent: null, now })).toEqual({
      score: 8,
      sessions: 5,
      failed_sessions: 1,
      check_ins: 0,
      uptime_percent: null,
      window_days: 30,
    });
  });

  it('combines sessions, uptime and check-ins with weights 0.5, 0.3, 0.2', () => {
    // Sessions: 8 good today → (8 + 1.6) / (8 + 2) = 0.96. Uptime 90 %. Check-ins: one "could not charge"
    // seven days ago (weight ½) → (0 + 0.8) / (0.5 + 1) = 0.5333. Score = 10 × (0.5×0.96 + 0.3×0.9 + 0.2×0.5333) = 8.567 → 8.6.
    const r = reliabilityScore({
      sessions: Array.from({ length: 8 }, () => ({ at: now, ok: true })),
      checkIns: [{ at: daysAgo(7), outcome: 'COULD_NOT_CHARGE' }],
      uptimePercent: 90,
      now,
    });
    expect(r.score).toBe(8.6);
    expect(r.check_ins).toBe(1);
  });

  it('counts a recent failure more than an old success, and forgets what is older than 30 days', () => {
    // A success 14 days ago (¼) and a failure today (1): (0.25 + 1.6) / (1.25 + 2) = 0.569 → 5.7; the one 40 days ago is not counted.
    const r = reliabilityScore({
      sessions: [
        { at: daysAgo(14), ok: true },
        { at: now, ok: false },
        { at: daysAgo(40), ok: true },
      ],
      checkIns: [],
      uptimePercent: null,
      now,
    });
    expect(r).toMatchObject({ score: 5.7, sessions: 2, failed_sessions: 1 });
  });

  it('counts waiting and blocked check-ins but scores only what they say of the charger', () => {
    // Only "charged fine" today: (1 + 0.8) / (1 + 1) = 0.9 → 9.0, from three check-ins.
    const r = reliabilityScore({
      sessions: [],
      checkIns: [
        { at: now, outcome: 'CHARGED' },
        { at: now, outcome: 'WAITING' },
        { at: now, outcome: 'BLOCKED' },
      ],
      uptimePercent: null,
      now,
    });
    expect(r).toMatchObject({ score: 9, check_ins: 3 });
  });
});
