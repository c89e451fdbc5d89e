import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('ids', () => {
  it('sort by creation even when many are made in the same millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId('evse'));
    const perMs = new Map<string, number>();
    for (const id of ids) perMs.set(id.slice(5, 15), (perMs.get(id.slice(5, 15)) ?? 0) + 1);
    expect(Math.max(...perMs.values())).toBeGreaterThan(1); // the loop does make ids within one millisecond
    for (let i = 1; i < ids.length; i++) expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keep the prefixed lowercase Crockford shape', () => {
    expect(newId('stn')).toMatch(/^stn_[0-9a-hjkmnp-tv-z]{26}$/);
  });
});
