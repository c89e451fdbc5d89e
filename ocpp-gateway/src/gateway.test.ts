import type { RunningPlatform } from '@voltshare/api';
import ocppRpc from 'ocpp-rpc';
import { io } from 'socket.io-client';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { auth, createSite, startGatewayTestPlatform, until } from './testing/platform.js';

const { RPCClient } = ocppRpc;
type RPCClient = InstanceType<typeof ocppRpc.RPCClient>;
const PASSWORD = 'a-long-charge-point-secret';
let platform: RunningPlatform;
let http: ReturnType<typeof supertest>;
let staff: string;
let driverToken: string;
let locationId: string;
let counter = 0;

let ocppUrl: string;
const wsUrl = () => ocppUrl;

async function chargePoint(connectors = 1, capabilities: string[] = [], printedIds: string[] = []): Promise<{ id: string; identity: string; evses: string[] }> {
  counter += 1;
  const identity = `CP-${process.pid}-${counter}`;
  const cp = await http.post('/v1/charge-points').set(auth(staff)).send({ identity, location_id: locationId, password: PASSWORD }).expect(201);
  const evses: string[] = [];
  for (let n = 1; n <= connectors; n++) {
    const loc = await http
      .post(`/v1/locations/${locationId}/evses`)
      .set(auth(staff))
      .send({
        charge_point_id: cp.body.id,
        ocpp_connector_id: n,
        capabilities,
        ...(printedIds[n - 1] ? { evse_id: printedIds[n - 1] } : {}),
        connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
      })
      .expect(201);
    evses.push(
      loc.body.evses.find((e: { charge_point_id: string; ocpp_connector_id: number }) => e.charge_point_id === cp.body.id && e.ocpp_connector_id === n).uid,
    );
  }
  return { id: cp.body.id, identity, evses };
}

async function connect(identity: string, password = PASSWORD): Promise<RPCClient> {
  const client = new RPCClient({ endpoint: wsUrl(), identity, password, protocols: ['ocpp1.6'], strictMode: true, reconnect: false });
  await client.connect();
  return client;
}

async function evseStatus(uid: string): Promise<string> {
  const res = await http.get(`/v1/locations/${locationId}`).set(auth(staff)).expect(200);
  return res.body.evses.find((e: { uid: string }) => e.uid === uid).status;
}

beforeAll(async () => {
  ({ platform, http, staff, wsUrl: ocppUrl } = await startGatewayTestPlatform('ocpp-test'));
  const driver = await http.post('/v1/drivers').send({ email: 'ev@example.com', name: 'EV Driver', password: 'driver password' }).expect(201);
  driverToken = driver.body.tokens.access_token;
  await platform.services.scopes.system(async (tx) => {
    await tx.insertInto('id_tags').values({ id_tag: 'DRIVER-CARD', driver_id: driver.body.driver_id, status: 'Accepted' }).execute();
    await tx.insertInto('id_tags').values({ id_tag: 'BLOCKED-CARD', driver_id: driver.body.driver_id, status: 'Blocked' }).execute();
    await tx
      .insertInto('id_tags')
      .values({ id_tag: 'OLD-CARD', driver_id: driver.body.driver_id, status: 'Accepted', expires_at: new Date('2020-01-01') })
      .execute();
  });
  locationId = await createSite(http, staff, 'Gateway test site');
}, 60_000);

afterAll(() => platform.stop());

