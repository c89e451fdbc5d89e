import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresUrl: string | null;
  }
}

/**
 * Runs once per test run. A new PGlite takes seconds to initialise, so every test file loads
 * one migrated template instead. With TEST_DATABASE_URL, a fresh database on that server is
 * created and migrated for this run and dropped at the end.
 */
export default async function setup(project: TestProject) {
  const template = await openDatabase({});
  await migrateToLatest(template.db);
  const dump = await template.pglite!.dumpDataDir('gzip');
  const templatePath = path.join(tmpdir(), `voltshare-template-${process.pid}.tar.gz`);
  await writeFile(templatePath, Buffer.from(await dump.arrayBuffer()));
  await template.close();
  project.provide('pgliteTemplate', templatePath);

  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    project.provide('postgresUrl', null);
    return;
  }
  const name = `voltshare_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString() });
  await migrateToLatest(db.db);
  await db.close();
  project.provide('postgresUrl', url.toString());
  return async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
