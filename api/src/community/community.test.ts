import { readFile } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };

/** A JPEG as a phone takes it: camera make, model and serial, and where it was taken. */
async function phoneJpeg(width = 1600, height = 1200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Phone 9', Copyright: 'Amira' },
      IFD2: { BodySerialNumber: 'SN-0042-XYZ' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '49/1 36/1 3600/100', GPSLongitudeRef: 'E', GPSLongitude: '6/1 7/1 4800/100' },
    })
    .toBuffer();
}

/** A PNG whose header claims 100,000 × 100,000 pixels in a few dozen bytes: a decompression bomb. */
function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe.each(backends())('the community on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let site: string;
  let evse: string;
  let chargePointId: string;
  let otherSite: string;
  // Somewhere no other suite puts stations, so the feed shows only this suite's.
  const here = { latitude: -33.9 + Math.random() / 10, longitude: 151.2 + Math.random() / 10 };
  // And in a city of its own: other suites count the stations of theirs.
  const away = { coordinates: here, city: 'Sydney', country: 'AU', time_zone: 'Australia/Sydney' };

  const charge = async (tag: string, minutes: number, wh: number, reason?: string) => {
    const at = new Date(Date.now() - (minutes + 5) * 60_000);
    const { transactionId, session } = await t.services.charging.startSession(net.networkId, chargePointId, {
      connectorId: 1,
      idTag: tag,
      meterStartWh: 0,
      at,
    });
    await t.services.charging.stopSession(net.networkId, chargePointId, {
      transactionId,
      meterStopWh: wh,
      at: new Date(at.getTime() + minutes * 60_000),
      reason,
    });
    return session?.id as string;
  };
  const driverWithTag = async () => {
    const driver = await registerDriver(t.http);
    const tag = unique('COMM').slice(-20);
    await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: tag }).expect(201);
    return { ...driver, tag };
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Community Network');
    other = await signUpNetwork(t.http, 'Other Community Network');
    site = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send({ ...siteBody('Community Hub', []), ...away })
        .expect(201)
    ).body.id;
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('COMM'), location_id: site, password: 'a-long-charge-point-secret' })
      .expect(201);
    chargePointId = cp.body.id;
    const created = await t.http
      .post(`/v1/locations/${site}/evses`)
      .set(bearer(net.accessToken))
      .send({ charge_point_id: chargePointId, ocpp_connector_id: 1, evse_id: 'LU*VOL*E1', connectors: [AC] })
      .expect(201);
    evse = created.body.evses.at(-1).uid;
    otherSite = (
      await t.http
        .post('/v1/locations')
        .set(bearer(other.accessToken))
        .send({ ...siteBody('Other Hub'), ...away, coordinates: { latitude: here.latitude + 0.01, longitude: here.longitude } })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('checks in verified from the driver’s own session, once per visit; another driver’s session is refused', async () => {
    const amira = await driverWithTag();
    const bob = await driverWithTag();
    const session = await charge(amira.tag, 30, 12_000);
    // One tap after charging: the app is offered that session, pre-filled.
    const suggestion = await t.http.get('/v1/me/check-in-suggestion').set(bearer(amira.accessToken)).expect(200);
    expect(suggestion.body).toMatchObject({
      session_id: session,
      location_id: site,
      evse_uid: evse,
      evse_id: 'LU*VOL*E1',
      outcome: 'CHARGED',
      energy_wh: 12_000,
    });

    // Bob claims Amira's session: refused, naming the field, and nothing written.
    const stolen = await t.http
      .post(`/v1/locations/${site}/check-ins`)
      .set(bearer(bob.accessToken))
      .send({ outcome: 'CHARGED', session_id: session })
      .expect(422);
    expect(stolen.body.errors).toEqual([{ field: 'body.session_id', message: 'is not a session of yours at this station' }]);

    const checkIn = await t.http
      .post(`/v1/locations/${site}/check-ins`)
      .set(bearer(amira.accessToken))
      .send({ outcome: 'CHARGED', session_id: session, vehicle_model: 'Renault Zoe', power_kw: 21.5, comment: 'Smooth.' })
      .expect(201);
    expect(checkIn.body).toMatchObject({ verified: true, evse_uid: evse, evse_id: 'LU*VOL*E1', status: 'VISIBLE', mine: true, power_kw: 21.5, edited: false });
    expect(checkIn.body.by.pseudonym).toMatch(/^Driver [0-9A-Z]{6}$/);
    expect(JSON.stringify(checkIn.body)).not.toContain(amira.email);
    // The same session again: one check-in per visit.
    const twice = await t.http
      .post(`/v1/locations/${site}/check-ins`)
      .set(bearer(amira.accessToken))
      .send({ outcome: 'CHARGED', session_id: session })
      .expect(409);
    expect(twice.body).toMatchObject({ type: expect.stringMatching(/already-checked-in$/), check_in_id: checkIn.body.id });
    expect((await t.http.get('/v1/me/check-in-suggestion').set(bearer(amira.accessToken))).status).toBe(204);

    // Bob without a session: not verified; a second within the visit is refused too.
    const unverified = await t.http.post(`/v1/locations/${site}/check-ins`).set(bearer(bob.accessToken)).send({ outcome: 'WAITING' }).expect(201);
    expect(unverified.body.verified).toBe(false);
    await t.http.post(`/v1/locations/${site}/check-ins`).set(bearer(bob.accessToken)).send({ outcome: 'CHARGED' }).expect(409);

    // Amira edits; the first version is kept.
    const edited = await t.http.patch(`/v1/check-ins/${checkIn.body.id}`).set(bearer(amira.accessToken)).send({ comment: 'Smooth, 35 minutes.' }).expect(200);
    expect(edited.body).toMatchObject({ comment: 'Smooth, 35 minutes.', edited: true, verified: true });
    const history = await t.http.get(`/v1/check-ins/${checkIn.body.id}/history`).set(bearer(bob.accessToken)).expect(200);
    expect(history.body).toEqual([expect.objectContaining({ comment: 'Smooth.', outcome: 'CHARGED', power_kw: 21.5 })]);
    // Nobody edits another's check-in.
    await t.http.patch(`/v1/check-ins/${checkIn.body.id}`).set(bearer(bob.accessToken)).send({ comment: 'Mine now' }).expect(404);

    const list = await t.http.get(`/v1/locations/${site}/check-ins`).set(bearer(net.accessToken)).expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id).slice(0, 2)).toEqual([unverified.body.id, checkIn.body.id]);
  });

  it('refuses bad check-ins clearly: an unknown outcome, an EVSE of another station, staff instead of a driver', async () => {
    const driver = await registerDriver(t.http);
    const bad = await t.http.post(`/v1/locations/${site}/check-ins`).set(bearer(driver.accessToken)).send({ outcome: 'GREAT', power_kw: -3 }).expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.outcome', 'body.power_kw']);
    const wrongEvse = await t.http
      .post(`/v1/locations/${otherSite}/check-ins`)
      .set(bearer(driver.accessToken))
      .send({ outcome: 'CHARGED', evse_uid: evse })
      .expect(422);
    expect(wrongEvse.body.errors).toEqual([{ field: 'body.evse_uid', message: 'is not an EVSE of this station' }]);
    await t.http.post(`/v1/locations/${site}/check-ins`).set(bearer(net.accessToken)).send({ outcome: 'CHARGED' }).expect(403);
    await t.http.post('/v1/locations/loc_nope/check-ins').set(bearer(driver.accessToken)).send({ outcome: 'CHARGED' }).expect(404);
  });

  it('holds contributions with phone numbers, e-mail addresses, plates or links until a moderator looks', async () => {
    const driver = await registerDriver(t.http);
    const held = await t.http
      .post(`/v1/locations/${site}/posts`)
      .set(bearer(driver.accessToken))
      .send({ kind: 'TIP', body: 'Call me on +352 621 123 456 if the van AB-123-CD blocks it' })
      .expect(201);
    expect(held.body.status).toBe('HELD');
    // Its author sees it (marked held); other drivers do not.
    const mine = await t.http.get(`/v1/locations/${site}/community`).set(bearer(driver.accessToken)).expect(200);
    expect(mine.body.tips.map((p: { id: string }) => p.id)).toContain(held.body.id);
    const theirs = await t.http
      .get(`/v1/locations/${site}/community`)
      .set(bearer((await registerDriver(t.http)).accessToken))
      .expect(200);
    expect(theirs.body.tips.map((p: { id: string }) => p.id)).not.toContain(held.body.id);
    // The network's moderation queue has it, with why.
    const queue = await t.http.get('/v1/community/moderation').set(bearer(net.accessToken)).expect(200);
    expect(queue.body.find((i: { target_id: string }) => i.target_id === held.body.id)).toMatchObject({
      target_type: 'post',
      status: 'HELD',
      hold_reason: 'phone',
    });
  });

  it('an edit lifts an automatic hold once the contact details are gone, but never escapes reports', async () => {
    const author = await registerDriver(t.http);
    const held = await t.http
      .post(`/v1/locations/${otherSite}/check-ins`)
      .set(bearer(author.accessToken))
      .send({ outcome: 'BLOCKED', comment: 'Van AB-123-CD again' })
      .expect(201);
    expect(held.body.status).toBe('HELD');
    const fixed = await t.http.patch(`/v1/check-ins/${held.body.id}`).set(bearer(author.accessToken)).send({ comment: 'A van again' }).expect(200);
    expect(fixed.body.status).toBe('VISIBLE');
    for (let i = 0; i < 3; i++) {
      const reporter = await registerDriver(t.http);
      await t.http
        .post('/v1/community/reports')
        .set(bearer(reporter.accessToken))
        .send({ target_type: 'checkin', target_id: held.body.id, reason: 'WRONG' })
        .expect(201);
    }
    const edited = await t.http.patch(`/v1/check-ins/${held.body.id}`).set(bearer(author.accessToken)).send({ comment: 'Fine now' }).expect(200);
    expect(edited.body.status).toBe('HELD');
  });

  it('tips, questions and answers: the network’s answer is official, helpful votes count once, followers hear of new tips', async () => {
    const asker = await registerDriver(t.http);
    const helper = await registerDriver(t.http);
    const follower = await registerDriver(t.http);
    const followed = await t.http.put(`/v1/locations/${site}/follow`).set(bearer(follower.accessToken)).expect(200);
    expect(followed.body.following).toBe(true);
    expect((await t.http.get('/v1/me/follows').set(bearer(follower.accessToken)).expect(200)).body).toEqual([
      expect.objectContaining({ location_id: site, name: 'Community Hub' }),
    ]);

    const tip = await t.http
      .post(`/v1/locations/${site}/posts`)
      .set(bearer(helper.accessToken))
      .send({ kind: 'TIP', body: 'Entrance via level -1.' })
      .expect(201);
    const told = await t.services.scopes.system((tx) =>
      tx
        .selectFrom('notification_outbox')
        .select(['template', 'driver_id'])
        .where('driver_id', '=', follower.driverId)
        .where('template', '=', 'community.new_tip')
        .execute(),
    );
    expect(told).toHaveLength(1);
    // The helper's own tip tells the helper nothing.
    const self = await t.services.scopes.system((tx) => tx.selectFrom('notification_outbox').select('id').where('driver_id', '=', helper.driverId).execute());
    expect(self).toHaveLength(0);

    await t.http.put(`/v1/posts/${tip.body.id}/helpful`).set(bearer(asker.accessToken)).expect(200);
    const again = await t.http.put(`/v1/posts/${tip.body.id}/helpful`).set(bearer(asker.accessToken)).expect(200);
    expect(again.body).toMatchObject({ helpful_count: 1, voted: true });
    await t.http.put(`/v1/posts/${tip.body.id}/helpful`).set(bearer(helper.accessToken)).expect(409);

    const question = await t.http
      .post(`/v1/locations/${site}/posts`)
      .set(bearer(asker.accessToken))
      .send({ kind: 'QUESTION', body: 'Is it open at night?' })
      .expect(201);
    const driverAnswer = await t.http.post(`/v1/posts/${question.body.id}/answers`).set(bearer(helper.accessToken)).send({ body: 'I think so.' }).expect(201);
    expect(driverAnswer.body.official).toBe(false);
    const official = await t.http.post(`/v1/posts/${question.body.id}/answers`).set(bearer(net.accessToken)).send({ body: 'Yes, 24/7.' }).expect(201);
    expect(official.body).toMatchObject({ official: true, by: null });
    // Another network's staff are not this station's network: their answer is refused.
    await t.http.post(`/v1/posts/${question.body.id}/answers`).set(bearer(other.accessToken)).send({ body: 'No idea' }).expect(403);
    // An answer to an answer is not a thing.
    await t.http.post(`/v1/posts/${driverAnswer.body.id}/answers`).set(bearer(asker.accessToken)).send({ body: 'Thanks' }).expect(404);

    const page = await t.http.get(`/v1/locations/${site}/community`).set(bearer(asker.accessToken)).expect(200);
    const q = page.body.questions.find((p: { id: string }) => p.id === question.body.id);
    expect(q.answers.map((a: { body: string }) => a.body)).toEqual(['Yes, 24/7.', 'I think so.']);
    expect(page.body.tips[0]).toMatchObject({ id: tip.body.id, helpful_count: 1, voted: true });
    // The asker heard of the answers.
    const answered = await t.services.scopes.system((tx) =>
      tx.selectFrom('notification_outbox').select('id').where('driver_id', '=', asker.driverId).where('template', '=', 'community.answer').execute(),
    );
    expect(answered).toHaveLength(2);
  });

  it('followers hear when the station is free again and when its fault is fixed, once each however many processes hear it', async () => {
    const follower = await registerDriver(t.http);
    const quiet = await t.http
      .post('/v1/locations')
      .set(bearer(net.accessToken))
      .send({ ...siteBody('Followed Hub'), ...away })
      .expect(201);
    const followed = quiet.body.id as string;
    const uids = quiet.body.evses.map((e: { uid: string }) => e.uid) as string[];
    await t.http.put(`/v1/locations/${followed}/follow`).set(bearer(follower.accessToken)).expect(200);
    // Two listeners, as two processes would be in scaled mode.
    const stops = [t.services.community.watch(), t.services.community.watch()];
    try {
      for (const uid of uids) await t.services.locations.applyEvseStatus(net.networkId, uid, 'CHARGING', new Date());
      const told = () =>
        t.services.scopes.system((tx) =>
          tx.selectFrom('notification_outbox').select('template').where('driver_id', '=', follower.driverId).orderBy('id').execute(),
        );
      expect(await told()).toEqual([]);
      // One frees: the station was full, now it is not.
      await t.services.locations.applyEvseStatus(net.networkId, uids[0] as string, 'AVAILABLE', new Date());
      await expect.poll(async () => (await told()).map((n) => n.template)).toEqual(['community.station_free']);
      // A second one freeing is no news; nor is the first again within the hour.
      await t.services.locations.applyEvseStatus(net.networkId, uids[1] as string, 'AVAILABLE', new Date());
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await told()).toHaveLength(1);
      // An incident there resolves: told once, through one job.
      for (const _ of stops) {
        t.services.bus.publish({
          type: 'incident.resolved',
          audience: { tenant_id: net.networkId, incident_id: 'inc_followed' },
          payload: { incident_id: 'inc_followed', location_id: followed },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      await t.services.jobs.drain(new Date(), net.networkId);
      expect((await told()).map((n) => n.template)).toEqual(['community.station_free', 'community.fault_fixed']);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('photos: metadata stripped (no GPS, no camera serial), resized, thumbnail; big, bomb and non-images refused', async () => {
    const driver = await registerDriver(t.http);
    const original = await phoneJpeg();
    // The original does carry where it was taken and the camera's serial…
    expect((await exifr.gps(original))?.latitude).toBeCloseTo(49.61, 2);
    expect(original.includes(Buffer.from('SN-0042-XYZ'))).toBe(true);
    const posted = await t.http
      .post(`/v1/locations/${site}/photos?subject=CHARGER&caption=The%20left%20one`)
      .set(bearer(driver.accessToken))
      .set('content-type', 'image/jpeg')
      .send(original)
      .expect(201);
    expect(posted.body).toMatchObject({ subject: 'CHARGER', caption: 'The left one', width: 1600, height: 1200, status: 'VISIBLE' });
    // …the stored photo, fetched as anyone (an <img> sends no token), carries nothing of it.
    const image = await t.http.get(posted.body.url).buffer(true).expect(200);
    expect(image.headers['content-type']).toBe('image/webp');
    const stored = image.body as Buffer;
    const meta = await sharp(stored).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(await exifr.gps(stored).catch(() => undefined)).toBeFalsy();
    expect(stored.includes(Buffer.from('SN-0042-XYZ'))).toBe(false);
    expect(stored.includes(Buffer.from('TestCam'))).toBe(false);
    const thumb = (await t.http.get(posted.body.thumbnail_url).buffer(true).expect(200)).body as Buffer;
    expect(Math.max((await sharp(thumb).metadata()).width ?? 0, (await sharp(thumb).metadata()).height ?? 0)).toBe(320);

    // Held sideways (EXIF orientation 6): stored upright, and the orientation tag goes with the rest.
    const sideways = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#345' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const upright = await t.http
      .post(`/v1/locations/${site}/photos`)
      .set(bearer(driver.accessToken))
      .set('content-type', 'image/jpeg')
      .send(sideways)
      .expect(201);
    expect(upright.body).toMatchObject({ width: 1200, height: 1600 });

    // A HEIC from a phone is accepted too.
    const heic = await readFile(new URL('./fixtures/red-320x240.heic', import.meta.url));
    const fromHeic = await t.http.post(`/v1/locations/${site}/photos`).set(bearer(driver.accessToken)).set('content-type', 'image/heic').send(heic).expect(201);
    expect(fromHeic.body).toMatchObject({ width: 320, height: 240 });

    const bomb = await t.http.post(`/v1/locations/${site}/photos`).set(bearer(driver.accessToken)).set('content-type', 'image/png').send(pngBomb()).expect(422);
    expect(bomb.body.errors).toEqual([{ field: 'body', message: 'has 100000 × 100000 pixels; at most 50 megapixels' }]);
    const text = await t.http
      .post(`/v1/locations/${site}/photos`)
      .set(bearer(driver.accessToken))
      .set('content-type', 'image/jpeg')
      .send(Buffer.from('not an image at all, just text'))
      .expect(422);
    expect(text.body.errors).toEqual([{ field: 'body', message: 'is not a JPEG image' }]);
    const pdf = await t.http
      .post(`/v1/locations/${site}/photos`)
      .set(bearer(driver.accessToken))
      .set('content-type', 'application/pdf')
      .send(Buffer.from('%PDF-1.7'))
      .expect(422);
    expect(pdf.body.errors[0].field).toBe('header.content-type');
    const huge = await t.http
      .post(`/v1/locations/${site}/photos`)
      .set(bearer(driver.accessToken))
      .set('content-type', 'image/jpeg')
      .send(Buffer.alloc(50 * 1024 * 1024, 0xff))
      .expect(413);
    expect(huge.body.type).toMatch(/payload-too-large$/);
    // Nothing of the refused ones was stored.
    const photos = await t.http.get(`/v1/locations/${site}/photos`).set(bearer(driver.accessToken)).expect(200);
    expect(photos.body.data.filter((p: { mine: boolean }) => p.mine)).toHaveLength(3);
  });

  it('scores each station and EVSE from sessions, check-ins and uptime, explained; discovery filters and sorts by it', async () => {
    const scored = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send({ ...siteBody('Scored Hub', []), ...away })
        .expect(201)
    ).body.id as string;
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('SCORE'), location_id: scored, password: 'a-long-charge-point-secret' })
      .expect(201);
    const uid = (
      await t.http
        .post(`/v1/locations/${scored}/evses`)
        .set(bearer(net.accessToken))
        .send({ charge_point_id: cp.body.id, ocpp_connector_id: 1, connectors: [AC] })
        .expect(201)
    ).body.evses.at(-1).uid as string;
    const driver = await driverWithTag();
    // Four good sessions today and one that failed to start (a minute, 20 Wh): (4 + 1.6) / (5 + 2) = 0.8 from sessions.
    const now = new Date();
    for (let i = 0; i < 5; i++) {
      const at = new Date(now.getTime() - (i + 1) * 2 * 3_600_000);
      const { transactionId } = await t.services.charging.startSession(net.networkId, cp.body.id, { connectorId: 1, idTag: driver.tag, meterStartWh: 0, at });
      const failed = i === 4;
      await t.services.charging.stopSession(net.networkId, cp.body.id, {
        transactionId,
        meterStopWh: failed ? 20 : 10_000,
        at: new Date(at.getTime() + (failed ? 60_000 : 3_600_000)),
      });
    }
    // One "could not charge" check-in today: (0 + 0.8) / (1 + 1) = 0.4.
    await t.http.post(`/v1/locations/${scored}/check-ins`).set(bearer(driver.accessToken)).send({ outcome: 'COULD_NOT_CHARGE', evse_uid: uid }).expect(201);
    const r = await t.services.reliability.compute(net.networkId, scored, new Date());
    // No status history yet, so no uptime: 10 × (0.5 × 0.8 + 0.2 × 0.4) / 0.7 = 6.857 → 6.9.
    expect(r).toMatchObject({ score: 6.9, sessions: 5, failed_sessions: 1, check_ins: 1, uptime_percent: null, window_days: 30 });

    const page = await t.http.get(`/v1/locations/${scored}/community`).set(bearer(driver.accessToken)).expect(200);
    expect(page.body.reliability).toMatchObject({ score: 6.9, sessions: 5, check_ins: 1 });
    expect(page.body.reliability.evses).toEqual([expect.objectContaining({ evse_uid: uid, score: 6.9, sessions: 5 })]);
    const detail = await t.http.get(`/v1/locations/${scored}`).set(bearer(driver.accessToken)).expect(200);
    expect(detail.body.reliability).toEqual({ score: 6.9, sessions: 5, check_ins: 1, uptime_percent: null, window_days: 30 });

    // The hub from the first tests scores higher (one good session, one charged check-in): sorted first, and the filter keeps it alone.
    await t.services.reliability.compute(net.networkId, site, new Date());
    const near = `lat=${here.latitude}&lng=${here.longitude}&radius_m=5000`;
    const sorted = await t.http.get(`/v1/locations?${near}&sort=reliability&limit=1`).set(bearer(driver.accessToken)).expect(200);
    expect(sorted.body.data[0].id).toBe(site);
    const next = await t.http
      .get(`/v1/locations?${near}&sort=reliability&limit=1&cursor=${sorted.body.next_cursor}`)
      .set(bearer(driver.accessToken))
      .expect(200);
    expect(next.body.data[0].id).toBe(scored);
    const reliable = await t.http.get(`/v1/locations?${near}&min_reliability=7`).set(bearer(driver.accessToken)).expect(200);
    expect(reliable.body.data.map((l: { id: string }) => l.id)).toEqual([site]);
    await t.http.get(`/v1/locations?${near}&min_reliability=11`).set(bearer(driver.accessToken)).expect(422);
    // And in open data, for cities and anyone.
    const box = `${here.longitude - 0.05},${here.latitude - 0.05},${here.longitude + 0.05},${here.latitude + 0.05}`;
    const geo = JSON.parse((await t.http.get(`/v1/open-data/locations.geojson?bbox=${box}`).expect(200)).text);
    const feature = geo.features.find((f: { id: string }) => f.id === scored);
    expect(feature.properties.reliability).toMatchObject({ score: 6.9, sessions: 5, check_ins: 1 });
  });

  it('reports hold a contribution after three; network staff moderate only their stations, platform moderators all; actions audited; suspension stops posting', async () => {
    const author = await registerDriver(t.http);
    const tip = await t.http
      .post(`/v1/locations/${site}/posts`)
      .set(bearer(author.accessToken))
      .send({ kind: 'TIP', body: 'Ignore the sign, park anywhere.' })
      .expect(201);
    await t.http
      .post('/v1/community/reports')
      .set(bearer(author.accessToken))
      .send({ target_type: 'post', target_id: tip.body.id, reason: 'SPAM' })
      .expect(409);
    const reporters = [await registerDriver(t.http), await registerDriver(t.http), await registerDriver(t.http)];
    const first = await t.http
      .post('/v1/community/reports')
      .set(bearer(reporters[0]?.accessToken as string))
      .send({ target_type: 'post', target_id: tip.body.id, reason: 'WRONG' })
      .expect(201);
    expect(first.body.held).toBe(false);
    // Reporting twice counts once.
    await t.http
      .post('/v1/community/reports')
      .set(bearer(reporters[0]?.accessToken as string))
      .send({ target_type: 'post', target_id: tip.body.id, reason: 'WRONG' })
      .expect(201);
    await t.http
      .post('/v1/community/reports')
      .set(bearer(reporters[1]?.accessToken as string))
      .send({ target_type: 'post', target_id: tip.body.id, reason: 'ABUSE' })
      .expect(201);
    const third = await t.http
      .post('/v1/community/reports')
      .set(bearer(reporters[2]?.accessToken as string))
      .send({ target_type: 'post', target_id: tip.body.id, reason: 'WRONG' })
      .expect(201);
    expect(third.body.held).toBe(true);

    // The other network's staff see nothing of it and cannot act on it.
    const theirs = await t.http.get('/v1/community/moderation').set(bearer(other.accessToken)).expect(200);
    expect(theirs.body.map((i: { target_id: string }) => i.target_id)).not.toContain(tip.body.id);
    await t.http.post(`/v1/community/moderation/post/${tip.body.id}`).set(bearer(other.accessToken)).send({ action: 'hide', reason: 'not mine' }).expect(404);
    // Drivers are no moderators.
    await t.http.get('/v1/community/moderation').set(bearer(author.accessToken)).expect(403);
    await t.http.get('/v1/community/moderation?scope=platform').set(bearer(net.accessToken)).expect(403);

    const ours = await t.http.get('/v1/community/moderation').set(bearer(net.accessToken)).expect(200);
    expect(ours.body.find((i: { target_id: string }) => i.target_id === tip.body.id)).toMatchObject({
      reports: 3,
      status: 'HELD',
      reasons: ['ABUSE', 'WRONG'],
    });
    const hidden = await t.http
      .post(`/v1/community/moderation/post/${tip.body.id}`)
      .set(bearer(net.accessToken))
      .send({ action: 'suspend', reason: 'misleading', days: 3 })
      .expect(200);
    expect(hidden.body.status).toBe('HIDDEN');
    const trail = await t.http.get(`/v1/audit-events?subject_id=${tip.body.id}`).set(bearer(net.accessToken)).expect(200);
    expect(trail.body.data[0]).toMatchObject({
      action: 'community.suspend',
      actor_user_id: net.ownerId,
      detail: expect.objectContaining({ reason: 'misleading', days: 3 }),
    });
    // Suspended at this network's stations, not at another's.
    const refused = await t.http.post(`/v1/locations/${site}/posts`).set(bearer(author.accessToken)).send({ kind: 'TIP', body: 'Another one' }).expect(403);
    expect(refused.body.detail).toMatch(/suspended until/);
    await t.http.post(`/v1/locations/${otherSite}/posts`).set(bearer(author.accessToken)).send({ kind: 'TIP', body: 'Fine here.' }).expect(201);

    // A platform moderator sees every network's queue and may act on any.
    await t.services.moderation.addPlatformModerator(other.ownerEmail);
    const spam = await t.http
      .post(`/v1/locations/${site}/posts`)
      .set(bearer(reporters[0]?.accessToken as string))
      .send({ kind: 'TIP', body: 'Deals at www.cheap-cables.example' })
      .expect(201);
    const platform = await t.http.get('/v1/community/moderation?scope=platform').set(bearer(other.accessToken)).expect(200);
    expect(platform.body.find((i: { target_id: string }) => i.target_id === spam.body.id)).toMatchObject({ network_id: net.networkId, hold_reason: 'link' });
    await t.http.post(`/v1/community/moderation/post/${spam.body.id}`).set(bearer(other.accessToken)).send({ action: 'hide', reason: 'spam link' }).expect(200);
    const audited = await t.http.get(`/v1/audit-events?subject_id=${spam.body.id}`).set(bearer(net.accessToken)).expect(200);
    expect(audited.body.data[0]).toMatchObject({ action: 'community.hide', actor_user_id: other.ownerId, detail: expect.objectContaining({ as: 'platform' }) });
  });

  it('reviews keep their edit history and can be reported and hidden like the rest', async () => {
    const reviewer = await registerDriver(t.http);
    const first = await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(reviewer.accessToken)).send({ rating: 5, comment: 'Great.' }).expect(201);
    await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(reviewer.accessToken)).send({ rating: 2, comment: 'Broken now.' }).expect(200);
    const history = await t.http.get(`/v1/reviews/${first.body.id}/history`).set(bearer(reviewer.accessToken)).expect(200);
    expect(history.body).toEqual([expect.objectContaining({ rating: 5, comment: 'Great.' })]);
    const reporter = await registerDriver(t.http);
    await t.http
      .post('/v1/community/reports')
      .set(bearer(reporter.accessToken))
      .send({ target_type: 'review', target_id: first.body.id, reason: 'ABUSE' })
      .expect(201);
    await t.http.post(`/v1/community/moderation/review/${first.body.id}`).set(bearer(net.accessToken)).send({ action: 'hide', reason: 'abusive' }).expect(200);
    const reviews = await t.http.get(`/v1/locations/${site}/reviews`).set(bearer(reporter.accessToken)).expect(200);
    expect(reviews.body.data.map((r: { id: string }) => r.id)).not.toContain(first.body.id);
  });

  it('profiles: a pseudonym and vehicle, never the email; contributions and badges; a taken or contact-bearing pseudonym refused', async () => {
    const driver = await registerDriver(t.http);
    const updated = await t.http
      .patch('/v1/me/community-profile')
      .set(bearer(driver.accessToken))
      .send({ pseudonym: `Volt ${unique('x').slice(-8)}`, vehicle_model: 'Kia EV6' })
      .expect(200);
    expect(updated.body).toMatchObject({ vehicle_model: 'Kia EV6', badges: [] });
    await t.http.post(`/v1/locations/${site}/check-ins`).set(bearer(driver.accessToken)).send({ outcome: 'CHARGED' }).expect(201);
    const profile = await t.http
      .get(`/v1/community/profiles/${encodeURIComponent(updated.body.pseudonym)}`)
      .set(bearer(net.accessToken))
      .expect(200);
    expect(profile.body).toMatchObject({ contributions: { check_ins: 1, verified_check_ins: 0 }, badges: ['first_check_in'] });
    expect(JSON.stringify(profile.body)).not.toContain(driver.email);
    const someoneElse = await registerDriver(t.http);
    await t.http.patch('/v1/me/community-profile').set(bearer(someoneElse.accessToken)).send({ pseudonym: updated.body.pseudonym.toUpperCase() }).expect(409);
    const contact = await t.http.patch('/v1/me/community-profile').set(bearer(someoneElse.accessToken)).send({ pseudonym: 'call 0621123456' }).expect(422);
    expect(contact.body.errors[0].field).toBe('body.pseudonym');
  });

  it('the feed near the driver shows what is new at stations they may see, newest first', async () => {
    const driver = await registerDriver(t.http);
    const feed = await t.http.get(`/v1/community/feed?lat=${here.latitude}&lng=${here.longitude}&radius_m=5000`).set(bearer(driver.accessToken)).expect(200);
    const ids = new Set(feed.body.map((i: { location_id: string }) => i.location_id));
    expect(ids.has(site)).toBe(true);
    const times = feed.body.map((i: { at: string }) => new Date(i.at).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Held and hidden contributions are not in it.
    expect(feed.body.some((i: { post?: { status: string } }) => i.post && i.post.status !== 'VISIBLE')).toBe(false);
    await t.http.get('/v1/community/feed?lat=200&lng=0').set(bearer(driver.accessToken)).expect(422);
  });

  it('limits each driver to 20 contributions an hour across networks', async () => {
    const busy = await registerDriver(t.http);
    for (let i = 0; i < 20; i++) {
      await t.http
        .post(`/v1/locations/${i % 2 ? site : otherSite}/posts`)
        .set(bearer(busy.accessToken))
        .send({ kind: 'QUESTION', body: `Question number ${i}?` })
        .expect(201);
    }
    const limited = await t.http.post(`/v1/locations/${site}/posts`).set(bearer(busy.accessToken)).send({ kind: 'TIP', body: 'One more' }).expect(429);
    expect(limited.body.type).toMatch(/contribution-limit$/);
    expect(limited.headers['retry-after']).toBe('3600');
  });
});
