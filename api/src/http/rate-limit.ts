import type { Request, RequestHandler, Response } from 'express';
import { type ClientRateLimitInfo, ipKeyGenerator, type Options, rateLimit, type Store } from 'express-rate-limit';
import { problems } from './problem.js';

export interface Limiter {
  middleware: RequestHandler;
  /**
   * Counts a request served outside Express against the same budget: the headers Express would
   * set (name, value, name, value), or undefined when the client is over its limit (let Express
   * answer the 429).
   */
  hit(ip: string): string[] | undefined;
}

/**
 * Fixed windows per client in a map, like express-rate-limit's MemoryStore, but able to count
 * synchronously: the discovery fast path answers without waiting on a promise.
 */
interface Window {
  totalHits: number;
  resetTime: Date;
}

class WindowStore implements Store {
  readonly localKeys = true;
  private windowMs = 60_000;
  private readonly clients = new Map<string, Window>();
  private sweeper: NodeJS.Timeout | undefined;

  init(options: Options): void {
    this.windowMs = options.windowMs;
    clearInterval(this.sweeper);
    this.sweeper = setInterval(() => this.sweep(), this.windowMs).unref();
  }

  hit(key: string): Window {
    const now = Date.now();
    let client = this.clients.get(key);
    if (!client || client.resetTime.getTime() <= now) {
      client = { totalHits: 0, resetTime: new Date(now + this.windowMs) };
      this.clients.set(key, client);
    }
    client.totalHits += 1;
    return client;
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
    this.clients.clear();
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
 * Per-client-IP limits for endpoints anyone can call. In-memory per process: behind a load
 * balancer in scaled mode each process enforces its own share (a Redis store is the next step).
 */
export function limiter(windowMs: number, max: number): Limiter {
  const store = new WindowStore();
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
  };
}
