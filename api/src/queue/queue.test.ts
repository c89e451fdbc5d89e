import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../realtime/events.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { afterReservations, expectedSessionEnd, placeTimes, TYPICAL_SESSION_MS } from './eta.js';

const MINUTE = 60_000;
const DC = { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 500, max_electric_power: 150_000 };

describe('queue waiting times', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  it('uses the stated departure, then the state of charge, then the energy so far', () => {
    const base = { started_at: new Date('2026-11-25T09:30:00Z'), energy_wh: 10_000, power_w: 50_000, soc_percent: null, departure_at: null };
    expect(expectedSessionEnd({ ...base, departure_at: new Date('2026-11-25T10:40:00Z') }, now).toISOString()).toBe('2026-11-25T10:40:00.000Z');
    // DC at 50 kW from 50 % to 80 % of 60 kWh: 18 kWh, 21.6 minutes.
    expect(expectedSessionEnd({ ...base, soc_percent: 50 }, now).getTime() - now.getTime()).toBe(21.6 * MINUTE);
    // No SoC: a typical 20 kWh session, 10 kWh to go at 50 kW: 12 minutes.
    expect(expectedSessionEnd(base, now).getTime() - now.getTime()).toBe(12 * MINUTE);
    // More energy never means a later end.
    expect(expectedSessionEnd({ ...base, energy_wh: 15_000 }, now) <= expectedSessionEnd(base, now)).toBe(true);
    // Not drawing power: soon, never in the past.
    expect(expectedSessionEnd({ ...base, power_w: 0, started_at: new Date('2026-11-25T06:00:00Z') }, now).getTime()).toBe(now.getTime() + 10 * MINUTE);
  });

  it('serves the line in order, each EVSE taking a typical session before it frees again', () => {
    const in10 = new Date(now.getTime() + 10 * MINUTE);
    const in30 = new Date(now.getTime() + 30 * MINUTE);
    const times = placeTimes([in30, in10], 4, now).map((d) => (d.getTime() - now.getTime()) / MINUTE);
    expect(times).toEqual([10, 30, 10 + TYPICAL_SESSION_MS / MINUTE, 30 + TYPICAL_SESSION_MS / MINUTE]);
    expect(placeTimes([], 3, now)).toEqual([]);
    // A reservation starting before a queued driver could finish pushes the free time to its end.
    const r = { start: new Date(now.getTime() + 20 * MINUTE), end: new Date(now.getTime() + 80 * MINUTE) };
    expect(afterReservations(in10, [r]).getTime()).toBe(r.end.getTime());
    expect(afterReservations(in10, [{ start: new Date(now.getTime() + 200 * MINUTE), end: new Date(now.getTime() + 260 * MINUTE) }])).toEqual(in10);
  });
});

