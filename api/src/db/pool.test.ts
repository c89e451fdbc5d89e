import { createServer } from 'node:net';
import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from './database.js';
import { isDatabaseUnavailable } from './errors.js';

const url = inject('postgresUrl');

describe.skipIf(!url)('the PostgreSQL pool', () => {
  it('a burst longer than the connect timeout waits for free clients instead of failing', async () => {
    // One client, twenty queries of 300 ms: the last waits about 6 s for the pool, beyond the 5 s
    // a connection may take to be made. Load is not an outage.
    const database = await openDatabase({ databaseUrl: url as string, poolSize: 1 });
    try {
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => sql`select pg_sleep(0.3)`.execute(database.db)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(Date.now() - started).toBeGreaterThan(5_000);
    } finally {
      await database.close();
    }
  }, 30_000);

  it('a server that does not answer the connection fails within the connect timeout, as unavailable', async () => {
    // A port that accepts TCP and never speaks: the client's own connect timeout must end the wait.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const database = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/none`, poolSize: 2 });
    try {
      const started = Date.now();
      const error = await sql`select 1`.execute(database.db).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeDefined();
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await database.close().catch(() => {});
      silent.close();
    }
  }, 20_000);
});
