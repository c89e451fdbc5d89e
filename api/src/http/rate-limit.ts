import type { Request, RequestHandler, Response } from 'express';
import { type ClientRateLimitInfo, ipKeyGenerator, type Options, rateLimit, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { problems } from './problem.js';

export interface Limiter {
  middleware: RequestHandler;
  /**
   * Counts a request served outside Express against the same budget: the headers Express would
   * set (name, value, name, value), or undefined when the client is over its limit (let Express
   * answer the 429).
   */
  hit(ip: string): string[] | undefined;
  /** Resolves once every hit counted so far has reached the shared counts (scaled mode); for tests and shutdown. */
  settled(): Promise<void>;
  close(): void;
}

/** Where the processes of a scaled deployment add up their counts, so a client has one budget. */
export interface SharedCounts {
  /**
   * Adds hits to each key's window (opened by the first hit anywhere, `windowMs` long) and answers
   * each window's total across processes and the milliseconds until it closes.
   */
  add(batch: { key: string; hits: number }[], windowMs: number): Promise<{ total: number; resetMs: number }[]>;
}

/** Shared counts in Redis: one key per client and window, expiring with the window. */
export class RedisSharedCounts implements SharedCounts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'voltshare:rate-limit:',
  ) {}

  async add(batch: { key: string; hits: number }[], windowMs: number): Promise<{ total: number; resetMs: number }[]> {
    const pipeline = this.redis.multi();
    for (const { key, hits } of batch) {
      pipeline.incrby(this.prefix + key, hits);
      // NX: only the window's first hit sets its end (Redis 7).
      pipeline.call('pexpire', this.prefix + key, windowMs, 'NX');
      pipeline.pttl(this.prefix + key);
    }
    const replies = (await pipeline.exec()) ?? [];
    return batch.map((_, i) => {
      const total = replies[3 * i];
      const ttl = replies[3 * i + 2];
      const error = total?.[0] ?? ttl?.[0];
      if (error || !total || !ttl) throw error ?? new Error('rate-limit counts: incomplete reply');
      // A key always has an expiry here (set in the same transaction); −1/−2 would mean it has none.
      const resetMs = Number(ttl[1]);
      return { total: Number(total[1]), resetMs: resetMs >= 0 ? resetMs : windowMs };
    });
  }
}

/**
 * Fixed windows per client in a map, like express-rate-limit's MemoryStore, but able to count
 * synchronously: the discovery fast path answers without waiting on a promise. With shared
 * counts (scaled mode) each window also learns the other processes' hits: this process's new hits
 * are sent in batches every FLUSH_MS, and the answer brings back the window's total. So a client
 * can overshoot its budget by what the other processes let through within one batch interval.
 */
interface Window {
  /** Hits in this window as far as this process knows: its own plus the others' last reported. */
  totalHits: number;
  resetTime: Date;
  /** This process's hits not sent to the shared counts yet. */
  unsent: number;
}

const FLUSH_MS = 50;

class WindowStore implements Store {
  readonly localKeys = true;
  private windowMs = 60_000;
  private readonly clients = new Map<string, Window>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Clients with unsent hits. */
  private readonly toSend = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failing = false;

  constructor(
    private readonly name: string,
    private readonly shared?: SharedCounts,
    private readonly logger?: Logger,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    clearInterval(this.sweeper);
    this.sweeper = setInterval(() => this.sweep(), this.windowMs).unref();
  }

  hit(key: string): Window {
    const now = Date.now();
    let client = this.clients.get(key);
    if (!client || client.resetTime.getTime() <= now) {
      client = { totalHits: 0, resetTime: new Date(now + this.windowMs), unsent: 0 };
      this.clients.set(key, client);
    }
    client.totalHits += 1;
    if (this.shared) {
      client.unsent += 1;
      this.toSend.add(key);
      this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
    }
    return client;
  }

  /** Sends the unsent hits and takes in the totals; Redis being away only delays the sharing. */
  private flush(): Promise<void> {
    this.flushTimer = undefined;
    // One batch at a time, so totals are taken in the order they were counted.
    const run = (this.flushing ?? Promise.resolve()).then(() => this.send());
    this.flushing = run;
    run
      .finally(() => {
        if (this.flushing === run) this.flushing = undefined;
      })
      .catch(() => {});
    return run;
  }

