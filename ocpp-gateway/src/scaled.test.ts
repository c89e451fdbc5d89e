import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ocppRpc from 'ocpp-rpc';
import pg from 'pg';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const serverUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Two gateway + API processes on one PostgreSQL server and one Redis: the scaled mode. */
describe.skipIf(!serverUrl)('scaled mode: two processes, PostgreSQL and Redis', () => {
  const children: ChildProcess[] = [];
  const dbName = `voltshare_scaled_${Date.now()}_${process.pid}`;
  let a: string;
  let b: string;
  let admin: pg.Client;

  function start(databaseUrl: string): Promise<string> {
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        JWT_SECRET: 'scaled-test-secret-scaled-test-secret-00',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        VOLTSHARE_DEMO: 'false',
        AUTH_RATE_LIMIT_MAX: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        out += chunk;
        const m = /API\s+(http:\/\/localhost:\d+)\/v1/.exec(out);
        if (m?.[1]) resolve(m[1].replace('localhost', '127.0.0.1'));
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
  }

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const url = new URL(serverUrl as string);
    url.pathname = `/${dbName}`;
    a = await start(url.toString());
    b = await start(url.toString());
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  const api = async (base: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test walks arbitrary response JSON
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('a command sent through one process reaches a charger connected to the other, and realtime crosses too', async () => {
    const signup = await api(a, '/v1/networks', {
      body: {
        network: { name: 'Scaled', slug: 'scaled', country: 'LU', currency: 'EUR' },
        owner: { email: 's@example.com', name: 'S', password: 'owner password' },
      },
    });
    expect(signup.status).toBe(201);
    const token = signup.body.tokens.access_token as string;
    const loc = await api(a, '/v1/locations', {
      token,
      body: {
        name: 'Two-process site',
        address: 'Rue 2',
        city: 'Luxembourg',
        country: 'LU',
        coordinates: { latitude: 49.6, longitude: 6.1 },
        time_zone: 'Europe/Luxembourg',
      },
    });
    const cp = await api(a, '/v1/charge-points', { token, body: { identity: 'SCALED-1', location_id: loc.body.id, password: 'scaled-charge-point-pw' } });
    const withEvse = await api(a, `/v1/locations/${loc.body.id}/evses`, {
      token,
      body: {
        charge_point_id: cp.body.id,
        ocpp_connector_id: 1,
        connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 16 }],
      },
    });
    expect(withEvse.status).toBe(201);

    // A realtime client on process A follows the location.
    const socket = io(a, { auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise((r) => socket.once('connect', r));
    const seen: { status: string }[] = [];
    socket.on('evse.status', (e: { status: string }) => seen.push(e));
    expect((await socket.emitWithAck('subscribe', { location_id: loc.body.id })).ok).toBe(true);

    // The charger connects to process B.
    const charger = new ocppRpc.RPCClient({
      endpoint: `${b.replace('http', 'ws')}/ocpp`,
      identity: 'SCALED-1',
      password: 'scaled-charge-point-pw',
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
    } as ConstructorParameters<typeof ocppRpc.RPCClient>[0]);
    charger.handle('RemoteStartTransaction', async () => ({ status: 'Accepted' }));
    await charger.connect();
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    const end = Date.now() + 5000;
    while (!seen.some((e) => e.status === 'AVAILABLE') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(seen.map((e) => e.status)).toContain('AVAILABLE');

    for (const base of [a, b]) {
      const sent = await api(base, `/v1/charge-points/${cp.body.id}/commands/RemoteStartTransaction`, {
        token,
        body: { payload: { connectorId: 1, idTag: 'X' } },
      });
      expect(sent).toEqual({ status: 200, body: { command: 'RemoteStartTransaction', response: { status: 'Accepted' } } });
    }
    await charger.close();
    await new Promise((r) => setTimeout(r, 300));
    const offline = await api(a, `/v1/charge-points/${cp.body.id}/commands/RemoteStartTransaction`, {
      token,
      body: { payload: { connectorId: 1, idTag: 'X' } },
    });
    expect(offline.status).toBe(409);
    socket.disconnect();
  }, 60_000);

  it('a client has one public rate-limit budget across the processes, not one per process', async () => {
    const remaining = async (base: string) => {
      const res = await fetch(`${base}/v1/open-data/locations.geojson`);
      expect(res.status).toBe(200);
      return Number(/remaining=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1]);
    };
    let onA = 0;
    for (let i = 0; i < 5; i++) onA = await remaining(a);
    // Each process sends its counts every 50 ms and learns the total with the answer.
    await new Promise((r) => setTimeout(r, 300));
    await remaining(b);
    await new Promise((r) => setTimeout(r, 300));
    const onB = await remaining(b);
    expect(onA).toBeLessThan(600);
    expect(onB).toBeLessThanOrEqual(onA - 2);
  }, 30_000);
});
