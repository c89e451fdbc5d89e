import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ocppRpc from 'ocpp-rpc';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, freePort, type PlatformProcess, sleep, startPlatformProcess } from './testing/processes.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const has = (command: string) => {
  try {
    execFileSync('which', [command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * Scaled mode under faults: an API process and two gateway processes on the PostgreSQL server, a Redis of the
 * test's own (so it can be stopped), behind a real HAProxy (WebSocket-aware, health-checked on
 * /ready). Redis stops and returns; the process holding a charger dies and the charger comes back
 * through the load balancer on the other; commands and realtime keep working.
 */
describe.skipIf(!serverUrl || !has('haproxy') || !has('redis-server'))('scaled mode faults behind HAProxy', { timeout: 180_000 }, () => {
  const dbName = `voltshare_faults_${Date.now()}_${process.pid}`;
  let admin: pg.Client;
  let redis: ChildProcess | undefined;
  let redisPort: number;
  let haproxy: ChildProcess;
  let lb: string;
  let apiProcess: PlatformProcess;
  /** The gateway processes. */
  const processes: PlatformProcess[] = [];
  let env: Record<string, string>;
  let ports: number[];
  let token: string;
  let chargePointId: string;
  let locationId: string;

  const startRedis = async () => {
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await eventually('redis up', async () => {
      execFileSync('redis-cli', ['-p', String(redisPort), 'ping'], { stdio: 'ignore' });
      return true;
    });
  };
  const stopRedis = async () => {
    const exited = new Promise((r) => redis?.once('exit', r));
    redis?.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const url = new URL(serverUrl as string);
    url.pathname = `/${dbName}`;
    redisPort = await freePort();
    await startRedis();
    env = { DATABASE_URL: url.toString(), REDIS_URL: `redis://127.0.0.1:${redisPort}`, LOG_LEVEL: 'info' };
    // N API processes and M gateway processes (here 1 + 2), one after the other: the first migrates.
    const apiPort = await freePort();
    apiProcess = await startPlatformProcess(env, apiPort, 'api');
    ports = [await freePort(), await freePort()];
    for (const port of ports) processes.push(await startPlatformProcess({ ...env, JOBS: 'false' }, port));

    const lbPort = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'voltshare-haproxy-'));
    const config = [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout tunnel 1h', // WebSockets (OCPP, socket.io) stay open for hours
      '  option redispatch',
      '  retries 3',
      `frontend voltshare`,
      `  bind 127.0.0.1:${lbPort}`,
      '  acl ocpp path_beg /ocpp/',
      '  use_backend gateways if ocpp',
      '  default_backend api',
      'backend api',
      '  option httpchk GET /ready',
      '  default-server inter 300ms fall 2 rise 2',
      `  server api0 127.0.0.1:${apiPort} check`,
      'backend gateways',
      '  balance leastconn',
      '  option httpchk GET /ready',
      '  default-server inter 300ms fall 2 rise 2',
      ...ports.map((port, i) => `  server gw${i} 127.0.0.1:${port} check`),
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'haproxy.cfg'), config);
    haproxy = spawn('haproxy', ['-db', '-f', path.join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
    lb = `http://127.0.0.1:${lbPort}`;
    await eventually('load balancer up', async () => (await fetch(`${lb}/ready`)).status === 200);

    const signup = await api(lb, '/v1/networks', {
      body: {
        network: { name: 'Faults', slug: 'scaled-faults', country: 'LU', currency: 'EUR' },
        owner: { email: 'sf@example.com', name: 'S', password: 'owner password' },
      },
    });
    token = signup.body.tokens.access_token;
    const site = await api(lb, '/v1/locations', {
      token,
      body: {
        name: 'Balanced site',
        address: 'Rue 5',
        city: 'Luxembourg',
        country: 'LU',
        coordinates: { latitude: 49.6, longitude: 6.1 },
        time_zone: 'Europe/Luxembourg',
      },
    });
    locationId = site.body.id;
    const cp = await api(lb, '/v1/charge-points', { token, body: { identity: 'BALANCED-1', location_id: locationId, password: 'balanced-charge-point-pw' } });
    chargePointId = cp.body.id;
    await api(lb, `/v1/locations/${locationId}/evses`, {
      token,
      body: {
        charge_point_id: chargePointId,
        ocpp_connector_id: 1,
        connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 16 }],
      },
    });
  }, 150_000);

  afterAll(async () => {
    haproxy?.kill('SIGKILL');
    for (const p of [...processes, apiProcess]) await p?.kill();
    await stopRedis().catch(() => {});
    await admin?.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin?.end();
  });

  const command = () => api(lb, `/v1/charge-points/${chargePointId}/commands/Reset`, { token, body: { payload: { type: 'Soft' } } });
  const follow = async (): Promise<{ socket: Socket; seen: string[] }> => {
    const socket = io(lb, { auth: { token }, transports: ['websocket'], reconnectionDelay: 200 });
    const seen: string[] = [];
    socket.on('evse.status', (e: { status: string }) => seen.push(e.status));
    const subscribe = async () => expect((await socket.emitWithAck('subscribe', { location_id: locationId })).ok).toBe(true);
    socket.on('connect', () => {
      subscribe().catch(() => {});
    });
    await new Promise((r) => socket.once('connect', r));
    await subscribe();
    return { socket, seen };
  };
  const shown = { Available: 'AVAILABLE', Preparing: 'CHARGING' } as const;
  const statusReaches = async (charger: InstanceType<typeof ocppRpc.RPCClient>, seen: string[], status: keyof typeof shown) => {
    await eventually(`realtime shows ${status}`, async () => {
      await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status });
      await sleep(200);
      return seen.includes(shown[status]);
    });
  };

  it('Redis stops and returns; then the process holding the charger dies and it reconnects to the other: commands and realtime work throughout recovery', async () => {
    const charger = new ocppRpc.RPCClient({
      endpoint: `${lb.replace('http', 'ws')}/ocpp`,
      identity: 'BALANCED-1',
      password: 'balanced-charge-point-pw',
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: true,
      maxReconnects: Number.POSITIVE_INFINITY,
      backoff: { initialDelay: 200, maxDelay: 1_000 },
    } as ConstructorParameters<typeof ocppRpc.RPCClient>[0]);
    let resets = 0;
    charger.handle('Reset', async () => {
      resets += 1;
      return { status: 'Accepted' };
    });
    await charger.connect();
    const { socket, seen } = await follow();
    await statusReaches(charger, seen, 'Preparing');
    expect((await command()).body).toEqual({ command: 'Reset', response: { status: 'Accepted' } });

    // Redis away: each process keeps serving HTTP from the database; cross-process work pauses.
    await stopRedis();
    await sleep(1_000);
    expect((await api(lb, '/v1/charge-points?limit=5', { token })).status).toBe(200);
    // A process that died says why (its output), rather than only that it did.
    expect([...processes, apiProcess].filter((p) => p.child.exitCode !== null).map((p) => p.output().slice(-4000))).toEqual([]);
    await startRedis();
    // Back: commands reach the charger from whichever process takes the request, and realtime flows.
    await eventually('commands after Redis returns', async () => {
      for (let i = 0; i < 4; i++) if ((await command()).status !== 200) return false;
      return true;
    });
    seen.length = 0;
    await statusReaches(charger, seen, 'Available');

    // The process holding the charger dies.
    const holder = processes.find((p) => /"identity":"BALANCED-1"[^\n]*"msg":"charge point connected"/.test(p.output())) as PlatformProcess;
    const other = processes.find((p) => p !== holder) as PlatformProcess;
    const before = other.output().length;
    await holder.kill();
    await eventually('charger reconnected to the other process', async () =>
      /"identity":"BALANCED-1"[^\n]*"msg":"charge point connected"/.test(other.output().slice(before)),
    );
    await eventually('commands after failover', async () => (await command()).status === 200);
    const resetsBefore = resets;
    expect((await command()).body).toEqual({ command: 'Reset', response: { status: 'Accepted' } });
    expect(resets).toBe(resetsBefore + 1);
    seen.length = 0;
    await statusReaches(charger, seen, 'Preparing');
    expect((await api(lb, `/v1/charge-points/${chargePointId}`, { token })).body.online).toBe(true);

    socket.disconnect();
    await charger.close();
  });
});
