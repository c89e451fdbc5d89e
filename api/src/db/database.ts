import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** For the embedded mode's template: a dump of the data directory. */
  pglite?: PGlite;
  /** The server's connection pool (for its metrics). */
  pool?: pg.Pool;
  close(): Promise<void>;
}

// timestamptz as Date, bigint counts as numbers: the domain never holds more than 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export const PGLITE_EXTENSIONS = { btree_gist, cube, earthdistance };

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; omitted means in memory. */
  dataDir?: string;
  /** PGlite: start from a dumped data directory (tests share one migrated template). */
  loadDataDir?: Blob | File;
  poolSize?: number;
}

const CONNECT_TIMEOUT_MS = 5_000;
const POOL_WAIT_MS = 30_000;

/** A pool client that gives up connecting after CONNECT_TIMEOUT_MS, whatever the pool waits for a free one. */
class FastFailClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    // Two different waits: a connection that cannot be made in 5 s means the database is away
    // (the request fails fast, 503); waiting for a busy pool's free client is load, not an outage,
    // and may take longer (pg-pool would apply one timeout to both).
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: POOL_WAIT_MS,
      Client: FastFailClient,
    });
    pool.on('error', () => {
      // An idle client lost its server; the pool replaces it on next use.
    });
    pool.on('connect', (client) => {
      // A checked-out client whose server goes away emits 'error' too; without a listener that
      // would kill the process. The query in flight rejects, and the pool discards the client.
      client.on('error', () => {});
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', pool, close: () => db.destroy() };
  }
  let dataDir: string | undefined;
  let unlock = () => {};
  if (options.dataDir) {
    dataDir = path.resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir,
      loadDataDir: options.loadDataDir,
      extensions: PGLITE_EXTENSIONS,
      parsers: { 20: (value: string) => Number.parseInt(value, 10) },
    });
  } catch (error) {
    unlock();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
      unlock();
    },
  };
}

export async function isReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