describe('OCPP 1.6J connection', () => {
  it('refuses a wrong password, an unknown identity and a missing subprotocol at the handshake', async () => {
    const cp = await chargePoint();
    await expect(connect(cp.identity, 'not-the-password-at-all')).rejects.toThrow(/Unauthorized/);
    await expect(connect('NO-SUCH-CP')).rejects.toThrow(/Unauthorized/);
    const bare = new WebSocket(`${wsUrl()}/${cp.identity}`, {
      headers: { authorization: `Basic ${Buffer.from(`${cp.identity}:${PASSWORD}`).toString('base64')}` },
    });
    const status = await new Promise((resolve) => bare.on('unexpected-response', (_req, res) => resolve(res.statusCode)).on('open', () => resolve('open')));
    expect(status).toBe(400);
  });

  it('boots, heartbeats, and is shown online with its vendor and model', async () => {
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    const boot = (await client.call('BootNotification', { chargePointVendor: 'Alfen', chargePointModel: 'Eve Single', firmwareVersion: '6.1.0' })) as Record<
      string,
      unknown
    >;
    expect(boot).toMatchObject({ status: 'Accepted', interval: 120 });
    expect(new Date(boot.currentTime as string).getTime()).toBeGreaterThan(Date.now() - 5000);
    expect(await client.call('Heartbeat', {})).toHaveProperty('currentTime');
    const shown = await http.get(`/v1/charge-points/${cp.id}`).set(auth(staff)).expect(200);
    expect(shown.body).toMatchObject({ vendor: 'Alfen', model: 'Eve Single', firmware_version: '6.1.0', online: true });
    await client.close();
    await until(async () => !(await http.get(`/v1/charge-points/${cp.id}`).set(auth(staff))).body.online);
  });

  it('maps StatusNotification onto live availability, keeps faults, and an offline charger is UNKNOWN', async () => {
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    expect(await evseStatus(cp.evses[0] as string)).toBe('AVAILABLE');
    await client.call('StatusNotification', {
      connectorId: 1,
      errorCode: 'GroundFailure',
      status: 'Faulted',
      info: 'RCD tripped',
      timestamp: new Date().toISOString(),
    });
    expect(await evseStatus(cp.evses[0] as string)).toBe('OUTOFORDER');
    const faults = await platform.services.scopes.system((tx) => tx.selectFrom('evse_faults').selectAll().where('charge_point_id', '=', cp.id).execute());
    expect(faults.map((f) => [f.connector_id, f.error_code, f.info])).toEqual([[1, 'GroundFailure', 'RCD tripped']]);
    // A report older than the last one changes nothing.
    await client.call('StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Available',
      timestamp: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(await evseStatus(cp.evses[0] as string)).toBe('OUTOFORDER');
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    await client.close();
    await until(async () => (await evseStatus(cp.evses[0] as string)) === 'UNKNOWN');
  });

  it('a new connection from the same identity replaces the stale one', async () => {
    const cp = await chargePoint();
    const first = await connect(cp.identity);
    const closed = new Promise((resolve) => first.once('close', resolve));
    const second = await connect(cp.identity);
    await closed;
    expect(await second.call('Heartbeat', {})).toHaveProperty('currentTime');
    await new Promise((r) => setTimeout(r, 100));
    expect((await http.get(`/v1/charge-points/${cp.id}`).set(auth(staff))).body.online).toBe(true);
    await second.close();
  });
});

describe('OCPP 1.6J transactions', () => {
  it('authorizes id tags: accepted, blocked, expired, unknown; drivers register their own cards', async () => {
    const registered = await http.post('/v1/me/id-tags').set(auth(driverToken)).send({ id_tag: 'NEW-CARD-1' }).expect(201);
    expect(registered.body).toMatchObject({ id_tag: 'NEW-CARD-1', status: 'Accepted' });
    await http.post('/v1/me/id-tags').set(auth(driverToken)).send({ id_tag: 'NEW-CARD-1' }).expect(409);
    await http
      .post('/v1/me/id-tags')
      .set(auth(driverToken))
      .send({ id_tag: 'x'.repeat(21) })
      .expect(422);
    await http.post('/v1/me/id-tags').set(auth(staff)).send({ id_tag: 'STAFF-CARD' }).expect(403);
    expect((await http.get('/v1/me/id-tags').set(auth(driverToken)).expect(200)).body.map((t: { id_tag: string }) => t.id_tag)).toContain('NEW-CARD-1');
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    const status = async (idTag: string) => ((await client.call('Authorize', { idTag })) as { idTagInfo: { status: string } }).idTagInfo.status;
    expect(await status('DRIVER-CARD')).toBe('Accepted');
    expect(await status('BLOCKED-CARD')).toBe('Blocked');
    expect(await status('OLD-CARD')).toBe('Expired');
    expect(await status('STRANGER')).toBe('Invalid');
    expect(await status('NEW-CARD-1')).toBe('Accepted');
    await client.close();
  });

  it('runs a session: start (retried once), meter values, stop; the driver and staff see it', async () => {
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    const start = { connectorId: 1, idTag: 'DRIVER-CARD', meterStart: 1_000, timestamp: new Date(Date.now() - 3_600_000).toISOString() };
    const first = (await client.call('StartTransaction', start)) as { transactionId: number; idTagInfo: { status: string } };
    const retry = (await client.call('StartTransaction', start)) as { transactionId: number };
    expect(first.idTagInfo.status).toBe('Accepted');
    expect(retry.transactionId).toBe(first.transactionId);
    await client.call('MeterValues', {
      connectorId: 1,
      transactionId: first.transactionId,
      meterValue: [
        {
          timestamp: new Date(Date.now() - 1_800_000).toISOString(),
          sampledValue: [
            { value: '6.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
            { value: '11000', measurand: 'Power.Active.Import', unit: 'W' },
            { value: '54', measurand: 'SoC', unit: 'Percent' },
          ],
        },
      ],
    });
    const live = await http.get('/v1/me/sessions').set(auth(driverToken)).expect(200);
    const mine = live.body.data.find((s: { transaction_id: number }) => s.transaction_id === first.transactionId);
    expect(mine).toMatchObject({ status: 'ACTIVE', energy_wh: 5_500, power_w: 11_000, soc_percent: 54, evse_uid: cp.evses[0] });
    const stop = await client.call('StopTransaction', {
      transactionId: first.transactionId,
      meterStop: 12_000,
      timestamp: new Date().toISOString(),
      reason: 'EVDisconnected',
      idTag: 'DRIVER-CARD',
    });
    expect(stop).toEqual({ idTagInfo: { status: 'Accepted' } });
    const done = await http.get(`/v1/sessions/${mine.id}`).set(auth(driverToken)).expect(200);
    expect(done.body).toMatchObject({ status: 'COMPLETED', energy_wh: 11_000, stop_reason: 'EVDisconnected', cost: null });
    const forStaff = await http.get(`/v1/sessions?charge_point_id=${cp.id}`).set(auth(staff)).expect(200);
    expect(forStaff.body.data).toHaveLength(1);
    // Nobody else sees it: another driver, another network's staff.
    const otherDriver = await http
      .post('/v1/drivers')
      .send({ email: `other-${Date.now()}@example.com`, name: 'Other', password: 'other password 1' })
      .expect(201);
    await http.get(`/v1/sessions/${mine.id}`).set(auth(otherDriver.body.tokens.access_token)).expect(404);
    const rival = await http
      .post('/v1/networks')
      .send({
        network: { name: 'Rival', slug: `rival-${Date.now()}`, country: 'LU', currency: 'EUR' },
        owner: { email: `rival-${Date.now()}@example.com`, name: 'R', password: 'rival password' },
      })
      .expect(201);
    await http.get(`/v1/sessions/${mine.id}`).set(auth(rival.body.tokens.access_token)).expect(404);
    expect((await http.get('/v1/sessions').set(auth(rival.body.tokens.access_token)).expect(200)).body.data).toEqual([]);
    await client.close();
  });

  it('reconciles a session a charger replays after being offline, with its own timestamps', async () => {
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    const startedAt = new Date(Date.now() - 3 * 3_600_000);
    const stoppedAt = new Date(Date.now() - 3_600_000);
    // Queued while offline, sent in order once the link is back.
    const { transactionId } = (await client.call('StartTransaction', {
      connectorId: 1,
      idTag: 'DRIVER-CARD',
      meterStart: 50_000,
      timestamp: startedAt.toISOString(),
    })) as { transactionId: number };
    await client.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: new Date(startedAt.getTime() + 3_600_000).toISOString(), sampledValue: [{ value: '61000' }] }],
    });
    await client.call('StopTransaction', { transactionId, meterStop: 72_000, timestamp: stoppedAt.toISOString(), reason: 'PowerLoss' });
    // The charger retries the stop because it never saw our answer: nothing changes.
    await client.call('StopTransaction', { transactionId, meterStop: 72_000, timestamp: stoppedAt.toISOString(), reason: 'PowerLoss' });
    const sessions = await http.get(`/v1/sessions?charge_point_id=${cp.id}`).set(auth(staff)).expect(200);
    expect(sessions.body.data).toHaveLength(1);
    expect(sessions.body.data[0]).toMatchObject({
      status: 'COMPLETED',
      energy_wh: 22_000,
      stop_reason: 'PowerLoss',
      started_at: startedAt.toISOString(),
      stopped_at: stoppedAt.toISOString(),
    });
    await client.close();
  });

  it('accepts a StopTransaction for an unknown transaction (late replay) and creates nothing', async () => {
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    expect(await client.call('StopTransaction', { transactionId: 987654, meterStop: 5, timestamp: new Date().toISOString() })).toEqual({});
    const sessions = await http.get(`/v1/sessions?charge_point_id=${cp.id}`).set(auth(staff)).expect(200);
    expect(sessions.body.data).toEqual([]);
    await client.close();
  });
});

