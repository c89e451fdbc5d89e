// Test support (not built): the platform with the OCPP gateway on PGlite, and a network's staff.
import { loadConfig, migrateToLatest, openDatabase, type RunningPlatform, startPlatform } from '@voltshare/api';
import supertest from 'supertest';
import { attachOcppGateway } from '../gateway.js';

export interface GatewayTestPlatform {
  platform: RunningPlatform;
  http: ReturnType<typeof supertest>;
  /** The network owner's access token. */
  staff: string;
  wsUrl: string;
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Resolves once `check` holds, polling every 25 ms; throws after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startGatewayTestPlatform(slug: string): Promise<GatewayTestPlatform> {
  const db = await openDatabase({});
  await migrateToLatest(db.db);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: `${slug}-secret-`.padEnd(40, '0'),
    VOLTSHARE_DEMO: 'false',
    DATA_DIR: `/tmp/voltshare-${slug}`,
    AUTH_RATE_LIMIT_MAX: '10000',
    JOB_POLL_MS: '100',
  });
  const platform = await startPlatform(config, db, [
    (server, services) => attachOcppGateway(server, services, { heartbeatIntervalS: 120, pingIntervalMs: 5_000, lastSeenEveryMs: 200 }),
  ]);
  const http = supertest(platform.server);
  const signup = await http
    .post('/v1/networks')
    .send({
      network: { name: `Network ${slug}`, slug, country: 'LU', currency: 'EUR' },
      owner: { email: `${slug}@example.com`, name: 'O', password: 'owner password' },
    })
    .expect(201);
  return { platform, http, staff: signup.body.tokens.access_token, wsUrl: `${platform.url.replace('http://localhost', 'ws://127.0.0.1')}/ocpp` };
}

/** A bare site (no EVSEs) of the staff's network; returns its id. */
export async function createSite(http: GatewayTestPlatform['http'], staff: string, name: string, latitude = 49.6, longitude = 6.13): Promise<string> {
  const res = await http
    .post('/v1/locations')
    .set(auth(staff))
    .send({ name, address: 'Rue 1', city: 'Luxembourg', country: 'LU', coordinates: { latitude, longitude }, time_zone: 'Europe/Luxembourg' })
    .expect(201);
  return res.body.id;
}
