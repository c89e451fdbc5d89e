// A fresh, migrated PostgreSQL database for one benchmark run, dropped by `drop()`.
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../api/dist/index.js';

export async function freshDatabase(server, label) {
  const name = `voltshare_bench_${label}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString() });
  await migrateToLatest(db.db);
  await db.close();
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
