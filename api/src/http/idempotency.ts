import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/database.js';
import { problems } from './problem.js';

const RETENTION_MS = 24 * 3600 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` for every mutating request: the first response (if not a 5xx) is stored and
 * replayed for a retry with the same key and body; the same key with a different request is a
 * 422; a retry while the first is still running is a 409. Keys are scoped to the credentials,
 * so two clients cannot collide or read each other's responses.
 */
export function idempotency(db: Db) {
  let lastSweep = 0;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.get('idempotency-key');
    if (key === undefined || !['POST', 'PATCH', 'PUT', 'DELETE'].includes(req.method)) return next();
    if (!KEY_PATTERN.test(key)) {
      return next(problems.validation([{ field: 'header.Idempotency-Key', message: 'must be 1–255 printable ASCII characters' }]));
    }
    const scope = createHash('sha256')
      .update(req.get('authorization') ?? `anonymous:${req.ip}`)
      .digest('hex');
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');

    if (Date.now() - lastSweep > 3600_000) {
      lastSweep = Date.now();
      await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', new Date(Date.now() - RETENTION_MS))
        .execute();
    }

    const claimed = await db
      .insertInto('idempotency_keys')
      .values({ scope, key, request_hash: requestHash, status: null, response: null })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();

    if (!claimed) {
      const stored = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      if (!stored) return next(problems.idempotencyInProgress());
      if (stored.request_hash !== requestHash) return next(problems.idempotencyMismatch());
      if (stored.status === null) return next(problems.idempotencyInProgress());
      res.setHeader('Idempotent-Replayed', 'true');
      const body = stored.response as { content_type?: string; body: string | null };
      res.status(stored.status);
      if (body.body === null || body.body === undefined) {
        res.end();
        return;
      }
      res.type(body.content_type ?? 'application/json').send(body.body);
      return;
    }

    // The response is stored before it is sent, so an immediate retry already sees it.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      const [chunk] = args;
      const body =
        chunk === undefined || chunk === null || typeof chunk === 'function' ? null : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      const stored =
        res.statusCode >= 500
          ? // A server error is not an answer: let the client retry with the same key.
            db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute()
          : db
              .updateTable('idempotency_keys')
              .set({ status: res.statusCode, response: JSON.stringify({ content_type: res.get('content-type'), body }) })
              .where('scope', '=', scope)
              .where('key', '=', key)
              .execute();
      stored.catch((error: unknown) => req.log?.error({ err: error }, 'could not store idempotent response')).finally(() => end(...args));
      return res;
    }) as Response['end'];
    next();
  };
}
