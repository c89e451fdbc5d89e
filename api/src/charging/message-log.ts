import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { Scopes } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { type Page, type PageRequest, toPage } from '../shared/pagination.js';
import type { OcppMessage } from './charging.model.js';

interface QueuedFrame {
  tenant_id: string;
  charge_point_id: string;
  direction: 'in' | 'out';
  frame: string;
}

export interface MessageLogOptions {
  /** Frames held in memory while the database is slow or away; past this the oldest are dropped. */
  maxQueued: number;
  /** Rows per INSERT: 4 parameters each, far below PostgreSQL's 65,535. */
  rowsPerInsert: number;
  flushEveryMs: number;
  /** Longest wait between tries while the database is away. */
  maxBackoffMs: number;
  /** Drops are logged at most this often (with the counts since the last line). */
  dropReportEveryMs: number;
}

export const DEFAULT_MESSAGE_LOG_OPTIONS: MessageLogOptions = {
  maxQueued: 100_000,
  rowsPerInsert: 1_000,
  flushEveryMs: 100,
  maxBackoffMs: 5_000,
  dropReportEveryMs: 10_000,
};

export interface MessageLogStats {
  queued: number;
  stored: number;
  /** Frames PostgreSQL would not take as JSON (a NUL, a lone surrogate), kept as their text. */
  storedAsText: number;
  dropped: { overflow: number; unstorable: number };
}

/**
 * The per-charge-point OCPP message log's writer. Frames are queued and written in batches (one
 * INSERT per network and chunk) so logging does not double the database work of every message.
 * A failed write never wedges it: while the database is away the queue is kept (bounded, oldest
 * dropped and counted) and retried with backoff; a frame PostgreSQL refuses is stored as text on
 * its own, without touching the frames beside it.
 */
export class MessageLog {
  private queue: QueuedFrame[] = [];
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private readonly stats_: MessageLogStats = { queued: 0, stored: 0, storedAsText: 0, dropped: { overflow: 0, unstorable: 0 } };
  private unreported = { overflow: 0, unstorable: 0 };
  private lastReportAt = 0;
  private readonly options: MessageLogOptions;

  constructor(
    private readonly scopes: Scopes,
    private readonly logger: Logger,
    options: Partial<MessageLogOptions> = {},
  ) {
    this.options = { ...DEFAULT_MESSAGE_LOG_OPTIONS, ...options };
  }

  append(tenantId: string, chargePointId: string, direction: 'in' | 'out', frame: unknown): void {
    this.queue.push({ tenant_id: tenantId, charge_point_id: chargePointId, direction, frame: JSON.stringify(frame) });
    this.enforceBound();
    this.schedule(this.options.flushEveryMs);
  }

  stats(): MessageLogStats {
    return { ...this.stats_, queued: this.queue.length, dropped: { ...this.stats_.dropped } };
  }

  /** Writes what is queued now; rejects if the database is away (the frames stay queued). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => {});
    if (this.queue.length === 0) return;
    this.writing = this.writeQueued();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  /** Stops the timer; the caller flushes what it can before closing the database. */
  /** Drops message-log entries older than the retention period. */
  async prune(olderThan: Date): Promise<number> {
    await this.flush();
    const result = await this.scopes.system((tx) => tx.deleteFrom('ocpp_messages').where('created_at', '<', olderThan).executeTakeFirst());
    return Number(result.numDeletedRows);
  }

