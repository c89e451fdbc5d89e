import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESERVES_EVSE_NOW } from '../locations/availability.js';
import { type Backend, backends, startTestApp, type TestApp } from '../test/harness.js';
import { CLAIMABLE, graceUntil, HOLDS_SLOT, TERMINAL } from './reservation-rules.js';

describe('reservation status rules', () => {
  it('a fulfilled reservation holds its slot but cannot be fulfilled again; the open ones can', () => {
    expect(HOLDS_SLOT).toContain('FULFILLED');
    expect(CLAIMABLE).not.toContain('FULFILLED');
    expect([...CLAIMABLE, 'FULFILLED'].sort()).toEqual([...HOLDS_SLOT].sort());
    expect(CLAIMABLE.filter((s) => TERMINAL.includes(s))).toEqual([]);
  });

  it('an EVSE shows reserved for a reservation in its slot or an offer waiting, not for a later booking', () => {
    expect([...RESERVES_EVSE_NOW].sort()).toEqual(['ACTIVE', 'OFFERED']);
    expect(RESERVES_EVSE_NOW.every((s) => CLAIMABLE.includes(s))).toBe(true);
    expect(RESERVES_EVSE_NOW).not.toContain('CONFIRMED');
  });

  it('the grace to arrive ends grace_minutes after the start, never after the end', () => {
    const start = new Date('2026-12-02T10:00:00Z');
    expect(graceUntil(start, new Date('2026-12-02T11:00:00Z'), { grace_minutes: 15 }).toISOString()).toBe('2026-12-02T10:15:00.000Z');
    expect(graceUntil(start, new Date('2026-12-02T10:10:00Z'), { grace_minutes: 15 }).toISOString()).toBe('2026-12-02T10:10:00.000Z');
  });
});

describe.each(backends())('the slot rule and the database agree on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('the exclusion constraint that makes double booking impossible covers exactly HOLDS_SLOT', async () => {
    const { rows } = await sql<{ def: string }>`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'reservations_no_overlap'`.execute(
      t.services.database.db,
    );
    const statuses = [...(rows[0]?.def ?? '').matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]).sort();
    expect(statuses).toEqual([...HOLDS_SLOT].sort());
  });
});
