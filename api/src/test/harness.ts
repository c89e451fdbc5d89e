import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { inject } from 'vitest';
import { createApp } from '../app.js';
import { type Config, loadConfig } from '../config/config.js';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { createLogger } from '../server/logger.js';
import { createServices, type Services } from '../server/services.js';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; the real PostgreSQL server too when the run was given TEST_DATABASE_URL (CI). */
export function backends(): Backend[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

export async function openTestDatabase(backend: Backend): Promise<DatabaseHandle> {
  if (backend === 'postgres') {
    const url = inject('postgresUrl');
    if (!url) throw new Error('no PostgreSQL server for this run');
    return openDatabase({ databaseUrl: url, poolSize: 5 });
  }
  const dump = await readFile(inject('pgliteTemplate'));
  return openDatabase({ loadDataDir: new Blob([dump]) });
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'voltshare-test-')),
    VOLTSHARE_DEMO: 'false',
    AUTH_RATE_LIMIT_MAX: '10000',
    ...overrides,
  });
}

export interface TestApp {
  services: Services;
  http: TestAgent;
  close(): Promise<void>;
}

export async function startTestApp(backend: Backend, env: Record<string, string> = {}, database?: DatabaseHandle): Promise<TestApp> {
  const config = testConfig(env);
  const db = database ?? (await openTestDatabase(backend));
  const services = createServices(config, db, createLogger(config.logLevel));
  const app = createApp(services);
  return { services, http: supertest(app), close: () => db.close() };
}

let counter = 0;
/** Unique per test run and process, so suites can share one server database. */
export function unique(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export interface SignedUpNetwork {
  networkId: string;
  ownerId: string;
  ownerEmail: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export async function signUpNetwork(http: TestAgent, name = 'Test Network'): Promise<SignedUpNetwork> {
  const slug = unique('net').toLowerCase();
  const ownerEmail = `${slug}@example.com`;
  const password = 'correct horse battery';
  const res = await http
    .post('/v1/networks')
    .send({ network: { name, slug, country: 'LU', currency: 'EUR' }, owner: { email: ownerEmail, name: 'Owner', password } })
    .expect(201);
  return {
    networkId: res.body.network.id,
    ownerId: res.body.owner_id,
    ownerEmail,
    password,
    accessToken: res.body.tokens.access_token,
    refreshToken: res.body.tokens.refresh_token,
  };
}

export async function registerDriver(
  http: TestAgent,
): Promise<{ driverId: string; email: string; password: string; accessToken: string; refreshToken: string }> {
  const email = `${unique('driver')}@example.com`;
  const password = 'driver password 123';
  const res = await http.post('/v1/drivers').send({ email, name: 'Driver', password }).expect(201);
  return { driverId: res.body.driver_id, email, password, accessToken: res.body.tokens.access_token, refreshToken: res.body.tokens.refresh_token };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
