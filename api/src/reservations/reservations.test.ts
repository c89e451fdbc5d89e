import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const MINUTE = 60_000;
/** The next whole minute, fixed per test so slots compare exactly. */
let base = 0;
beforeEach(() => {
  base = Math.ceil(Date.now() / MINUTE) * MINUTE;
});
const at = (minutesFromNow: number) => new Date(base + minutesFromNow * MINUTE);
const slot = (startMin: number, endMin: number) => ({ start: at(startMin).toISOString(), end: at(endMin).toISOString() });

describe.each(backends())('reservations on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let locationId: string;
  let evses: string[];
  let privateEvse: string;
  let driver: string;
  let driverId: string;
  let second: string;

  const book = (token: string, body: object) => t.http.post('/v1/reservations').set(bearer(token)).send(body);

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Booking Network');
    other = await signUpNetwork(t.http, 'Private Network');
    const created = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Bookable Site')).expect(201);
    locationId = created.body.id;
    evses = created.body.evses.map((e: { uid: string }) => e.uid);
    for (const uid of evses) await t.http.patch(`/v1/evses/${uid}`).set(bearer(net.accessToken)).send({ status: 'AVAILABLE' }).expect(200);
    const hidden = await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({ ...siteBody('Depot'), publish: false })
      .expect(201);
    privateEvse = hidden.body.evses[0].uid;
    ({ accessToken: driver, driverId } = await registerDriver(t.http));
    ({ accessToken: second } = await registerDriver(t.http));
  });
  afterAll(() => t.close());

  it('books a future slot on an EVSE and shows it to the driver and to the network, nobody else', async () => {
    const res = await book(driver, { evse_id: evses[0], ...slot(60, 120) }).expect(201);
    expect(res.body).toMatchObject({
      status: 'CONFIRMED',
      evse_uid: evses[0],
      location_id: locationId,
      driver_id: driverId,
      network_id: net.networkId,
      kind: 'booking',
    });
    expect(res.body.start).toBe(at(60).toISOString());
    expect(res.body.grace_until).toBe(at(75).toISOString());
    expect(Number.isInteger(res.body.ocpp_reservation_id)).toBe(true);
    await t.http.get(`/v1/reservations/${res.body.id}`).set(bearer(driver)).expect(200);
    await t.http.get(`/v1/reservations/${res.body.id}`).set(bearer(net.accessToken)).expect(200);
    await t.http.get(`/v1/reservations/${res.body.id}`).set(bearer(second)).expect(404);
    await t.http.get(`/v1/reservations/${res.body.id}`).set(bearer(other.accessToken)).expect(404);
    const mine = await t.http.get('/v1/me/reservations').set(bearer(driver)).expect(200);
    expect(mine.body.data.map((r: { id: string }) => r.id)).toContain(res.body.id);
    const staff = await t.http.get(`/v1/network/reservations?location_id=${locationId}`).set(bearer(net.accessToken)).expect(200);
    expect(staff.body.data.map((r: { id: string }) => r.id)).toContain(res.body.id);
    await t.http.post(`/v1/reservations/${res.body.id}/cancel`).set(bearer(driver)).expect(200);
  });

  it('refuses an overlapping slot with 409 and accepts the adjacent one', async () => {
    const first = await book(driver, { evse_id: evses[0], ...slot(200, 260) }).expect(201);
    const clash = await book(second, { evse_id: evses[0], ...slot(230, 290) }).expect(409);
    expect(clash.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(clash.body.type).toMatch(/slot-taken$/);
    const adjacent = await book(second, { evse_id: evses[0], ...slot(260, 300) }).expect(201);
    // The same driver cannot be in two places at once, even on another EVSE.
    const twice = await book(driver, { evse_id: evses[1], ...slot(250, 270) }).expect(409);
    expect(twice.body.type).toMatch(/overlapping-reservation$/);
    for (const id of [first.body.id, adjacent.body.id])
      await t.http
        .post(`/v1/reservations/${id}/cancel`)
        .set(bearer(id === first.body.id ? driver : second))
        .expect(200);
  });

  it('rejects bad input with a clear problem and writes nothing', async () => {
    const before = await t.http.get('/v1/me/reservations?limit=100').set(bearer(second)).expect(200);
    const cases: [object, number, string][] = [
      [{ evse_id: evses[0], ...slot(-120, -60) }, 422, 'body.start'],
      [{ evse_id: evses[0], start: at(120).toISOString(), end: at(60).toISOString() }, 422, 'body.end'],
      [{ evse_id: evses[0], ...slot(60, 60 + 181) }, 422, 'body.end'],
      [{ evse_id: evses[0], ...slot(60, 65) }, 422, 'body.end'],
      [{ evse_id: evses[0], ...slot(15 * 1440, 15 * 1440 + 60) }, 422, 'body.start'],
      [{ evse_id: evses[0], start: 'tomorrow', end: at(60).toISOString() }, 422, 'body.start'],
      [{ ...slot(60, 120) }, 422, 'body'],
      [{ location_id: locationId, ...slot(60, 120) }, 422, 'body.connector_standard'],
      [{ location_id: locationId, connector_standard: 'CHADEMO', ...slot(60, 120) }, 422, 'body.connector_standard'],
    ];
    for (const [body, status, field] of cases) {
      const res = await book(second, body).expect(status);
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    const unknown = await book(second, { evse_id: 'evs_nope', ...slot(60, 120) }).expect(404);
    expect(unknown.body.type).toMatch(/not-found$/);
    // Another network's EVSE that it does not publish is simply not there.
    await book(second, { evse_id: privateEvse, ...slot(60, 120) }).expect(404);
    // Staff without a driver profile cannot book.
    await book(net.accessToken, { evse_id: evses[0], ...slot(60, 120) }).expect(403);
    const after = await t.http.get('/v1/me/reservations?limit=100').set(bearer(second)).expect(200);
    expect(after.body.data).toHaveLength(before.body.data.length);
  });

  it('moves and extends atomically: a taken slot keeps the old one; the same change twice changes nothing', async () => {
    const mine = await book(driver, { evse_id: evses[1], ...slot(400, 460) }).expect(201);
    const theirs = await book(second, { evse_id: evses[1], ...slot(480, 540) }).expect(201);
    const blocked = await t.http
      .patch(`/v1/reservations/${mine.body.id}`)
      .set(bearer(driver))
      .send({ end: at(500).toISOString() })
      .expect(409);
    expect(blocked.body.type).toMatch(/slot-taken$/);
    const kept = await t.http.get(`/v1/reservations/${mine.body.id}`).set(bearer(driver)).expect(200);
    expect([kept.body.start, kept.body.end]).toEqual([at(400).toISOString(), at(460).toISOString()]);
    expect(kept.body.version).toBe(mine.body.version);

    const extended = await t.http
      .patch(`/v1/reservations/${mine.body.id}`)
      .set(bearer(driver))
      .send({ end: at(480).toISOString() })
      .expect(200);
    expect(extended.body.end).toBe(at(480).toISOString());
    const again = await t.http
      .patch(`/v1/reservations/${mine.body.id}`)
      .set(bearer(driver))
      .send({ end: at(480).toISOString() })
      .expect(200);
    expect(again.body.version).toBe(extended.body.version);
    const moved = await t.http
      .patch(`/v1/reservations/${mine.body.id}`)
      .set(bearer(driver))
      .send({ start: at(600).toISOString(), end: at(660).toISOString() })
      .expect(200);
    expect(moved.body).toMatchObject({ start: at(600).toISOString(), end: at(660).toISOString(), grace_until: at(615).toISOString() });
    // Someone else's reservation is not yours to move.
    await t.http
      .patch(`/v1/reservations/${theirs.body.id}`)
      .set(bearer(driver))
      .send({ end: at(545).toISOString() })
      .expect(404);

    const cancelled = await t.http.post(`/v1/reservations/${mine.body.id}/cancel`).set(bearer(driver)).expect(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    const twice = await t.http.post(`/v1/reservations/${mine.body.id}/cancel`).set(bearer(driver)).expect(200);
    expect(twice.body.version).toBe(cancelled.body.version);
    await t.http
      .patch(`/v1/reservations/${mine.body.id}`)
      .set(bearer(driver))
      .send({ end: at(700).toISOString() })
      .expect(409);
    // The cancelled slot is free again.
    const reuse = await book(second, { evse_id: evses[1], ...slot(600, 660) }).expect(201);
    for (const id of [theirs.body.id, reuse.body.id]) await t.http.post(`/v1/reservations/${id}/cancel`).set(bearer(second)).expect(200);
  });

  it('picks any compatible EVSE of a location, most powerful first, and says when none is left', async () => {
    const a = await book(driver, { location_id: locationId, connector_standard: 'IEC_62196_T2_COMBO', ...slot(800, 860) }).expect(201);
    const b = await book(second, { location_id: locationId, connector_standard: 'IEC_62196_T2_COMBO', ...slot(800, 860) }).expect(201);
    expect(new Set([a.body.evse_uid, b.body.evse_uid])).toEqual(new Set([evses[0], evses[1]]));
    const third = await registerDriver(t.http);
    const none = await book(third.accessToken, { location_id: locationId, connector_standard: 'IEC_62196_T2_COMBO', ...slot(830, 890) }).expect(409);
    expect(none.body.type).toMatch(/no-evse-free$/);
    const ac = await book(third.accessToken, { location_id: locationId, connector_standard: 'IEC_62196_T2', ...slot(830, 890) }).expect(201);
    expect(ac.body.evse_uid).toBe(evses[2]);
    await t.http.post(`/v1/reservations/${a.body.id}/cancel`).set(bearer(driver)).expect(200);
    await t.http.post(`/v1/reservations/${b.body.id}/cancel`).set(bearer(second)).expect(200);
    await t.http.post(`/v1/reservations/${ac.body.id}/cancel`).set(bearer(third.accessToken)).expect(200);
  });

  it('starts the slot (EVSE shown reserved), then marks a no-show after the grace period and records the fee', async () => {
    await t.http
      .put('/v1/network/reservation-policy')
      .set(bearer(net.accessToken))
      .send({
        max_days_ahead: 14,
        min_duration_minutes: 15,
        max_duration_minutes: 180,
        grace_minutes: 10,
        reservation_fee: 0,
        no_show_fee: 500,
        queue_offer_minutes: 15,
        queue_hold_minutes: 30,
      })
      .expect(200);
    const r = await book(driver, { evse_id: evses[2], ...slot(5, 65) }).expect(201);
    expect(r.body.grace_until).toBe(at(15).toISOString());
    const evseStatus = async () => {
      const loc = await t.http.get(`/v1/locations/${locationId}`).set(bearer(second)).expect(200);
      return loc.body.evses.find((e: { uid: string }) => e.uid === evses[2]).status;
    };
    expect(await evseStatus()).toBe('AVAILABLE');
    await t.services.jobs.drain(at(6), net.networkId);
    const started = await t.http.get(`/v1/reservations/${r.body.id}`).set(bearer(driver)).expect(200);
    expect(started.body.status).toBe('ACTIVE');
    // No charge point behind this EVSE: nothing to tell a charger.
    expect(started.body.charger_status).toBe('not_reservable');
    expect(await evseStatus()).toBe('RESERVED');
    // Nobody else can book over it, and the driver cannot move its start any more.
    await book(second, { evse_id: evses[2], ...slot(20, 40) }).expect(409);
    const move = await t.http
      .patch(`/v1/reservations/${r.body.id}`)
      .set(bearer(driver))
      .send({ start: at(10).toISOString() })
      .expect(409);
    expect(move.body.type).toMatch(/reservation-started$/);

    await t.services.jobs.drain(at(16), net.networkId);
    const noShow = await t.http.get(`/v1/reservations/${r.body.id}`).set(bearer(driver)).expect(200);
    expect(noShow.body).toMatchObject({ status: 'NO_SHOW', no_show_fee: { amount: 500, currency: 'EUR' } });
    expect(await evseStatus()).toBe('AVAILABLE');
    const cancel = await t.http.post(`/v1/reservations/${r.body.id}/cancel`).set(bearer(driver)).expect(409);
    expect(cancel.body.type).toMatch(/reservation-closed$/);
  });

  it('books "now" only on an EVSE that is free now', async () => {
    await t.http.patch(`/v1/evses/${evses[1]}`).set(bearer(net.accessToken)).send({ status: 'OUTOFORDER' }).expect(200);
    const broken = await book(second, { evse_id: evses[1], ...slot(0, 30) }).expect(409);
    expect(broken.body.type).toMatch(/evse-unavailable$/);
    await t.http.patch(`/v1/evses/${evses[1]}`).set(bearer(net.accessToken)).send({ status: 'AVAILABLE' }).expect(200);
    const now = await book(second, { evse_id: evses[1], start: new Date().toISOString(), end: at(30).toISOString() }).expect(201);
    expect(now.body.status).toBe('ACTIVE');
    await t.http.post(`/v1/reservations/${now.body.id}/cancel`).set(bearer(second)).expect(200);
  });

  it('lists the bookable slots of a local day, with 23 and 25 hour days when the clocks change', async () => {
    const spring = await t.http.get(`/v1/locations/${locationId}/availability?date=2027-03-28`).set(bearer(driver)).expect(200);
    expect(spring.body.time_zone).toBe('Europe/Luxembourg');
    expect(spring.body.slots).toHaveLength(46);
    const springStarts = spring.body.slots.map((s: { local_start: string }) => s.local_start);
    expect(springStarts[0]).toBe('2027-03-28T00:00:00+01:00');
    expect(springStarts).toContain('2027-03-28T01:30:00+01:00');
    expect(springStarts).toContain('2027-03-28T03:00:00+02:00');
    expect(springStarts.some((s: string) => s.includes('T02:'))).toBe(false);
    expect(spring.body.slots[0].start).toBe('2027-03-27T23:00:00.000Z');

    const autumn = await t.http.get(`/v1/locations/${locationId}/availability?date=2027-10-31&slot_minutes=60`).set(bearer(driver)).expect(200);
    expect(autumn.body.slots).toHaveLength(25);
    const autumnStarts = autumn.body.slots.map((s: { local_start: string }) => s.local_start);
    expect(autumnStarts.filter((s: string) => s.includes('T02:00'))).toEqual(['2027-10-31T02:00:00+02:00', '2027-10-31T02:00:00+01:00']);
    expect(autumn.body.slots.at(-1).end).toBe('2027-10-31T23:00:00.000Z');

    // A booking shows up in its slots; the day after tomorrow in local terms.
    const day = new Date(Date.now() + 2 * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Luxembourg' });
    const before = await t.http
      .get(`/v1/locations/${locationId}/availability?date=${day}&connector_standard=IEC_62196_T2_COMBO`)
      .set(bearer(driver))
      .expect(200);
    const target = before.body.slots[20];
    expect(target.available_evses).toBe(2);
    const r = await book(second, { evse_id: evses[0], start: target.start, end: target.end }).expect(201);
    const after = await t.http
      .get(`/v1/locations/${locationId}/availability?date=${day}&connector_standard=IEC_62196_T2_COMBO`)
      .set(bearer(driver))
      .expect(200);
    expect(after.body.slots[20]).toMatchObject({ available_evses: 1, evse_uids: [evses[1]] });
    expect(after.body.slots[19].available_evses).toBe(2);
    await t.http.post(`/v1/reservations/${r.body.id}/cancel`).set(bearer(second)).expect(200);

    const bad = await t.http.get(`/v1/locations/${locationId}/availability?date=2027-02-30&slot_minutes=7`).set(bearer(driver)).expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['query.date', 'query.slot_minutes']);
    await t.http.get(`/v1/locations/loc_nope/availability?date=2027-03-28`).set(bearer(driver)).expect(404);
  });

  it('settles modify and cancel races without errors, and replays a retried booking by Idempotency-Key', async () => {
    const key = unique('idem');
    const body = { evse_id: evses[2], ...slot(1200, 1260) };
    const once = await t.http.post('/v1/reservations').set(bearer(driver)).set('Idempotency-Key', key).send(body).expect(201);
    const replay = await t.http.post('/v1/reservations').set(bearer(driver)).set('Idempotency-Key', key).send(body).expect(201);
    expect(replay.body.id).toBe(once.body.id);

    const patches = [1270, 1280, 1290, 1300].map((end) =>
      t.http
        .patch(`/v1/reservations/${once.body.id}`)
        .set(bearer(driver))
        .send({ end: at(end).toISOString() }),
    );
    const cancels = [1, 2, 3].map(() => t.http.post(`/v1/reservations/${once.body.id}/cancel`).set(bearer(driver)));
    const results = await Promise.all([...patches, ...cancels]);
    for (const r of results.slice(0, 4)) expect([200, 409]).toContain(r.status);
    for (const r of results.slice(4)) expect(r.status).toBe(200);
    expect(new Set(results.slice(4).map((r) => r.body.version)).size).toBe(1);
    const final = await t.http.get(`/v1/reservations/${once.body.id}`).set(bearer(driver)).expect(200);
    expect(final.body.status).toBe('CANCELLED');
    expect(final.body.version).toBe(results[4]?.body.version);

    // Two drivers moving into the same free slot at once: one wins, the other keeps their old slot.
    const x = await book(driver, { evse_id: evses[2], ...slot(1400, 1430) }).expect(201);
    const y = await book(second, { evse_id: evses[2], ...slot(1500, 1530) }).expect(201);
    const target = { start: at(1450).toISOString(), end: at(1480).toISOString() };
    const moves = await Promise.all([
      t.http.patch(`/v1/reservations/${x.body.id}`).set(bearer(driver)).send(target),
      t.http.patch(`/v1/reservations/${y.body.id}`).set(bearer(second)).send(target),
    ]);
    expect(moves.map((m) => m.status).sort()).toEqual([200, 409]);
    const loser = moves[0]?.status === 409 ? { id: x.body.id, token: driver, start: at(1400) } : { id: y.body.id, token: second, start: at(1500) };
    const kept = await t.http.get(`/v1/reservations/${loser.id}`).set(bearer(loser.token)).expect(200);
    expect(kept.body.start).toBe(loser.start.toISOString());
    await t.http.post(`/v1/reservations/${x.body.id}/cancel`).set(bearer(driver)).expect(200);
    await t.http.post(`/v1/reservations/${y.body.id}/cancel`).set(bearer(second)).expect(200);
  });

  it('100 drivers racing for one slot get exactly one reservation and 99 clear 409s', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const id = unique('usr');
        await t.services.scopes.system(async (tx) => {
          await tx
            .insertInto('users')
            .values({ id, email: `${id}@example.com`, name: 'Racer', password_hash: 'not-a-login' })
            .execute();
          await tx.insertInto('drivers').values({ user_id: id }).execute();
        });
        return (await t.services.auth.startSession(id)).access_token;
      }),
    );
    const body = { evse_id: evses[0], ...slot(1000, 1060) };
    const results = await Promise.all(tokens.map((token) => book(token, body)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.type.endsWith('/slot-taken'))).toBe(true);
    const held = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx
        .selectFrom('reservations')
        .select('id')
        .where('evse_uid', '=', evses[0] as string)
        .where('starts_at', '=', at(1000))
        .where('status', '=', 'CONFIRMED')
        .execute(),
    );
    expect(held).toHaveLength(1);
  });
});
