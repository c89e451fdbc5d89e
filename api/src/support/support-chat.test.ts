import { io, type Socket } from 'socket.io-client';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../server/start.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, openTestDatabase, registerDriver, type SignedUpNetwork, signUpNetwork, testConfig } from '../test/harness.js';

interface MessageEvent {
  ticket_id: string;
  message: { author: string; body: string; internal: boolean };
}

describe.each(backends())('live support chat on %s', (backend: Backend) => {
  let platform: RunningPlatform;
  let http: TestAgent;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let driver: string;
  let stranger: string;
  let location: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    platform = await startPlatform(testConfig({ PORT: '0', HOST: '127.0.0.1', JOBS: 'false' }), await openTestDatabase(backend));
    http = supertest(platform.server);
    net = await signUpNetwork(http, 'Chat Network');
    other = await signUpNetwork(http, 'Chat Elsewhere');
    driver = (await registerDriver(http)).accessToken;
    stranger = (await registerDriver(http)).accessToken;
    location = (await http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Chat Corner')).expect(201)).body.id;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await platform.stop();
  });

  const connect = (token: string): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(platform.url.replace('localhost', '127.0.0.1'), { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  const collect = (socket: Socket) => {
    const seen: MessageEvent[] = [];
    socket.on('ticket.message', (payload: MessageEvent) => seen.push(payload));
    return seen;
  };
  const until = async (check: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out waiting for a message');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('driver and staff chat in realtime; notes stay with staff; nobody else can listen in', async () => {
    const ticket = (
      await http
        .post('/v1/support/tickets')
        .set(bearer(driver))
        .send({ kind: 'question', subject: 'Parking fee?', message: 'Do I pay for parking while charging?', location_id: location })
        .expect(201)
    ).body;
    expect(ticket.network_id).toBe(net.networkId);

    const driverSocket = await connect(driver);
    const staffSocket = await connect(net.accessToken);
    const driverHears = collect(driverSocket);
    const staffHears = collect(staffSocket);
    expect(await staffSocket.emitWithAck('subscribe', { ticket_id: ticket.id })).toEqual({ ok: true });
    expect(await driverSocket.emitWithAck('subscribe', { ticket_id: ticket.id })).toEqual({ ok: true });
    // Another driver and another network's staff are refused, as REST would 404.
    const strangerSocket = await connect(stranger);
    const otherStaff = await connect(other.accessToken);
    const strangerHears = collect(strangerSocket);
    const otherHears = collect(otherStaff);
    expect(await strangerSocket.emitWithAck('subscribe', { ticket_id: ticket.id })).toMatchObject({ ok: false });
    expect(await otherStaff.emitWithAck('subscribe', { ticket_id: ticket.id })).toMatchObject({ ok: false });
    expect(await otherStaff.emitWithAck('subscribe', { network: true })).toEqual({ ok: true });

    await http.post(`/v1/support/tickets/${ticket.id}/messages`).set(bearer(net.accessToken)).send({ body: 'No: the first two hours are free.' }).expect(201);
    await until(() => driverHears.length === 1);
    expect(driverHears[0]).toMatchObject({ ticket_id: ticket.id, message: { author: 'staff', body: 'No: the first two hours are free.', internal: false } });

    await http.post(`/v1/support/tickets/${ticket.id}/messages`).set(bearer(driver)).send({ body: 'Great, thanks!' }).expect(201);
    await until(() => staffHears.some((m) => m.message.body === 'Great, thanks!'));
    await http
      .post(`/v1/support/tickets/${ticket.id}/messages`)
      .set(bearer(net.accessToken))
      .send({ body: 'Regular; knows the site.', internal: true })
      .expect(201);
    await until(() => staffHears.some((m) => m.message.internal));
    // Each message once, even though staff also follow the network.
    expect(staffHears.filter((m) => m.message.body === 'Great, thanks!')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    // The driver's own message comes back too (their other devices follow the chat); the note never does.
    expect(driverHears.map((m) => m.message.body)).toEqual(['No: the first two hours are free.', 'Great, thanks!']);
    expect(strangerHears).toEqual([]);
    expect(otherHears).toEqual([]);
  });
});