  /** A charge point's frames, newest first (queued ones written first). */
  async page(tenantId: string, chargePointId: string, page: PageRequest): Promise<Page<OcppMessage>> {
    await this.flush();
    const after = page.after?.[0];
    const rows = await this.scopes.tenant(tenantId, async (tx) => {
      const exists = await tx.selectFrom('charge_points').select('id').where('tenant_id', '=', tenantId).where('id', '=', chargePointId).executeTakeFirst();
      if (!exists) throw fail.notFound('charge point', chargePointId);
      let query = tx
        .selectFrom('ocpp_messages')
        .select(['id', 'direction', 'frame', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .where('charge_point_id', '=', chargePointId)
        .orderBy('id', 'desc')
        .limit(page.limit + 1);
      if (typeof after === 'number') query = query.where('id', '<', after);
      return query.execute();
    });
    return toPage(
      rows,
      page,
      (r) => [Number(r.id)],
      (r) => ({ id: Number(r.id), direction: r.direction, frame: r.frame, created_at: r.created_at }),
    );
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().then(
        () => {
          this.failures = 0;
          if (this.queue.length) this.schedule(this.options.flushEveryMs);
        },
        (err: unknown) => {
          this.failures += 1;
          if (this.failures === 1)
            this.logger.warn({ err: isDatabaseUnavailable(err) ? undefined : err, queued: this.queue.length }, 'message log write failed; retrying');
          this.schedule(Math.min(this.options.maxBackoffMs, this.options.flushEveryMs * 2 ** this.failures));
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private enforceBound(): void {
    const excess = this.queue.length - this.options.maxQueued;
    if (excess <= 0) return;
    // Drop in slices (a hundredth of the bound) so a long outage does not cost a shift per frame.
    const drop = Math.min(this.queue.length, Math.max(excess, Math.ceil(this.options.maxQueued / 100)));
    this.queue.splice(0, drop);
    this.countDrop('overflow', drop);
  }

  private countDrop(reason: 'overflow' | 'unstorable', count: number): void {
    this.stats_.dropped[reason] += count;
    this.unreported[reason] += count;
    const now = Date.now();
    if (now - this.lastReportAt < this.options.dropReportEveryMs) return;
    this.lastReportAt = now;
    this.logger.warn({ dropped: this.unreported, queued: this.queue.length }, 'message log dropped frames');
    this.unreported = { overflow: 0, unstorable: 0 };
  }

  private async writeQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const byTenant = new Map<string, QueuedFrame[]>();
    for (const f of batch) {
      const rows = byTenant.get(f.tenant_id);
      if (rows) rows.push(f);
      else byTenant.set(f.tenant_id, [f]);
    }
    const pending = [...byTenant.values()];
    try {
      while (pending.length) {
        const rows = pending[0] as QueuedFrame[];
        const chunk = rows.slice(0, this.options.rowsPerInsert);
        try {
          await this.insert(chunk);
          rows.splice(0, chunk.length);
        } catch (err) {
          if (isDatabaseUnavailable(err)) throw err;
          // One frame (or one network's rows) the database refuses must not hold up the rest.
          for (const row of chunk) {
            await this.insertAlone(row);
            rows.shift();
          }
        }
        if (rows.length === 0) pending.shift();
      }
    } catch (err) {
      // The database is away: keep everything not yet written, ahead of what arrived meanwhile.
      this.queue = pending.flat().concat(this.queue);
      this.enforceBound();
      throw err;
    }
  }

  private async insert(rows: QueuedFrame[]): Promise<void> {
    const tenantId = (rows[0] as QueuedFrame).tenant_id;
    let asText = 0;
    const storable = rows.map((row) => {
      if (!row.frame.includes('\\u0000')) return row;
      asText += 1;
      return asTextRow(row, 'NUL character');
    });
    await this.scopes.tenant(tenantId, (tx) => tx.insertInto('ocpp_messages').values(storable).execute());
    this.stats_.stored += rows.length;
    this.stats_.storedAsText += asText;
  }

  /** A frame refused in a batch, on its own: as JSON, else as text, else dropped and counted. */
  private async insertAlone(row: QueuedFrame): Promise<void> {
    for (const attempt of [row, asTextRow(row, 'not storable as JSON')]) {
      try {
        await this.insert([attempt]);
        if (attempt !== row) this.stats_.storedAsText += 1;
        return;
      } catch (err) {
        if (isDatabaseUnavailable(err)) throw err;
      }
    }
    this.countDrop('unstorable', 1);
  }
}

/** The frame's JSON text as a string value: any escape in it becomes plain text PostgreSQL accepts. */
function asTextRow(row: QueuedFrame, reason: string): QueuedFrame {
  return { ...row, frame: JSON.stringify({ unstorable: reason, text: row.frame }) };
}
