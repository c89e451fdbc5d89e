import { io, type Socket } from 'socket.io-client';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../server/start.js';
import { type Backend, backends, bearer, openTestDatabase, registerDriver, type SignedUpNetwork, signUpNetwork, testConfig } from '../test/harness.js';

interface StatusEvent {
  location_id: string;
  evse_uid: string;
  status: string;
  version: number;
}

const place = (latitude: number, longitude: number, name: string, publish = true) => ({
  name,
  address: 'Rue du Test 1',
  city: 'Luxembourg',
  country: 'LU',
  coordinates: { latitude, longitude },
  time_zone: 'Europe/Luxembourg',
  publish,
  evses: [{ connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }] }],
});

describe.each(backends())('realtime on %s', (backend: Backend) => {
  let platform: RunningPlatform;
  let http: TestAgent;
  let a: SignedUpNetwork;
  let b: SignedUpNetwork;
  let driver: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Jobs off: on the shared server database this process would take other suites' jobs.
    platform = await startPlatform(testConfig({ PORT: '0', HOST: '127.0.0.1', JOBS: 'false' }), await openTestDatabase(backend));
    http = supertest(platform.server);
    a = await signUpNetwork(http, 'Realtime A');
    b = await signUpNetwork(http, 'Realtime B');
    driver = (await registerDriver(http)).accessToken;
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => platform.stop());

  const connect = (token: string | undefined): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(platform.url.replace('localhost', '127.0.0.1'), { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  const subscribe = (socket: Socket, subscription: unknown) =>
    socket.emitWithAck('subscribe', subscription) as Promise<{ ok: boolean; version?: number; error?: string }>;
  const collect = (socket: Socket, event = 'evse.status') => {
    const seen: StatusEvent[] = [];
    socket.on(event, (payload: StatusEvent) => seen.push(payload));
    return seen;
  };
  const until = async (check: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out waiting for an event');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const setStatus = (token: string, uid: string, status: string) => http.patch(`/v1/evses/${uid}`).set(bearer(token)).send({ status }).expect(200);

  it('a driver following a location sees status changes with growing versions, and can resync by REST', async () => {
    const loc = await http
      .post('/v1/locations')
      .set(bearer(a.accessToken))
      .send(place(49.61, 6.13, 'Live one'))
      .expect(201);
    const uid = loc.body.evses[0].uid;
    const socket = await connect(driver);
    const sub = await subscribe(socket, { location_id: loc.body.id });
    expect(sub).toEqual({ ok: true, version: loc.body.version });
    const seen = collect(socket);
    await setStatus(a.accessToken, uid, 'AVAILABLE');
    await setStatus(a.accessToken, uid, 'OUTOFORDER');
    await until(() => seen.length === 2);
    expect(seen.map((e) => e.status)).toEqual(['AVAILABLE', 'OUTOFORDER']);
    expect(seen[1]!.version).toBeGreaterThan(seen[0]!.version);
    expect(seen[0]!.version).toBeGreaterThan(loc.body.version);
    const rest = await http.get(`/v1/locations/${loc.body.id}`).set(bearer(driver)).expect(200);
    expect(rest.body.evses[0].status).toBe('OUTOFORDER');
    expect(rest.body.version).toBe(seen[1]!.version);
  });

  it('a bounding box gets events inside it only', async () => {
    const inBox = await http
      .post('/v1/locations')
      .set(bearer(a.accessToken))
      .send(place(49.7, 6.2, 'In box'))
      .expect(201);
    const outside = await http
      .post('/v1/locations')
      .set(bearer(a.accessToken))
      .send(place(49.9, 6.4, 'Outside'))
      .expect(201);
    const socket = await connect(driver);
    expect((await subscribe(socket, { bbox: [6.15, 49.65, 6.25, 49.75] })).ok).toBe(true);
    const seen = collect(socket);
    await setStatus(a.accessToken, outside.body.evses[0].uid, 'AVAILABLE');
    await setStatus(a.accessToken, inBox.body.evses[0].uid, 'AVAILABLE');
    await until(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.map((e) => e.location_id)).toEqual([inBox.body.id]);
  });

  it('never sends a network’s private events to anyone else', async () => {
    const hidden = await http
      .post('/v1/locations')
      .set(bearer(a.accessToken))
      .send(place(49.8, 6.3, 'Hidden', false))
      .expect(201);
    const stranger = await connect(driver);
    expect(await subscribe(stranger, { location_id: hidden.body.id })).toMatchObject({ ok: false });
    expect((await subscribe(stranger, { bbox: [6.2, 49.7, 6.4, 49.9] })).ok).toBe(true);
    const otherStaff = await connect(b.accessToken);
    expect((await subscribe(otherStaff, { network: true })).ok).toBe(true);
    expect((await subscribe(otherStaff, { bbox: [6.2, 49.7, 6.4, 49.9] })).ok).toBe(true);
    const ownStaff = await connect(a.accessToken);
    expect((await subscribe(ownStaff, { network: true })).ok).toBe(true);
    expect((await subscribe(ownStaff, { location_id: hidden.body.id })).ok).toBe(true);

    const strangerSaw = collect(stranger);
    const otherSaw = collect(otherStaff);
    const ownSaw = collect(ownStaff);
    await setStatus(a.accessToken, hidden.body.evses[0].uid, 'AVAILABLE');
    // Own staff get it twice: once for the network, once for the location they follow.
    await until(() => ownSaw.length === 2);
    await new Promise((r) => setTimeout(r, 150));
    expect(strangerSaw).toEqual([]);
    expect(otherSaw).toEqual([]);
    expect(ownSaw[0]?.location_id).toBe(hidden.body.id);
  });

  it('refuses connections without valid credentials and bad subscriptions', async () => {
    await expect(connect(undefined)).rejects.toThrow(/unauthenticated/);
    await expect(connect('not-a-token')).rejects.toThrow(/unauthenticated/);
    const socket = await connect(driver);
    expect(await subscribe(socket, { network: true })).toMatchObject({ ok: false, error: expect.stringMatching(/staff/) });
    expect(await subscribe(socket, { bbox: [1, 2, 3] })).toMatchObject({ ok: false });
    expect(await subscribe(socket, { whatever: 1 })).toMatchObject({ ok: false });
    expect(await subscribe(socket, { location_id: 'loc_unknown' })).toMatchObject({ ok: false });
  });

  it('pushes a driver their own reservation and queue events, and a location’s queue to its followers', async () => {
    const loc = await http
      .post('/v1/locations')
      .set(bearer(a.accessToken))
      .send(place(49.62, 6.14, 'Bookable live'))
      .expect(201);
    const uid = loc.body.evses[0].uid;
    await setStatus(a.accessToken, uid, 'AVAILABLE');
    const booker = await registerDriver(http);
    const mine = await connect(booker.accessToken);
    const someoneElse = await connect(driver);
    const follower = await connect(driver);
    expect((await subscribe(follower, { location_id: loc.body.id })).ok).toBe(true);
    const minePushed: { reservation_id?: string; position?: number }[] = [];
    const elsePushed: unknown[] = [];
    for (const type of ['reservation.created', 'reservation.cancelled', 'queue.position']) {
      mine.on(type, (p) => minePushed.push({ ...p, type }));
      someoneElse.on(type, (p) => elsePushed.push(p));
    }
    const queueUpdates = collect(follower, 'queue.updated') as unknown as { location_id: string; length: number }[];

    const start = new Date(Date.now() + 3_600_000);
    const booked = await http
      .post('/v1/reservations')
      .set(bearer(booker.accessToken))
      .send({ evse_id: uid, start: start.toISOString(), end: new Date(start.getTime() + 1_800_000).toISOString() })
      .expect(201);
    await until(() => minePushed.some((p) => p.reservation_id === booked.body.id));
    await http.post(`/v1/reservations/${booked.body.id}/cancel`).set(bearer(booker.accessToken)).expect(200);
    await until(() => minePushed.length === 2);

    await setStatus(a.accessToken, uid, 'BLOCKED');
    await http.post(`/v1/locations/${loc.body.id}/queue`).set(bearer(booker.accessToken)).send({}).expect(201);
    await until(() => queueUpdates.some((q) => q.location_id === loc.body.id && q.length === 1));
    await until(() => minePushed.some((p) => p.position === 1));
    await new Promise((r) => setTimeout(r, 150));
    expect(elsePushed).toEqual([]);
  });
});
