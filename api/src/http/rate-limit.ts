import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
import { problems } from './problem.js';

export interface Limiter {
  middleware: RequestHandler;
  /**
   * Counts a request served outside Express against the same budget and sets the same
   * headers; false when the client is over its limit (let Express answer the 429).
   */
  hit(ip: string, res: ServerResponse): Promise<boolean>;
}

/**
 * Per-client-IP limits for endpoints anyone can call. In-memory per process: behind a load
 * balancer in scaled mode each process enforces its own share (a Redis store is the next step).
 */
export function limiter(windowMs: number, max: number): Limiter {
  const store = new MemoryStore();
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
  return {
    middleware,
    async hit(ip, res) {
      const { totalHits, resetTime } = await store.increment(ipKeyGenerator(ip, 56));
      if (totalHits > max) return false;
      const reset = Math.max(0, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
      res.setHeader('RateLimit-Policy', `${max};w=${Math.ceil(windowMs / 1000)}`);
      res.setHeader('RateLimit', `limit=${max}, remaining=${Math.max(0, max - totalHits)}, reset=${reset}`);
      return true;
    },
  };
}
