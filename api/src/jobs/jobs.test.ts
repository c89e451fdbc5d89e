import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../server/logger.js';
import { type Backend, backends, openTestDatabase, unique } from '../test/harness.js';
import { JobRunner, retryDelayMs, scheduleJob } from './job-runner.js';

const logger = createLogger('silent');
const SECOND = 1000;

/** A runner whose handler counts runs per job key; `fail` decides whether a run throws. */
function countingRunner(db: DatabaseHandle, kind: string, fail: (runs: number, name: string) => boolean = () => false) {
  const runs = new Map<string, number>();
  const runner = new JobRunner(db.db, logger, { leaseMs: 60 * SECOND, batch: 25 });
  runner.register(kind, async (payload: { name: string }) => {
    const n = (runs.get(payload.name) ?? 0) + 1;
    runs.set(payload.name, n);
    if (fail(n, payload.name)) throw new Error(`run ${n} failed`);
  });
  return { runner, runs };
}

const schedule = (db: DatabaseHandle, kind: string, name: string, runAt = new Date(), key?: string) =>
  db.db.transaction().execute((tx) => scheduleJob(tx, { kind, key, runAt, payload: { name } }));

const statusOf = async (db: DatabaseHandle, kind: string) =>
  db.db.selectFrom('jobs').select(['status', 'attempts', 'last_error']).where('kind', '=', kind).execute();

describe.each(backends())('job runner on %s', (backend: Backend) => {
  let db: DatabaseHandle;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
  });
  afterAll(() => db.close());

  it('schedules the same key once while it is pending', async () => {
    const kind = unique('dedupe');
    const { runner, runs } = countingRunner(db, kind);
    await schedule(db, kind, 'a', new Date(), `${kind}:a`);
    await schedule(db, kind, 'a', new Date(), `${kind}:a`);
    expect(await statusOf(db, kind)).toHaveLength(1);
    await runner.drain();
    expect(runs.get('a')).toBe(1);
    // Done jobs do not block new work under the same key.
    await schedule(db, kind, 'a', new Date(), `${kind}:a`);
    await runner.drain();
    expect(runs.get('a')).toBe(2);
  });

  it('runs a job only when due, retries failures with backoff, and gives up after the last attempt', async () => {
    const kind = unique('retry');
    const { runner, runs } = countingRunner(db, kind, (n, name) => name === 'flaky' && n < 3);
    const now = new Date();
    await schedule(db, kind, 'later', new Date(now.getTime() + 20 * SECOND));
    await schedule(db, kind, 'flaky', now);
    await runner.drain(now);
    expect(runs.get('later')).toBeUndefined();
    expect(runs.get('flaky')).toBe(1);
    // Not again before the backoff has passed.
    await runner.drain(new Date(now.getTime() + retryDelayMs(1) - SECOND));
    expect(runs.get('flaky')).toBe(1);
    await runner.drain(new Date(now.getTime() + retryDelayMs(1) + SECOND));
    expect(runs.get('flaky')).toBe(2);
    expect(runs.get('later')).toBe(1);
    await runner.drain(new Date(now.getTime() + retryDelayMs(1) + retryDelayMs(2) + 2 * SECOND));
    expect(runs.get('flaky')).toBe(3);
    expect((await statusOf(db, kind)).map((j) => j.status).sort()).toEqual(['done', 'done']);

    const doomed = unique('doomed');
    const failing = countingRunner(db, doomed, () => true);
    await db.db.transaction().execute((tx) => scheduleJob(tx, { kind: doomed, payload: { name: 'x' }, maxAttempts: 2 }));
    await failing.runner.drain(now);
    await failing.runner.drain(new Date(now.getTime() + retryDelayMs(1) + SECOND));
    await failing.runner.drain(new Date(now.getTime() + 10 * 3_600_000));
    expect(failing.runs.get('x')).toBe(2);
    expect(await statusOf(db, doomed)).toEqual([{ status: 'failed', attempts: 2, last_error: 'run 2 failed' }]);
  });

  it('takes over a job whose runner died mid-run, once its lease has run out', async () => {
    const kind = unique('crash');
    await schedule(db, kind, 'orphan');
    // What a process that claimed the job and then died leaves behind.
    const now = new Date();
    await db.db
      .updateTable('jobs')
      .set({ status: 'running', attempts: 1, locked_until: new Date(now.getTime() + 60 * SECOND) })
      .where('kind', '=', kind)
      .execute();
    const { runner, runs } = countingRunner(db, kind);
    await runner.drain(now);
    expect(runs.get('orphan')).toBeUndefined();
    await runner.drain(new Date(now.getTime() + 61 * SECOND));
    expect(runs.get('orphan')).toBe(1);
    await runner.drain(new Date(now.getTime() + 3_600_000));
    expect(runs.get('orphan')).toBe(1);
    expect(await statusOf(db, kind)).toEqual([{ status: 'done', attempts: 2, last_error: null }]);
  });

  it.runIf(backend === 'postgres')('two runners on one database run each of 300 jobs exactly once', async () => {
    const kind = unique('race');
    for (let i = 0; i < 300; i++) await schedule(db, kind, `job-${i}`);
    const second = await openTestDatabase('postgres');
    try {
      const a = countingRunner(db, kind);
      const b = countingRunner(second, kind);
      await Promise.all([a.runner.drain(), b.runner.drain()]);
      const total = new Map<string, number>();
      for (const [name, n] of [...a.runs, ...b.runs]) total.set(name, (total.get(name) ?? 0) + n);
      expect(total.size).toBe(300);
      expect([...total.values()].every((n) => n === 1)).toBe(true);
      // Both did some of the work.
      expect(a.runs.size).toBeGreaterThan(0);
      expect(b.runs.size).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });
});

describe('job runner across a restart (embedded data directory)', () => {
  it('runs jobs that came due while the process was down, once', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'voltshare-jobs-'));
    const kind = 'restart.test';
    const first = await openDatabase({ dataDir });
    await migrateToLatest(first.db);
    await schedule(first, kind, 'due-soon', new Date(Date.now() + 200));
    await schedule(first, kind, 'tomorrow', new Date(Date.now() + 86_400_000));
    await first.close();

    await new Promise((resolve) => setTimeout(resolve, 250));
    const second = await openDatabase({ dataDir });
    try {
      const { runner, runs } = countingRunner(second, kind);
      runner.start();
      await expect.poll(() => runs.get('due-soon'), { timeout: 10_000 }).toBe(1);
      await runner.stop();
      await runner.drain();
      expect(runs.get('due-soon')).toBe(1);
      expect(runs.get('tomorrow')).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});
