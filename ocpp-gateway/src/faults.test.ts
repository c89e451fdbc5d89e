import ocppRpc from 'ocpp-rpc';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  canRunPrivatePostgres,
  eventually,
  freePort,
  type PlatformProcess,
  type PrivatePostgres,
  privatePostgres,
  sleep,
  startPlatformProcess,
} from './testing/processes.js';

const { RPCClient } = ocppRpc;

interface Charger {
  call(action: string, params: unknown, options?: { callTimeoutMs?: number }): Promise<Record<string, unknown>>;
  close(): Promise<unknown>;
  state: number;
}

/**
 * Fault drills on real processes: a PostgreSQL server of the test's own that is stopped as in a
 * crash, the built platform killed with SIGKILL, and a charger that retries its transaction
 * messages as real ones do. Nothing may be lost or doubled: one session, the right energy,
 * priced and captured exactly once.
 */
describe.skipIf(!canRunPrivatePostgres)('fault drills on a private PostgreSQL server', { timeout: 180_000 }, () => {
  let database: PrivatePostgres;
  let platform: PlatformProcess;
  let port: number;
  let env: Record<string, string>;
  let staff: string;
  let charger: Charger;
  let admin: pg.Pool;
  const identity = 'DRILL-1';
  const idTag = 'DRILL-CARD';

  /** A charger retries a transaction message until the central system answers it (OCPP 1.6 §4.2). */
  const retrying = async (action: string, params: unknown, ms = 30_000): Promise<Record<string, unknown>> =>
    eventually(`${action} answered`, () => charger.call(action, params), ms);

  const sessionsOf = async () =>
    (await api(platform.url, `/v1/sessions?charge_point_id=${chargePointId}&limit=100`, { token: staff })).body.data as {
      id: string;
      status: string;
      energy_wh: number;
      cost: { amount: number } | null;
    }[];
  let chargePointId: string;

  beforeAll(async () => {
    database = privatePostgres(await freePort());
    await new pg.Client({ connectionString: database.url }).connect().then(async (c) => {
      await c.query('create database drill');
      await c.end();
    });
    const url = database.url.replace(/\/postgres$/, '/drill');
    admin = new pg.Pool({ connectionString: url, max: 1 });
    admin.on('error', () => {});
    port = await freePort();
    env = { DATABASE_URL: url };
    platform = await startPlatformProcess(env, port);

    const signup = await api(platform.url, '/v1/networks', {
      body: {
        network: { name: 'Drill', slug: 'drill', country: 'LU', currency: 'EUR' },
        owner: { email: 'drill@example.com', name: 'D', password: 'owner password' },
      },
    });
    staff = signup.body.tokens.access_token;
    const tariff = await api(platform.url, '/v1/tariffs', { token: staff, body: { currency: 'EUR', vat_percent: 17, energy_price_per_kwh: 40 } });
    const site = await api(platform.url, '/v1/locations', {
      token: staff,
      body: {
        name: 'Drill Site',
        address: 'Rue 3',
        city: 'Luxembourg',
        country: 'LU',
        coordinates: { latitude: 49.6, longitude: 6.1 },
        time_zone: 'Europe/Luxembourg',
      },
    });
    const cp = await api(platform.url, '/v1/charge-points', { token: staff, body: { identity, location_id: site.body.id, password: 'drill-charge-point-pw' } });
    chargePointId = cp.body.id;
    const evse = await api(platform.url, `/v1/locations/${site.body.id}/evses`, {
      token: staff,
      body: {
        charge_point_id: chargePointId,
        ocpp_connector_id: 1,
        connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32, tariff_id: tariff.body.id }],
      },
    });
    expect(evse.status).toBe(201);
    const driver = await api(platform.url, '/v1/drivers', { body: { email: 'drill-driver@example.com', name: 'Driver', password: 'driver password 123' } });
    const driverToken = driver.body.tokens.access_token;
    await api(platform.url, '/v1/me/id-tags', { token: driverToken, body: { id_tag: idTag } });
    await api(platform.url, '/v1/me/payment-methods/setup-intent', { token: driverToken, method: 'POST' });
    expect(
      (await api(platform.url, '/v1/me/payment-method', { token: driverToken, method: 'PUT', body: { payment_method_id: 'pm_sandbox_visa' } })).status,
    ).toBe(204);

    charger = new RPCClient({
      endpoint: `ws://127.0.0.1:${port}/ocpp`,
      identity,
      password: 'drill-charge-point-pw',
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: true,
      maxReconnects: Number.POSITIVE_INFINITY,
      backoff: { initialDelay: 100, maxDelay: 1_000 },
      callTimeoutMs: 10_000,
    }) as unknown as Charger;
    await (charger as unknown as { connect(): Promise<unknown> }).connect();
    await charger.call('BootNotification', { chargePointVendor: 'Drill', chargePointModel: 'D1' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
  }, 120_000);

  afterAll(async () => {
    await charger?.close();
    await platform?.stop();
    await admin?.end().catch(() => {});
    database?.destroy();
  });

  const paymentOf = async (sessionId: string) => (await api(platform.url, `/v1/sessions/${sessionId}/payment`, { token: staff })).body;
  const capturedIntents = async () =>
    (
      await admin.query<{ id: string; captured: number }>(
        "select id, captured::int from sandbox_payment_intents where status = 'succeeded' order by created_at",
      )
    ).rows;

  it('the database stops for 20 s under HTTP load and mid-session: 503s, generic CALLERRORs, recovery by itself, one session paid once', async () => {
    const started = await charger.call('StartTransaction', { connectorId: 1, idTag, meterStart: 1_000, timestamp: new Date().toISOString() });
    const transactionId = started.transactionId as number;
    const [session] = await eventually('session listed', async () => (await sessionsOf()).filter((s) => s.status === 'ACTIVE'));
    await eventually('hold authorised', async () => (await paymentOf(session.id)).status === 'authorized');
    await charger.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '3000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
    });

    // HTTP load throughout: staff reading sessions, four at a time.
    const statuses = new Map<number, number>();
    const problems = new Set<string>();
    let loading = true;
    const load = Array.from({ length: 4 }, async () => {
      while (loading) {
        const res = await api(platform.url, '/v1/sessions?limit=20', { token: staff }).catch(() => undefined);
        if (!res) continue;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status !== 200) problems.add(`${res.status} ${res.headers.get('content-type')} ${res.body.type} ${res.headers.get('retry-after')}`);
      }
    });

    await sleep(500);
    const outageStart = Date.now();
    database.stopImmediately();
    await eventually('/ready says 503', async () => (await fetch(`${platform.url}/ready`)).status === 503, 10_000);
    const meterDuringOutage = await charger
      .call('MeterValues', {
        connectorId: 1,
        transactionId,
        meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '6000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
      })
      .then(
        () => undefined,
        (err: Error & { rpcErrorCode?: string }) => err,
      );
    expect(meterDuringOutage?.rpcErrorCode).toBe('InternalError');
    expect(meterDuringOutage?.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect|\d{4,5}/);
    await sleep(20_000 - (Date.now() - outageStart));
    expect(platform.child.exitCode).toBeNull();

    database.start();
    const backAt = Date.now();
    await eventually('/ready says 200 again', async () => (await fetch(`${platform.url}/ready`)).status === 200, 15_000);
    const recoveredInMs = Date.now() - backAt;
    loading = false;
    await Promise.all(load);
    expect(recoveredInMs).toBeLessThan(10_000);

    // The charger sends again what was not answered, then stops.
    await retrying('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '6000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
    });
    await retrying('StopTransaction', { transactionId, meterStop: 11_000, timestamp: new Date().toISOString() });
    await eventually('payment captured', async () => (await paymentOf(session.id)).status === 'captured');

    expect(platform.child.exitCode).toBeNull();
    expect(statuses.get(500) ?? 0).toBe(0);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect([...problems]).toEqual(['503 application/problem+json; charset=utf-8 https://voltshare.dev/problems/service-unavailable 5']);
    const sessions = await sessionsOf();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ status: 'COMPLETED', energy_wh: 10_000, cost: { amount: 400 } });
    expect((await paymentOf(session.id)).captured_amount).toBe(400);
    expect((await capturedIntents()).map((i) => i.captured)).toEqual([400]);
    expect(platform.output()).not.toMatch(/Unhandled 'error' event/);
  });

  it('kill -9 mid-session, restart: the charger reconnects and stops, one session, paid once', async () => {
    const started = await charger.call('StartTransaction', { connectorId: 1, idTag, meterStart: 20_000, timestamp: new Date().toISOString() });
    const transactionId = started.transactionId as number;
    const session = await eventually('second session', async () => (await sessionsOf()).find((s) => s.status === 'ACTIVE'));
    await eventually('hold authorised', async () => (await paymentOf(session.id)).status === 'authorized');

    await platform.kill();
    platform = await startPlatformProcess(env, port);
    await eventually(
      'charger reconnected',
      async () => charger.state === 1 && (await api(platform.url, `/v1/charge-points/${chargePointId}`, { token: staff })).body.online,
    );

    await retrying('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '25000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
    });
    const stop = { transactionId, meterStop: 25_000, timestamp: new Date().toISOString() };
    await retrying('StopTransaction', stop);
    // Its answer was lost, so the charger sends the same stop again.
    await retrying('StopTransaction', stop);
    await eventually('payment captured', async () => (await paymentOf(session.id)).status === 'captured');
    await sleep(500); // a second capture, if there were one, would show by now

    const sessions = await sessionsOf();
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.id === session.id)).toMatchObject({ status: 'COMPLETED', energy_wh: 5_000, cost: { amount: 200 } });
    expect((await capturedIntents()).map((i) => i.captured)).toEqual([400, 200]);
  });

  it('SIGTERM with charger traffic in flight: handlers finish before the database closes, exit 0', async () => {
    let sending = true;
    const traffic = (async () => {
      let n = 0;
      while (sending) {
        await charger
          .call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: n++ % 2 ? 'Available' : 'Preparing' }, { callTimeoutMs: 1_000 })
          .catch(() => {});
      }
    })();
    await sleep(300);
    const before = platform.output().length;
    const stopAt = Date.now();
    expect(await platform.stop()).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    sending = false;
    await traffic;
    const shutdown = platform.output().slice(before);
    expect(shutdown).not.toMatch(/destroyed|handler failed|Unhandled/);
    expect(shutdown).toMatch(/charge point disconnected/);
    // Back for afterAll, and so the charger's reconnect has somewhere to go.
    platform = await startPlatformProcess(env, port);
  });
});