describe('OCPP 1.6J last seen', () => {
  it('follows any traffic from the charger, not only heartbeats', async () => {
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    const seen = async () => new Date((await http.get(`/v1/charge-points/${cp.id}`).set(auth(staff)).expect(200)).body.last_seen_at).getTime();
    await until(async () => !Number.isNaN(await seen()));
    const first = await seen();
    await new Promise((r) => setTimeout(r, 300));
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await until(async () => (await seen()) > first);
    await client.close();
  });
});

describe('OCPP 1.6J bad input', () => {
  it('answers schema violations, malformed frames and unknown actions with CALLERRORs and changes nothing', async () => {
    const cp = await chargePoint();
    const ws = new WebSocket(`${wsUrl()}/${cp.identity}`, 'ocpp1.6', {
      headers: { authorization: `Basic ${Buffer.from(`${cp.identity}:${PASSWORD}`).toString('base64')}` },
    });
    await new Promise((r) => ws.once('open', r));
    const replies: unknown[][] = [];
    ws.on('message', (data) => replies.push(JSON.parse(String(data))));
    ws.send(JSON.stringify([2, 'a1', 'StatusNotification', { connectorId: 'one', errorCode: 'NoError', status: 'Available' }]));
    ws.send(JSON.stringify([2, 'a2', 'StartTransaction', { connectorId: 1 }]));
    ws.send(JSON.stringify([2, 'a3', 'FlyToTheMoon', {}]));
    ws.send(JSON.stringify([2, 'a4', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Levitating' }]));
    await until(async () => replies.length >= 4);
    const byId = Object.fromEntries(replies.map((r) => [r[1], r]));
    expect(byId.a1?.[0]).toBe(4);
    expect(byId.a1?.[2]).toBe('TypeConstraintViolation');
    expect(byId.a2?.[2]).toBe('OccurrenceConstraintViolation');
    expect(byId.a3?.[2]).toBe('NotImplemented');
    expect(byId.a4?.[2]).toMatch(/PropertyConstraintViolation|FormationViolation/);
    expect(await evseStatus(cp.evses[0] as string)).not.toBe('AVAILABLE');
    const sessions = await http.get(`/v1/sessions?charge_point_id=${cp.id}`).set(auth(staff)).expect(200);
    expect(sessions.body.data).toEqual([]);
    ws.close();
  });
});

describe('OCPP 1.6J flood', () => {
  it('disconnects a charger flooding bad frames; another charger is unaffected', async () => {
    const noisy = await chargePoint();
    const calm = await chargePoint();
    const good = await connect(calm.identity);
    const ws = new WebSocket(`${wsUrl()}/${noisy.identity}`, 'ocpp1.6', {
      headers: { authorization: `Basic ${Buffer.from(`${noisy.identity}:${PASSWORD}`).toString('base64')}` },
    });
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 200; i++) ws.send(`not json at all ${i}`);
    expect(await closed).toBe(1002);
    expect(await good.call('Heartbeat', {})).toHaveProperty('currentTime');
    await good.close();
  });
});

describe('remote commands', () => {
  it('returns the charge point’s answer, 409 when offline, 504 on time-out, 422 for a payload the schema refuses', async () => {
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    client.handle('RemoteStartTransaction', async ({ params }: { params: { idTag: string } }) => ({
      status: params.idTag === 'DRIVER-CARD' ? 'Accepted' : 'Rejected',
    }));
    client.handle('Reset', async () => new Promise(() => {}));
    const started = await http
      .post(`/v1/charge-points/${cp.id}/commands/RemoteStartTransaction`)
      .set(auth(staff))
      .send({ payload: { connectorId: 1, idTag: 'DRIVER-CARD' } })
      .expect(200);
    expect(started.body).toEqual({ command: 'RemoteStartTransaction', response: { status: 'Accepted' } });
    const invalid = await http
      .post(`/v1/charge-points/${cp.id}/commands/RemoteStartTransaction`)
      .set(auth(staff))
      .send({ payload: { connectorId: 'x' } })
      .expect(422);
    expect(invalid.body.type).toBe('https://voltshare.dev/problems/validation-error');
    const timeout = await http
      .post(`/v1/charge-points/${cp.id}/commands/Reset`)
      .set(auth(staff))
      .send({ payload: { type: 'Soft' }, timeout_ms: 1000 })
      .expect(504);
    expect(timeout.body.type).toBe('https://voltshare.dev/problems/charge-point-timeout');
    // The charger still holds the unanswered Reset: close without waiting for it.
    await client.close({ force: true });
    await until(async () => !(await http.get(`/v1/charge-points/${cp.id}`).set(auth(staff))).body.online);
    const offline = await http
      .post(`/v1/charge-points/${cp.id}/commands/Reset`)
      .set(auth(staff))
      .send({ payload: { type: 'Soft' } })
      .expect(409);
    expect(offline.body.type).toBe('https://voltshare.dev/problems/charge-point-offline');
    await http
      .post(`/v1/charge-points/${cp.id}/commands/Reset`)
      .set(auth(driverToken))
      .send({ payload: { type: 'Soft' } })
      .expect(403);
  });

  it('keeps every frame in and out in the charge point’s message log', async () => {
    const cp = await chargePoint();
    const client = await connect(cp.identity);
    await client.call('Heartbeat', {});
    await until(async () => (await http.get(`/v1/charge-points/${cp.id}/messages`).set(auth(staff))).body.data.length >= 2);
    const log = await http.get(`/v1/charge-points/${cp.id}/messages`).set(auth(staff)).expect(200);
    const frames = log.body.data.map((m: { direction: string; frame: unknown[] }) => [m.direction, m.frame[0], m.frame[2]]);
    expect(frames).toContainEqual(['in', 2, 'Heartbeat']);
    expect(frames.some((f: unknown[]) => f[0] === 'out' && f[1] === 3)).toBe(true);
    await client.close();
    // Retention: frames older than the cut-off go.
    expect(await platform.services.charging.pruneMessages(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(2);
    expect((await http.get(`/v1/charge-points/${cp.id}/messages`).set(auth(staff))).body.data).toEqual([]);
  });

  it('pushes live session progress to the driver over socket.io', async () => {
    const cp = await chargePoint();
    const socket = io(platform.url.replace('localhost', '127.0.0.1'), { auth: { token: driverToken }, transports: ['websocket'], reconnection: false });
    await new Promise((r) => socket.once('connect', r));
    const seen: { status: string; energy_wh: number; power_w: number | null }[] = [];
    socket.on('session.updated', (e) => seen.push(e));
    const client = await connect(cp.identity);
    const { transactionId } = (await client.call('StartTransaction', {
      connectorId: 1,
      idTag: 'DRIVER-CARD',
      meterStart: 100,
      timestamp: new Date().toISOString(),
    })) as { transactionId: number };
    await client.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '2100' }, { value: '7400', measurand: 'Power.Active.Import', unit: 'W' }] }],
    });
    await client.call('StopTransaction', { transactionId, meterStop: 3100, timestamp: new Date().toISOString() });
    await until(async () => seen.length >= 3);
    expect(seen.map((e) => [e.status, e.energy_wh, e.power_w])).toEqual([
      ['ACTIVE', 0, null],
      ['ACTIVE', 2000, 7400],
      ['COMPLETED', 3000, 0],
    ]);
    socket.disconnect();
    await client.close();
  });
});