describe.each(backends())('virtual queue on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let locationId: string;
  let evse: string;
  const drivers: { token: string; id: string }[] = [];
  const events: DomainEvent[] = [];
  let stopWatching: () => void;

  const setStatus = (status: 'CHARGING' | 'AVAILABLE') => t.services.locations.applyEvseStatus(net.networkId, evse, status, new Date());
  const queue = (token: string) => t.http.get(`/v1/locations/${locationId}/queue`).set(bearer(token)).expect(200);
  const join = (token: string) => t.http.post(`/v1/locations/${locationId}/queue`).set(bearer(token)).send({ connector_standard: 'IEC_62196_T2_COMBO' });
  const offerFor = (driverId: string) =>
    events.filter((e) => e.type === 'queue.offer' && e.audience.driver_id === driverId).at(-1)?.payload as
      | { offer_id: string; reservation_id: string }
      | undefined;
  const run = (offsetMinutes = 0) => t.services.jobs.drain(new Date(Date.now() + offsetMinutes * MINUTE), net.networkId);
  const evseStatus = async () =>
    (
      await t.http
        .get(`/v1/locations/${locationId}`)
        .set(bearer(drivers[0]?.token as string))
        .expect(200)
    ).body.evses[0].status;

  beforeAll(async () => {
    t = await startTestApp(backend);
    stopWatching = t.services.queue.watch();
    t.services.bus.subscribe((e) => events.push(e));
    net = await signUpNetwork(t.http, 'Queue Network');
    const created = await t.http
      .post('/v1/locations')
      .set(bearer(net.accessToken))
      .send(siteBody('Busy Site', [{ connectors: [DC] }]))
      .expect(201);
    locationId = created.body.id;
    evse = created.body.evses[0].uid;
    for (let i = 0; i < 5; i++) {
      const d = await registerDriver(t.http);
      drivers.push({ token: d.accessToken, id: d.driverId });
    }
  });
  afterAll(async () => {
    stopWatching();
    await t.close();
  });

  it('refuses to queue while something compatible is free, and for what the site does not have', async () => {
    await setStatus('AVAILABLE');
    const free = await join(drivers[0]!.token).expect(409);
    expect(free.body.type).toMatch(/evse-available$/);
    const wrong = await t.http.post(`/v1/locations/${locationId}/queue`).set(bearer(drivers[0]!.token)).send({ connector_standard: 'CHADEMO' }).expect(422);
    expect(wrong.body.errors[0].field).toBe('body.connector_standard');
    await t.http.post('/v1/locations/loc_nope/queue').set(bearer(drivers[0]!.token)).send({}).expect(404);
    await t.http.post(`/v1/locations/${locationId}/queue`).set(bearer(net.accessToken)).send({}).expect(403);
  });

  it('keeps a line with positions and waits; joining twice keeps your place', async () => {
    await setStatus('CHARGING');
    const [a, b] = drivers as [{ token: string; id: string }, { token: string; id: string }];
    const first = await join(a.token).expect(201);
    expect(first.body.you).toMatchObject({ position: 1, status: 'WAITING', offer: null });
    const second = await join(b.token).expect(201);
    expect(second.body.you.position).toBe(2);
    expect(second.body.length).toBe(2);
    expect(second.body.you.estimated_wait_minutes).toBeGreaterThanOrEqual(first.body.you.estimated_wait_minutes);
    const again = await join(a.token).expect(201);
    expect(again.body.you.entry_id).toBe(first.body.you.entry_id);
    expect(again.body.length).toBe(2);
    // Anyone who may see the site sees the length and the wait; only drivers in line see a place.
    const outsider = await queue(drivers[4]!.token);
    expect(outsider.body).toMatchObject({ length: 2, you: null });
    expect(outsider.body.estimated_wait_minutes).toBeGreaterThan(0);
    // The line was pushed: a queue.updated for the location, each driver's own position.
    const updates = events.filter((e) => e.type === 'queue.updated' && e.payload.location_id === locationId);
    expect(updates.at(-1)?.payload).toMatchObject({ length: 2 });
    const positions = events.filter((e) => e.type === 'queue.position' && e.audience.driver_id === b.id);
    expect(positions.at(-1)?.payload).toMatchObject({ position: 2 });
  });

  it('offers a freed EVSE to the first in line, holds it, and moves on when declined or ignored', async () => {
    const [a, b] = drivers as [{ token: string; id: string }, { token: string; id: string }];
    await setStatus('AVAILABLE');
    await run();
    const offer = offerFor(a.id);
    expect(offer).toBeDefined();
    expect(await evseStatus()).toBe('RESERVED');
    const mine = await queue(a.token);
    expect(mine.body.you).toMatchObject({ status: 'OFFERED', position: 1, offer: { id: offer?.offer_id, status: 'PENDING' } });
    // Nobody else can book the held EVSE, and B cannot answer A's offer.
    await t.http.post(`/v1/queue-offers/${offer?.offer_id}/accept`).set(bearer(b.token)).expect(404);
    const booking = await t.http
      .post('/v1/reservations')
      .set(bearer(drivers[4]!.token))
      .send({ evse_id: evse, start: new Date().toISOString(), end: new Date(Date.now() + 30 * MINUTE).toISOString() })
      .expect(409);
    expect(booking.body.type).toMatch(/evse-occupied|slot-taken/);

    const declined = await t.http.post(`/v1/queue-offers/${offer?.offer_id}/decline`).set(bearer(a.token)).expect(200);
    expect(declined.body.offer.status).toBe('DECLINED');
    expect((await queue(a.token)).body.you).toBeNull();
    await run();
    const next = offerFor(b.id);
    expect(next).toBeDefined();
    expect((await queue(b.token)).body.you.offer.id).toBe(next?.offer_id);

    // B does not answer: after the offer time (15 minutes) B is out and the EVSE is free again.
    await run(16);
    expect((await queue(b.token)).body).toMatchObject({ length: 0, you: null });
    const late = await t.http.post(`/v1/queue-offers/${next?.offer_id}/accept`).set(bearer(b.token)).expect(409);
    expect(late.body.type).toMatch(/offer-closed$/);
    expect(events.some((e) => e.type === 'queue.offer_expired' && e.audience.driver_id === b.id)).toBe(true);
    expect(await evseStatus()).toBe('AVAILABLE');
    const hold = await t.http.get(`/v1/reservations/${next?.reservation_id}`).set(bearer(b.token)).expect(200);
    expect(hold.body.status).toBe('EXPIRED');
  });

  it('snoozing lets the next driver go first; accepting turns the offer into a short reservation', async () => {
    const [, , c, d] = drivers as { token: string; id: string }[];
    await setStatus('CHARGING');
    await join(c!.token).expect(201);
    await join(d!.token).expect(201);
    await setStatus('AVAILABLE');
    await run();
    const toC = offerFor(c!.id);
    await t.http.post(`/v1/queue-offers/${toC?.offer_id}/snooze`).set(bearer(c!.token)).expect(200);
    await run();
    const toD = offerFor(d!.id);
    expect(toD).toBeDefined();
    expect((await queue(c!.token)).body.you).toMatchObject({ status: 'WAITING', position: 2 });

    const accepted = await t.http.post(`/v1/queue-offers/${toD?.offer_id}/accept`).set(bearer(d!.token)).expect(200);
    const again = await t.http.post(`/v1/queue-offers/${toD?.offer_id}/accept`).set(bearer(d!.token)).expect(200);
    expect(again.body).toEqual(accepted.body);
    const reservation = await t.http.get(`/v1/reservations/${accepted.body.reservation_id}`).set(bearer(d!.token)).expect(200);
    expect(reservation.body).toMatchObject({ status: 'ACTIVE', kind: 'queue', evse_uid: evse });
    const length = (new Date(reservation.body.end).getTime() - Date.now()) / MINUTE;
    expect(length).toBeGreaterThan(28);
    expect(length).toBeLessThanOrEqual(30);
    expect((await queue(c!.token)).body).toMatchObject({ length: 1, you: { position: 1 } });
    expect(await evseStatus()).toBe('RESERVED');

    // Leaving is instant, and leaving again changes nothing.
    await t.http.delete(`/v1/locations/${locationId}/queue/me`).set(bearer(c!.token)).expect(204);
    await t.http.delete(`/v1/locations/${locationId}/queue/me`).set(bearer(c!.token)).expect(204);
    expect((await queue(c!.token)).body).toMatchObject({ length: 0, you: null });
    await t.http.post(`/v1/reservations/${accepted.body.reservation_id}/cancel`).set(bearer(d!.token)).expect(200);
  });
});
