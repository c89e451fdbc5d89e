import { describe, expect, it } from 'vitest';
import { limiter } from './rate-limit.js';

describe('public rate limit counted outside Express', () => {
  it('gives each IPv4 client its own budget and answers with the draft-7 headers', () => {
    const limit = limiter(60_000, 2);
    const first = limit.hit('203.0.113.7');
    expect(first?.slice(0, 3)).toEqual(['RateLimit-Policy', '2;w=60', 'RateLimit']);
    expect(first?.[3]).toMatch(/^limit=2, remaining=1, reset=(59|60)$/);
    expect(limit.hit('203.0.113.7')?.[3]).toMatch(/^limit=2, remaining=0, reset=/);
    expect(limit.hit('203.0.113.7')).toBeUndefined();
    expect(limit.hit('203.0.113.8')?.[3]).toMatch(/remaining=1,/);
  });

  it('counts IPv6 clients by their /56, as express-rate-limit does, and mapped IPv4 as IPv4', () => {
    const limit = limiter(60_000, 2);
    expect(limit.hit('2001:db8:0:1::1')).toBeDefined();
    expect(limit.hit('2001:db8:0:2::9')).toBeDefined();
    // Same /56 (2001:db8:0:0::/56): the third request is over.
    expect(limit.hit('2001:db8:0:3::5')).toBeUndefined();
    expect(limit.hit('2001:db8:0:100::1')).toBeDefined();
    expect(limit.hit('::ffff:198.51.100.4')).toBeDefined();
    expect(limit.hit('198.51.100.4')).toBeDefined();
    expect(limit.hit('198.51.100.4')).toBeUndefined();
  });
});