describe('simulator', () => {
  it('charges with a CC-CV curve through the gateway and answers remote commands', async () => {
    const { SimulatedChargePoint } = await import('./simulator/charge-point.js');
    const cp = await chargePoint(2);
    let seed = 1;
    const sim = new SimulatedChargePoint({
      url: wsUrl(),
      identity: cp.identity,
      password: PASSWORD,
      connectors: 2,
      idTags: ['DRIVER-CARD'],
      maxPowerW: 11_000,
      arrivalPerMinute: 0,
      faultPerMinute: 0,
      random: () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647;
      },
    });
    await sim.connect();
    await until(async () => (await evseStatus(cp.evses[0] as string)) === 'AVAILABLE' && (await evseStatus(cp.evses[1] as string)) === 'AVAILABLE');
    const connector = sim.connectors[0]!;
    const transactionId = await sim.arrive(connector);
    expect(transactionId).toEqual(expect.any(Number));
    expect(await evseStatus(cp.evses[0] as string)).toBe('CHARGING');
    connector.socPercent = 70;
    connector.targetSoc = 90;
    expect(sim.powerW(connector)).toBe(11_000);
    await sim.charge(connector, 3600);
    expect(connector.socPercent).toBeGreaterThan(80);
    expect(sim.powerW(connector)).toBeLessThan(11_000);
    while (connector.transactionId !== undefined) await sim.charge(connector, 600);
    const sessions = await http.get(`/v1/sessions?charge_point_id=${cp.id}`).set(auth(staff)).expect(200);
    expect(sessions.body.data[0]).toMatchObject({ status: 'COMPLETED', transaction_id: transactionId, stop_reason: 'EVDisconnected' });
    expect(sessions.body.data[0].energy_wh).toBeGreaterThan(11_000);

    const send = (command: string, payload: unknown) =>
      http.post(`/v1/charge-points/${cp.id}/commands/${command}`).set(auth(staff)).send({ payload }).expect(200);
    expect(
      (await send('ReserveNow', { connectorId: 2, expiryDate: new Date(Date.now() + 900_000).toISOString(), idTag: 'DRIVER-CARD', reservationId: 7 })).body
        .response,
    ).toEqual({ status: 'Accepted' });
    await until(async () => (await evseStatus(cp.evses[1] as string)) === 'RESERVED');
    expect((await send('CancelReservation', { reservationId: 7 })).body.response).toEqual({ status: 'Accepted' });
    await until(async () => (await evseStatus(cp.evses[1] as string)) === 'AVAILABLE');
    const config = await send('GetConfiguration', { key: ['HeartbeatInterval', 'Nope'] });
    expect(config.body.response).toMatchObject({ configurationKey: [{ key: 'HeartbeatInterval', value: '300' }], unknownKey: ['Nope'] });
    await send('SetChargingProfile', {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 4000 }] },
      },
    });
    const composite = await send('GetCompositeSchedule', { connectorId: 1, duration: 3600 });
    expect(composite.body.response.chargingSchedule.chargingSchedulePeriod[0].limit).toBe(4000);
    // The car drives off: Finishing → Available.
    await sim.tick();
    expect((await send('RemoteStartTransaction', { connectorId: 1, idTag: 'DRIVER-CARD' })).body.response).toEqual({ status: 'Accepted' });
    await until(async () => (await evseStatus(cp.evses[0] as string)) === 'CHARGING');
    expect(sim.powerW(sim.connectors[0]!)).toBe(4000);
    const active = await http.get(`/v1/sessions?charge_point_id=${cp.id}&status=ACTIVE`).set(auth(staff)).expect(200);
    expect((await send('RemoteStopTransaction', { transactionId: active.body.data[0].transaction_id })).body.response).toEqual({ status: 'Accepted' });
    await until(async () => (await http.get(`/v1/sessions?charge_point_id=${cp.id}&status=ACTIVE`).set(auth(staff))).body.data.length === 0);
    await sim.stop();
  });
});

