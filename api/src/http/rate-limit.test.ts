import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Limiter, limiter, RedisSharedCounts } from './rate-limit.js';

const remaining = (headers: string[] | undefined) => Number(/remaining=(\d+)/.exec(headers?.[3] ?? '')?.[1]);

describe('public rate limit counted outside Express', () => {
  it('gives each IPv4 client its own budget and answers with the draft-7 headers', () => {
    const limit = limiter({ name: 'test', windowMs: 60_000, max: 2 });
    const first = limit.hit('203.0.113.7');
    expect(first?.slice(0, 3)).toEqual(['RateLimit-Policy', '2;w=60', 'RateLimit']);
    expect(first?.[3]).toMatch(/^limit=2, remaining=1, reset=(59|60)$/);
    expect(limit.hit('203.0.113.7')?.[3]).toMatch(/^limit=2, remaining=0, reset=/);
    expect(limit.hit('203.0.113.7')).toBeUndefined();
    expect(remaining(limit.hit('203.0.113.8'))).toBe(1);
    limit.close();
  });

  it('counts IPv6 clients by their /56, as express-rate-limit does, and mapped IPv4 as IPv4', () => {
    const limit = limiter({ name: 'test', windowMs: 60_000, max: 2 });
    expect(limit.hit('2001:db8:0:1::1')).toBeDefined();
    expect(limit.hit('2001:db8:0:2::9')).toBeDefined();
    // Same /56 (2001:db8:0:0::/56): the third request is over.
    expect(limit.hit('2001:db8:0:3::5')).toBeUndefined();
    expect(limit.hit('2001:db8:0:100::1')).toBeDefined();
    expect(limit.hit('::ffff:198.51.100.4')).toBeDefined();
    expect(limit.hit('198.51.100.4')).toBeDefined();
    expect(limit.hit('198.51.100.4')).toBeUndefined();
    limit.close();
  });
});

// The scaled mode's Redis; CI runs one (as for the PostgreSQL suites).
describe.skipIf(!process.env.TEST_DATABASE_URL)('rate limits shared by several processes through Redis', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const prefix = `voltshare:test:${process.pid}:${Date.now()}:`;
  const open: Limiter[] = [];
  const oneProcess = (name = 'public', max = 10, counts = new RedisSharedCounts(redis, prefix)) => {
    const limit = limiter({ name, windowMs: 60_000, max, shared: counts });
    open.push(limit);
    return limit;
  };

  beforeAll(async () => {
    await redis.ping();
  });
  afterAll(async () => {
    for (const limit of open) limit.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('gives a client one budget across processes, learnt from each batch sent', async () => {
    const a = oneProcess();
    const b = oneProcess();
    for (let i = 0; i < 6; i++) expect(a.hit('203.0.113.20')).toBeDefined();
    await a.settled();
    // B has not heard of the client yet: its first hit passes and brings back the total.
    expect(remaining(b.hit('203.0.113.20'))).toBe(9);
    await b.settled();
    expect(remaining(b.hit('203.0.113.20'))).toBe(2);
    expect(remaining(b.hit('203.0.113.20'))).toBe(1);
    expect(remaining(b.hit('203.0.113.20'))).toBe(0);
    expect(b.hit('203.0.113.20')).toBeUndefined();
    await b.settled();
    // A learns the others' hits with its next batch.
    a.hit('203.0.113.20');
    await a.settled();
    expect(a.hit('203.0.113.20')).toBeUndefined();
    expect(Number(await redis.get(`${prefix}public:203.0.113.20`))).toBeGreaterThanOrEqual(12);
    const ttl = await redis.pttl(`${prefix}public:203.0.113.20`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // Other clients and other limiters keep their own counts.
    expect(remaining(a.hit('203.0.113.21'))).toBe(9);
    expect(remaining(oneProcess('auth').hit('203.0.113.20'))).toBe(9);
  });

  it('keeps counting in process while Redis is unreachable, and shares the hits once it is back', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    unreachable.on('error', () => {});
    let reachable = false;
    const flaky = new RedisSharedCounts(unreachable, prefix);
    const good = new RedisSharedCounts(redis, prefix);
    const counts = { add: (...args: Parameters<RedisSharedCounts['add']>) => (reachable ? good : flaky).add(...args) };
    const limit = oneProcess('offline', 3, counts as RedisSharedCounts);
    expect(limit.hit('203.0.113.30')).toBeDefined();
    expect(limit.hit('203.0.113.30')).toBeDefined();
    await limit.settled();
    expect(remaining(limit.hit('203.0.113.30'))).toBe(0);
    expect(limit.hit('203.0.113.30')).toBeUndefined();
    expect(await redis.get(`${prefix}offline:203.0.113.30`)).toBeNull();
    reachable = true;
    await limit.settled();
    expect(Number(await redis.get(`${prefix}offline:203.0.113.30`))).toBe(4);
  });
});
