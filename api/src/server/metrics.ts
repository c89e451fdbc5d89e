import type { NextFunction, Request, Response } from 'express';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MessageLog } from '../charging/message-log.js';
import type { DatabaseHandle } from '../db/database.js';

/**
 * The process's Prometheus metrics (prom-client), served at `/metrics`. Gauges that describe
 * shared state (job and outbox lag) are read from the database when scraped, so every process
 * reports the same figure; the rest are this process's own counts.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly ocppConnections = new Gauge({ name: 'voltshare_ocpp_connections', help: 'Charge points connected to this process', registers: [this.registry] });
  readonly ocppMessages = new Counter({
    name: 'voltshare_ocpp_messages_total',
    help: 'OCPP calls handled, by action and result (ok or the CALLERROR code)',
    labelNames: ['action', 'result'] as const,
    registers: [this.registry],
  });
  readonly ocppRefusedHandshakes = new Counter({
    name: 'voltshare_ocpp_refused_handshakes_total',
    help: 'WebSocket upgrades refused, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly ocppBadFrames = new Counter({ name: 'voltshare_ocpp_bad_frames_total', help: 'Frames that were not OCPP at all', registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'voltshare_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(database: DatabaseHandle, messageLog: MessageLog) {
    const { registry } = this;
    const pool = database.pool;
    new Gauge({
      name: 'voltshare_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting clients)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    new Gauge({
      name: 'voltshare_message_log_queued',
      help: 'OCPP frames waiting to be written to the message log',
      registers: [registry],
      collect() {
        this.set(messageLog.stats().queued);
      },
    });
    new Gauge({
      name: 'voltshare_message_log_dropped',
      help: 'OCPP frames the message log dropped since start, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
      collect() {
        const { dropped } = messageLog.stats();
        this.set({ reason: 'overflow' }, dropped.overflow);
        this.set({ reason: 'unstorable' }, dropped.unstorable);
      },
    });
    new Gauge({
      name: 'voltshare_backlog_lag_seconds',
      help: 'Age of the oldest due item not yet done: jobs, webhook deliveries, notifications (0 when none; -1 when the database is away)',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        try {
          const { rows } = await sql<{ jobs: number | null; webhooks: number | null; notifications: number | null }>`
            select
              (select extract(epoch from now() - min(run_at)) from jobs where status in ('pending', 'running') and run_at <= now())::float8 as jobs,
              (select extract(epoch from now() - min(created_at)) from webhook_deliveries where status = 'PENDING')::float8 as webhooks,
              (select extract(epoch from now() - min(created_at)) from notification_outbox where status = 'PENDING')::float8 as notifications`.execute(
            database.db,
          );
          const row = rows[0];
          for (const queue of ['jobs', 'webhooks', 'notifications'] as const) this.set({ queue }, Math.max(0, Number(row?.[queue] ?? 0)));
        } catch {
          for (const queue of ['jobs', 'webhooks', 'notifications'] as const) this.set({ queue }, -1);
        }
      },
    });
  }

  /** Times every Express request under its route pattern (not the raw path, which would explode the labels). */
  httpMiddleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.httpDuration.startTimer();
      res.once('finish', () => {
        const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}