describe('reservations over OCPP', () => {
  it('tells the charger (ReserveNow / CancelReservation), lets only the reserving driver start, and fulfils the reservation', async () => {
    const { SimulatedChargePoint } = await import('./simulator/charge-point.js');
    const cp = await chargePoint(2, ['RESERVABLE', 'REMOTE_START_STOP_CAPABLE']);
    const other = await http.post('/v1/drivers').send({ email: 'other@example.com', name: 'Other', password: 'other password' }).expect(201);
    await platform.services.scopes.system((tx) =>
      tx.insertInto('id_tags').values({ id_tag: 'OTHER-CARD', driver_id: other.body.driver_id, status: 'Accepted' }).execute(),
    );
    const sim = new SimulatedChargePoint({ url: wsUrl(), identity: cp.identity, password: PASSWORD, connectors: 2, arrivalPerMinute: 0, faultPerMinute: 0 });
    await sim.connect();
    await until(async () => (await evseStatus(cp.evses[0] as string)) === 'AVAILABLE' && (await evseStatus(cp.evses[1] as string)) === 'AVAILABLE');
    const reserve = async (evse: string) =>
      (
        await http
          .post('/v1/reservations')
          .set(auth(driverToken))
          .send({ evse_id: evse, start: new Date().toISOString(), end: new Date(Date.now() + 1_800_000).toISOString() })
          .expect(201)
      ).body as { id: string; ocpp_reservation_id: number; status: string };
    const reservation = async (id: string) => (await http.get(`/v1/reservations/${id}`).set(auth(driverToken)).expect(200)).body;

    // Book → the job runner sends ReserveNow → the charger reports Reserved.
    const first = await reserve(cp.evses[0] as string);
    expect(first.status).toBe('ACTIVE');
    await until(async () => (await reservation(first.id)).charger_status === 'accepted', 5000);
    expect(sim.connectors[0]?.reservation).toMatchObject({ id: first.ocpp_reservation_id, idTag: 'DRIVER-CARD' });
    await until(async () => (await evseStatus(cp.evses[0] as string)) === 'RESERVED');
    // Cancel → CancelReservation → the charger is free again.
    await http.post(`/v1/reservations/${first.id}/cancel`).set(auth(driverToken)).expect(200);
    await until(async () => (await reservation(first.id)).charger_status === 'cancelled', 5000);
    expect(sim.connectors[0]?.reservation).toBeUndefined();
    await until(async () => (await evseStatus(cp.evses[0] as string)) === 'AVAILABLE');

    // The charger itself keeps others off a connector it holds; the driver's own card starts and fulfils it.
    const second = await reserve(cp.evses[1] as string);
    await until(async () => (await reservation(second.id)).charger_status === 'accepted', 5000);
    expect(await sim.arrive(sim.connectors[1]!, 'OTHER-CARD')).toBeUndefined();
    const transactionId = await sim.arrive(sim.connectors[1]!, 'DRIVER-CARD');
    expect(transactionId).toEqual(expect.any(Number));
    const fulfilled = await reservation(second.id);
    expect(fulfilled.status).toBe('FULFILLED');
    const sessions = await http.get('/v1/me/sessions').set(auth(driverToken)).expect(200);
    expect(sessions.body.data[0]).toMatchObject({ id: fulfilled.session_id, transaction_id: transactionId });
    await sim.stopTransaction(sim.connectors[1]!, 'Local');
    // The rest of the slot is released once the session ends.
    expect(new Date((await reservation(second.id)).end).getTime()).toBeLessThan(Date.now() + 120_000);

    // A charger that cannot hold reservations: the platform refuses anyone else's start.
    await http.patch(`/v1/evses/${cp.evses[0]}`).set(auth(staff)).send({ capabilities: [] }).expect(200);
    const third = await reserve(cp.evses[0] as string);
    await until(async () => (await reservation(third.id)).charger_status === 'not_reservable', 5000);
    await sim.arrive(sim.connectors[0]!, 'OTHER-CARD');
    const refused = await platform.services.scopes.system((tx) =>
      tx
        .selectFrom('charging_sessions')
        .select(['authorization_status', 'driver_id'])
        .where('charge_point_id', '=', cp.id)
        .where('id_tag', '=', 'OTHER-CARD')
        .execute(),
    );
    expect(refused).toEqual([{ authorization_status: 'ReservedForAnother', driver_id: other.body.driver_id }]);
    expect((await reservation(third.id)).status).toBe('ACTIVE');
    await sim.stopTransaction(sim.connectors[0]!, 'DeAuthorized');
    await http.post(`/v1/reservations/${third.id}/cancel`).set(auth(driverToken)).expect(200);

    // The charger is away when the slot starts: it is told once it reconnects.
    await sim.tick();
    await until(async () => (await evseStatus(cp.evses[1] as string)) === 'AVAILABLE');
    const soon = new Date(Date.now() + 2_000);
    const fourth = (
      await http
        .post('/v1/reservations')
        .set(auth(driverToken))
        .send({ evse_id: cp.evses[1], start: soon.toISOString(), end: new Date(soon.getTime() + 1_800_000).toISOString() })
        .expect(201)
    ).body;
    expect(fourth.status).toBe('CONFIRMED');
    await sim.stop();
    await until(async () => (await reservation(fourth.id)).charger_status === 'offline', 8000);
    const back = new SimulatedChargePoint({ url: wsUrl(), identity: cp.identity, password: PASSWORD, connectors: 2, arrivalPerMinute: 0, faultPerMinute: 0 });
    await back.connect();
    await until(async () => (await reservation(fourth.id)).charger_status === 'accepted', 5000);
    expect(back.connectors[1]?.reservation?.id).toBe(fourth.ocpp_reservation_id);
    await http.post(`/v1/reservations/${fourth.id}/cancel`).set(auth(driverToken)).expect(200);
    await until(async () => (await reservation(fourth.id)).charger_status === 'cancelled', 5000);

    // Arriving ten minutes early for your own slot fulfils it (no no-show fee later).
    await back.tick();
    await until(async () => (await evseStatus(cp.evses[1] as string)) === 'AVAILABLE');
    const later = new Date(Date.now() + 600_000);
    const early = (
      await http
        .post('/v1/reservations')
        .set(auth(driverToken))
        .send({ evse_id: cp.evses[1], start: later.toISOString(), end: new Date(later.getTime() + 1_800_000).toISOString() })
        .expect(201)
    ).body;
    expect(await back.arrive(back.connectors[1]!, 'DRIVER-CARD')).toEqual(expect.any(Number));
    expect((await reservation(early.id)).status).toBe('FULFILLED');
    await back.stopTransaction(back.connectors[1]!, 'Local');
    await back.stop();
  });
});