  private async send(): Promise<void> {
    const batch: { key: string; window: Window; hits: number }[] = [];
    for (const key of this.toSend) {
      const window = this.clients.get(key);
      if (window && window.unsent > 0) batch.push({ key, window, hits: window.unsent });
    }
    this.toSend.clear();
    if (batch.length === 0 || !this.shared) return;
    for (const sent of batch) sent.window.unsent -= sent.hits;
    try {
      const totals = await this.shared.add(
        batch.map(({ key, hits }) => ({ key: `${this.name}:${key}`, hits })),
        this.windowMs,
      );
      const now = Date.now();
      batch.forEach(({ window }, i) => {
        const { total, resetMs } = totals[i] as { total: number; resetMs: number };
        // Hits made while the batch travelled are not in the total yet.
        window.totalHits = Math.max(window.totalHits, total + window.unsent);
        window.resetTime = new Date(now + resetMs);
      });
      if (this.failing) this.logger?.info({ limiter: this.name }, 'rate-limit counts shared again');
      this.failing = false;
    } catch (error) {
      // Counted here meanwhile; the hits go with a later batch.
      for (const { key, window, hits } of batch) {
        window.unsent += hits;
        this.toSend.add(key);
      }
      if (!this.failing) this.logger?.warn({ err: error, limiter: this.name }, 'rate-limit counts not shared: counting in this process');
      this.failing = true;
      this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS * 20).unref();
    }
  }

  /** Waits for the hits counted so far to be sent (or to fail to be). */
  async settled(): Promise<void> {
    if (this.toSend.size > 0) {
      clearTimeout(this.flushTimer);
      await this.flush();
    }
    await this.flushing;
  }

  increment(key: string): ClientRateLimitInfo {
    return this.hit(key);
  }

  get(key: string): ClientRateLimitInfo | undefined {
    const client = this.clients.get(key);
    return client && client.resetTime.getTime() > Date.now() ? client : undefined;
  }

  decrement(key: string): void {
    const client = this.clients.get(key);
    if (client && client.totalHits > 0) client.totalHits -= 1;
  }

  resetKey(key: string): void {
    this.clients.delete(key);
  }

  resetAll(): void {
    this.clients.clear();
  }

  shutdown(): void {
    clearInterval(this.sweeper);
    clearTimeout(this.flushTimer);
    this.clients.clear();
    this.toSend.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, client] of this.clients) if (client.resetTime.getTime() <= now) this.clients.delete(key);
  }
}

/** An IPv4 address is its own key; IPv6 ones count by /56 (a parse worth remembering per address). */
const ipv6Keys = new Map<string, string>();
function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  let key = ipv6Keys.get(ip);
  if (key === undefined) {
    if (ipv6Keys.size >= 10_000) ipv6Keys.clear();
    key = ipKeyGenerator(ip, 56);
    ipv6Keys.set(ip, key);
  }
  return key;
}

/**
 * Per-client-IP limits for endpoints anyone can call: counted in process, and in scaled mode
 * shared through `shared` so that a client's budget is one across the processes.
 */
export function limiter(options: { name: string; windowMs: number; max: number; shared?: SharedCounts; logger?: Logger }): Limiter {
  const { name, windowMs, max, shared, logger } = options;
  const store = new WindowStore(name, shared, logger);
  const middleware = rateLimit({
    windowMs,
    limit: max,
    store,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req: Request, _res: Response, next, options) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
      next(problems.tooManyRequests(seconds));
    },
  });
  const policy = `${max};w=${Math.ceil(windowMs / 1000)}`;
  return {
    middleware,
    hit(ip) {
      const { totalHits, resetTime } = store.hit(clientKey(ip));
      if (totalHits > max) return undefined;
      const reset = Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000));
      return ['RateLimit-Policy', policy, 'RateLimit', `limit=${max}, remaining=${Math.max(0, max - totalHits)}, reset=${reset}`];
    },
    settled: () => store.settled(),
    close: () => store.shutdown(),
  };
}
