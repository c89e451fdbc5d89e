import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { problems } from './problem.js';

/**
 * Per-client-IP limits for endpoints anyone can call. In-memory per process: behind a load
 * balancer in scaled mode each process enforces its own share (a Redis store is the next step).
 */
export function limiter(windowMs: number, max: number) {
  return rateLimit({
    windowMs,
    limit: max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req: Request, _res: Response, next, options) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
      next(problems.tooManyRequests(seconds));
    },
  });
}