describe('ad-hoc payment at the charger (AFIR)', () => {
  it('a guest sees the price, pays by card, the charger starts remotely, and the cost is captured at the end', async () => {
    const { SimulatedChargePoint } = await import('./simulator/charge-point.js');
    const cp = await chargePoint(1);
    const evse = cp.evses[0] as string;
    const tariff = await http.post('/v1/tariffs').set(auth(staff)).send({ currency: 'EUR', vat_percent: 17, energy_price_per_kwh: 45 }).expect(201);
    await http.patch(`/v1/evses/${evse}`).set(auth(staff)).send({ tariff_id: tariff.body.id }).expect(200);
    const sim = new SimulatedChargePoint({
      url: wsUrl(),
      identity: cp.identity,
      password: PASSWORD,
      connectors: 1,
      maxPowerW: 11_000,
      arrivalPerMinute: 0,
      faultPerMinute: 0,
    });
    await sim.connect();
    await until(async () => (await evseStatus(evse)) === 'AVAILABLE');

    // The QR code on the EVSE opens the payment page, which shows the price first.
    const qr = await http.get(`/v1/evses/${evse}/qr.svg`).expect(200);
    expect(qr.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(String(qr.body ?? qr.text)).toContain('<svg');
    const page = await http.get(`/pay/${evse}`).expect(200);
    expect(page.text).toContain('€0.45 / kWh');
    expect(page.text).toContain('Sandbox payments');

    const declined = await http.post('/v1/ad-hoc-charges').send({ evse_uid: evse, payment_method_id: 'pm_sandbox_declined' }).expect(402);
    expect(declined.body).toMatchObject({ type: expect.stringContaining('payment-declined'), code: 'card_declined' });
    expect(await evseStatus(evse)).toBe('AVAILABLE');

    const started = await http
      .post('/v1/ad-hoc-charges')
      .send({ evse_uid: evse, payment_method_id: 'pm_sandbox_visa', email: 'guest@example.com' })
      .expect(201);
    expect(started.body).toMatchObject({ status: 'starting', token: expect.any(String) });
    const { id, token } = started.body;
    await until(async () => (await http.get(`/v1/ad-hoc-charges/${id}`).query({ token })).body.status === 'charging');
    expect(await evseStatus(evse)).toBe('CHARGING');
    await http.get(`/v1/ad-hoc-charges/${id}`).query({ token: 'not-the-token' }).expect(404);
    await http.get(`/v1/ad-hoc-charges/${id}/receipt`).query({ token }).expect(409);

    const connector = sim.connectors[0]!;
    await sim.charge(connector, 1800);
    await sim.stopTransaction(connector, 'Local');
    await until(async () => (await http.get(`/v1/ad-hoc-charges/${id}`).query({ token })).body.payment_status === 'paid', 5000);
    const done = await http.get(`/v1/ad-hoc-charges/${id}`).query({ token }).expect(200);
    expect(done.body.session).toMatchObject({ status: 'COMPLETED', cost: { currency: 'EUR' } });
    expect(done.body.session.cost.amount).toBe(Math.floor((2 * done.body.session.energy_wh * 45 + 1000) / 2000));
    const receipt = await http.get(`/v1/ad-hoc-charges/${id}/receipt`).query({ token }).expect(200);
    expect(receipt.text).toContain('Payment: paid');
    await sim.stop();
  });
});

describe('charging from the driver app', () => {
  it('finds the EVSE by its printed id, starts and stops from the app, and answers every refusal clearly', async () => {
    const { SimulatedChargePoint } = await import('./simulator/charge-point.js');
    const printed = `LU*VOL*E${process.pid}A1`;
    const cp = await chargePoint(2, [], [printed]);
    const [first, second] = cp.evses as [string, string];
    const tariff = await http.post('/v1/tariffs').set(auth(staff)).send({ currency: 'EUR', vat_percent: 17, energy_price_per_kwh: 40 }).expect(201);
    await http.patch(`/v1/evses/${first}`).set(auth(staff)).send({ tariff_id: tariff.body.id }).expect(200);
    const app = await http
      .post('/v1/drivers')
      .send({ email: `app-${counter}@example.com`, name: 'App Driver', password: 'app driver password' })
      .expect(201);
    const me = auth(app.body.tokens.access_token);

    // Offline: nothing is sent, and the driver is told why.
    const offline = await http.post('/v1/me/sessions').set(me).send({ evse_uid: first }).expect(409);
    expect(offline.body).toMatchObject({ type: expect.stringContaining('charger-offline') });

    const sim = new SimulatedChargePoint({
      url: wsUrl(),
      identity: cp.identity,
      password: PASSWORD,
      connectors: 2,
      maxPowerW: 11_000,
      arrivalPerMinute: 0,
      faultPerMinute: 0,
    });
    await sim.connect();
    await until(async () => (await evseStatus(first)) === 'AVAILABLE' && (await evseStatus(second)) === 'AVAILABLE');

    // Typed as printed, in any case and with spaces, or scanned as the QR link.
    const typed = await http
      .get(`/v1/evses/${encodeURIComponent(printed.toLowerCase().replaceAll('*', ' '))}`)
      .set(me)
      .expect(200);
    expect(typed.body).toMatchObject({ evse_uid: first, remote_start: true, availability: 'AVAILABLE' });
    const scanned = await http
      .get(`/v1/evses/${encodeURIComponent(`https://voltshare.example/pay/${second}`)}`)
      .set(me)
      .expect(200);
    expect(scanned.body.evse_uid).toBe(second);
    await http.get('/v1/evses/NOPE-NOT-AN-EVSE').set(me).expect(404);

    // No way to pay yet: 402, and the charger is not asked.
    const unpaid = await http.post('/v1/me/sessions').set(me).send({ evse_uid: first }).expect(402);
    expect(unpaid.body).toMatchObject({ type: expect.stringContaining('payment-method-required') });
    expect(sim.connectors[0]?.transactionId).toBeUndefined();
    await http.post('/v1/me/sessions').set(me).send({}).expect(422);
    await http.post('/v1/me/sessions').set(me).send({ evse_uid: 'evse_does_not_exist' }).expect(404);
    // Staff are not drivers: the app's charging routes are refused, and nothing is sent to the charger.
    await http.post('/v1/me/sessions').set(auth(staff)).send({ evse_uid: first }).expect(403);
    expect(sim.connectors[0]?.transactionId).toBeUndefined();

    await http.post('/v1/me/payment-methods/setup-intent').set(me).expect(200);
    await http.put('/v1/me/payment-method').set(me).send({ payment_method_id: 'pm_sandbox_visa' }).expect(204);
    expect((await http.get('/v1/me/payment-method').set(me).expect(200)).body).toMatchObject({ payment_method_id: 'pm_sandbox_visa' });

    const started = await http.post('/v1/me/sessions').set(me).send({ evse_uid: first }).expect(202);
    expect(started.body).toEqual({ evse_uid: first, status: 'starting' });
    await until(async () => (await http.get('/v1/me/sessions').set(me)).body.data.some((s: { status: string }) => s.status === 'ACTIVE'));
    const session = (await http.get('/v1/me/sessions').set(me)).body.data[0];
    expect(session).toMatchObject({ status: 'ACTIVE', evse_uid: first });

    // Someone else cannot take it; the driver's own second start is refused by the EVSE state too.
    const other = await http
      .post('/v1/drivers')
      .send({ email: `app-other-${counter}@example.com`, name: 'Other', password: 'other driver password' })
      .expect(201);
    const taken = await http.post('/v1/me/sessions').set(auth(other.body.tokens.access_token)).send({ evse_uid: first }).expect(409);
    expect(taken.body).toMatchObject({ type: expect.stringContaining('evse-unavailable') });
    await http.post(`/v1/me/sessions/${session.id}/stop`).set(auth(other.body.tokens.access_token)).expect(404);

    // The driver plans the rest: leaving in two hours, 20 kWh wanted.
    const departure = new Date(Date.now() + 2 * 3600_000).toISOString();
    const planned = await http.patch(`/v1/me/sessions/${session.id}`).set(me).send({ departure_at: departure, energy_wanted_wh: 20_000 }).expect(200);
    expect(planned.body).toMatchObject({ energy_wanted_wh: 20_000 });
    const past = await http
      .patch(`/v1/me/sessions/${session.id}`)
      .set(me)
      .send({ departure_at: new Date(Date.now() - 3_600_000).toISOString() })
      .expect(422);
    expect(JSON.stringify(past.body)).toContain('departure_at');
    const badPlan = await http.patch(`/v1/me/sessions/${session.id}`).set(me).send({ energy_wanted_wh: 0 }).expect(422);
    expect(JSON.stringify(badPlan.body)).toContain('energy_wanted_wh');
    // The refused changes wrote nothing.
    expect((await http.get(`/v1/sessions/${session.id}`).set(me)).body).toMatchObject({ energy_wanted_wh: 20_000, departure_at: departure });

    await sim.charge(sim.connectors[0]!, 600);
    expect((await http.post(`/v1/me/sessions/${session.id}/stop`).set(me).expect(202)).body).toEqual({ session_id: session.id, status: 'stopping' });
    await until(async () => (await http.get(`/v1/sessions/${session.id}`).set(me)).body.status === 'COMPLETED');
    const ended = await http.post(`/v1/me/sessions/${session.id}/stop`).set(me).expect(409);
    expect(ended.body).toMatchObject({ type: expect.stringContaining('session-ended') });
    await until(async () => (await http.get(`/v1/sessions/${session.id}/payment`).set(me)).body.payment_status === 'paid', 5000);
    const paid = (await http.get(`/v1/sessions/${session.id}`).set(me)).body;
    expect(paid.cost.amount).toBe(Math.floor((2 * paid.energy_wh * 40 + 1000) / 2000));

    // A charger that refuses (its connector faulted meanwhile) gets a clear message, not a hung request.
    const connector = sim.connectors[1]!;
    connector.state = 'Faulted';
    const refused = await http.post('/v1/me/sessions').set(me).send({ evse_uid: second }).expect(409);
    expect(refused.body).toMatchObject({ type: expect.stringContaining('charger-refused') });
    await sim.stop();
  });
});
