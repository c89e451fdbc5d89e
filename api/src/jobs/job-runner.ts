import { sql, type Updateable } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import type { JobsTable } from '../db/schema.js';
import type { Tx } from '../db/tenancy.js';

export interface JobRequest {
  kind: string;
  /** Scheduling the same key again while one is pending does nothing. */
  key?: string;
  tenantId?: string;
  runAt?: Date;
  payload?: Record<string, unknown>;
  maxAttempts?: number;
}

interface ClaimedJob {
  id: number;
  kind: string;
  tenant_id: string | null;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

export interface JobContext {
  id: number;
  kind: string;
  tenantId: string | null;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** The runner's clock (tests move it forward instead of waiting). */
  now: Date;
}

// biome-ignore lint/suspicious/noExplicitAny: each handler knows its own payload
export type JobHandler = (payload: any, context: JobContext) => Promise<void>;

/**
 * Schedules work in the caller's transaction, so the job exists exactly when the change that
 * needs it committed. Works inside tenant transactions (the app role may insert jobs).
 */
export async function scheduleJob(tx: Tx, job: JobRequest): Promise<void> {
  await scheduleJobs(tx, [job]);
}

/** Several jobs in one statement; each keyed one is skipped while a job with its key is pending. */
export async function scheduleJobs(tx: Tx, jobs: JobRequest[]): Promise<void> {
  if (jobs.length === 0) return;
  await tx
    .insertInto('jobs')
    .values(
      jobs.map((job) => ({
        kind: job.kind,
        key: job.key ?? null,
        tenant_id: job.tenantId ?? null,
        payload: JSON.stringify(job.payload ?? {}),
        run_at: job.runAt ?? new Date(),
        max_attempts: job.maxAttempts,
      })),
    )
    .onConflict((oc) => oc.column('key').where('status', '=', 'pending').doNothing())
    .execute();
}

/** 30 s, 1 min, 2 min, … capped at an hour. */
export const retryDelayMs = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);

export interface JobRunnerOptions {
  pollMs?: number;
  /** How long a claimed job is ours; after that a crashed runner's job is claimed again. */
  leaseMs?: number;
  batch?: number;
}

/**
 * One runner for both modes: jobs live in PostgreSQL, so they survive restarts (due jobs run
 * when a process comes back) and any number of processes can run side by side — a claim is one
 * UPDATE … FOR UPDATE SKIP LOCKED, so each job is claimed by one runner at a time. A job runs
 * again only if its runner died before finishing it; handlers check state first, so a repeat
 * changes nothing.
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = true;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    options: JobRunnerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.batch = options.batch ?? 20;
  }

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`a handler for ${kind} is already registered`);
    this.handlers.set(kind, handler);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        // Keep going while there is a full batch; otherwise wait for the next poll.
        while (!this.stopped && (await this.runDue()) >= this.batch);
      } catch (error) {
        this.logger.error({ err: error }, 'job runner poll failed');
      }
      if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /**
   * Claims and runs the jobs due at `now`; returns how many ran. Serialised per runner.
   * `tenantId` limits the run to one network's jobs (tests sharing a database; operations), `kinds`
   * to jobs of those kinds (a test's own jobs that belong to no network).
   */
  async runDue(now = new Date(), tenantId?: string, kinds?: string[]): Promise<number> {
    const previous = this.running;
    const run = (async () => {
      await previous?.catch(() => {});
      return this.claimAndRun(now, tenantId, kinds);
    })();
    this.running = run;
    return run;
  }

  /** Runs due jobs until none are left (tests: "let time pass to `now`"). */
  async drain(now = new Date(), tenantId?: string, maxRounds = 50, kinds?: string[]): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const ran = await this.runDue(now, tenantId, kinds);
      total += ran;
      if (ran === 0) return total;
    }
    return total;
  }

  private async claimAndRun(now: Date, tenantId?: string, kinds?: string[]): Promise<number> {
    const claimed = await this.db.transaction().execute((tx) =>
      sql<ClaimedJob>`
        update jobs set status = 'running', attempts = attempts + 1, locked_until = ${new Date(now.getTime() + this.leaseMs)}
        where id in (
          select id from jobs
          where ((status = 'pending' and run_at <= ${now}) or (status = 'running' and locked_until < ${now}))
            -- Only work this runner knows how to do; another process may run other kinds.
            and kind = any(${(kinds ?? [...this.handlers.keys()]).filter((k) => this.handlers.has(k))}::text[])
            ${tenantId === undefined ? sql`` : sql`and tenant_id = ${tenantId}`}
          order by run_at, id
          limit ${this.batch}
          for update skip locked)
        returning id, kind, tenant_id, payload, attempts, max_attempts`.execute(tx),
    );
    const jobs = [...(claimed.rows as ClaimedJob[])].sort((a, b) => a.id - b.id);
    for (const job of jobs) await this.runOne(job, now);
    return jobs.length;
  }

  private async runOne(job: ClaimedJob, now: Date): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (!handler) {
      await this.finish(job, { status: 'failed', last_error: `no handler for ${job.kind}`, finished_at: new Date() });
      this.logger.error({ job_id: job.id, kind: job.kind }, 'job has no handler');
      return;
    }
    try {
      await handler(job.payload, { id: job.id, kind: job.kind, tenantId: job.tenant_id, attempt: job.attempts, maxAttempts: job.max_attempts, now });
      await this.finish(job, { status: 'done', finished_at: new Date(), locked_until: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = job.attempts >= job.max_attempts;
      this.logger.warn({ job_id: job.id, kind: job.kind, attempt: job.attempts, final, error: message }, 'job failed');
      try {
        await this.finish(
          job,
          final
            ? { status: 'failed', last_error: message, finished_at: new Date(), locked_until: null }
            : { status: 'pending', last_error: message, run_at: new Date(now.getTime() + retryDelayMs(job.attempts)), locked_until: null },
        );
      } catch (updateError) {
        // The same work was scheduled again meanwhile; that pending job will do it.
        if (!isUniqueViolation(updateError)) throw updateError;
        await this.finish(job, { status: 'done', last_error: `superseded after: ${message}`, finished_at: new Date() });
      }
    }
  }

  /** Records the outcome, unless the job was claimed again meanwhile (our lease ran out). */
  private async finish(job: ClaimedJob, values: Updateable<JobsTable>): Promise<void> {
    await this.db.updateTable('jobs').set(values).where('id', '=', job.id).where('status', '=', 'running').where('attempts', '=', job.attempts).execute();
  }
}
