import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapPoi } from '../importers/ocm.js';
import { luxembourgPois, ocmReference } from '../importers/ocm-fixture.js';
import { importOcm } from '../importers/ocm-import.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';

/** Independent of the database's earthdistance: haversine on the mean Earth radius. */
function haversine(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

const GARE = { lat: 49.6, lng: 6.1335 }; // Luxembourg railway station

/** What discovery should find within 5 km of the station, worked out from the raw records. */
const expected = luxembourgPois()
  .map((poi) => mapPoi(poi, ocmReference()))
  .flatMap((m) => (m.ok && m.value.location.publish ? [m.value] : []))
  .map((v) => ({ v, d: haversine(GARE.lat, GARE.lng, v.location.coordinates.latitude, v.location.coordinates.longitude) }))
  // earthdistance uses a 6378 km sphere, haversine the 6371 km mean: leave out the 5 km edge.
  .filter(({ d }) => d <= 4950)
  .sort((a, b) => a.d - b.d);
const inside = <T extends { distance_m: number }>(rows: T[]) => rows.filter((r) => r.distance_m <= 4950);
const namesWhere = (test: (e: (typeof expected)[number]['v']['evses'][number]) => boolean) =>
  expected.filter(({ v }) => v.evses.some(test)).map(({ v }) => v.location.name);
type Summary = {
  id: string;
  name: string;
  distance_m: number;
  coordinates: { latitude: number; longitude: number };
  max_power_w: number;
  connector_standards: string[];
  power_types: string[];
  network_id: string;
};

const station = {
  name: 'Voltshare Kirchberg',
  address: '1 Avenue John F. Kennedy',
  city: 'Luxembourg',
  postal_code: '1855',
  country: 'LU',
  coordinates: { latitude: 49.6286, longitude: 6.1614 },
  time_zone: 'Europe/Luxembourg',
  evses: [
    {
      evse_id: 'LU*VOL*E0001*1',
      capabilities: ['RESERVABLE', 'REMOTE_START_STOP_CAPABLE'],
      connectors: [{ standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 500, max_electric_power: 300_000 }],
    },
    { connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }] },
  ],
};

describe.each(backends())('locations and discovery on %s', (backend: Backend) => {
  let t: TestApp;
  let lux: SignedUpNetwork;
  let other: SignedUpNetwork;
  let driverToken: string;
  let nearby: Summary[];

  const search = async (query: string, token = driverToken) => {
    const res = await t.http.get(`/v1/locations?${query}`).set(bearer(token)).expect(200);
    return res.body as { data: Summary[]; next_cursor: string | null };
  };
  const allPages = async (query: string, token = driverToken) => {
    const out: Summary[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Summary[]; next_cursor: string | null } = await search(`${query}${cursor ? `&cursor=${cursor}` : ''}`, token);
      out.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
    lux = await signUpNetwork(t.http, 'Lux Open Data');
    other = await signUpNetwork(t.http, 'Other Network');
    await importOcm(t.services.locations, lux.networkId, luxembourgPois(), ocmReference());
    driverToken = (await registerDriver(t.http)).accessToken;
    nearby = await allPages(`lat=${GARE.lat}&lng=${GARE.lng}&radius_m=5000&limit=7&network_id=${lux.networkId}`);
  });
  afterAll(() => t.close());

  it('finds the real stations near Luxembourg station, nearest first, with true distances', () => {
    expect(nearby[0]?.name).toBe('Park Inn By Radisson Luxembourg City');
    expect(nearby[1]?.name).toBe('43 Rue du Fort Neipperg');
    for (const loc of nearby) {
      const expected = haversine(GARE.lat, GARE.lng, loc.coordinates.latitude, loc.coordinates.longitude);
      expect(Math.abs(loc.distance_m - expected)).toBeLessThanOrEqual(Math.max(2, expected * 0.005));
      expect(loc.distance_m).toBeLessThanOrEqual(5000);
    }
    const distances = nearby.map((l) => l.distance_m);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    // 27 OCM records lie within 5 km; those without connections or private are not shown.
    expect(inside(nearby).map((l) => l.name)).toEqual(expected.map(({ v }) => v.location.name));
    expect(nearby.length).toBeGreaterThan(20);
    expect(new Set(nearby.map((l) => l.id)).size).toBe(nearby.length);
    expect(nearby.map((l) => l.name)).not.toContain('Smart Center Luxembourg');
  });

  it('filters by connector standard, power and AC/DC on the same connector', async () => {
    const ccs = await allPages(`lat=${GARE.lat}&lng=${GARE.lng}&radius_m=5000&connector_standard=IEC_62196_T2_COMBO&network_id=${lux.networkId}`);
    expect(inside(ccs).map((l) => l.name)).toEqual(namesWhere((e) => e.connector.standard === 'IEC_62196_T2_COMBO'));
    expect(ccs.map((l) => l.name)).toEqual(['EHP', 'Tesla Supercharger Luxembourg Urban (Floor -3)', 'Rue Richard Coudenhove-Kalergi']);
    const fast = await allPages(`lat=${GARE.lat}&lng=${GARE.lng}&radius_m=5000&min_power_kw=100&network_id=${lux.networkId}`);
    expect(inside(fast).map((l) => l.name)).toEqual(namesWhere((e) => e.connector.max_electric_power >= 100_000));
    expect(fast.find((l) => l.name.startsWith('Tesla Supercharger'))?.max_power_w).toBe(250_000);
    const dc = await allPages(`lat=${GARE.lat}&lng=${GARE.lng}&radius_m=5000&power_type=DC&network_id=${lux.networkId}`);
    expect(inside(dc).map((l) => l.name)).toEqual(namesWhere((e) => e.connector.power_type === 'DC'));
    expect(dc.map((l) => l.name)).toContain('PWC');
    const ac = await allPages(`lat=${GARE.lat}&lng=${GARE.lng}&radius_m=5000&power_type=AC&network_id=${lux.networkId}`);
    expect(ac.every((l) => l.power_types.some((p) => p.startsWith('AC')))).toBe(true);
    expect(inside(ac).map((l) => l.name)).toEqual(namesWhere((e) => e.connector.power_type !== 'DC'));
    // CCS at ≥ 100 kW is only the supercharger; CHAdeMO at ≥ 100 kW is nowhere.
    expect((await search(`lat=${GARE.lat}&lng=${GARE.lng}&radius_m=5000&connector_standard=CHADEMO&min_power_kw=100`)).data).toEqual([]);
  });

  it('searches a bounding box', async () => {
    const box = await allPages(`bbox=6.10,49.59,6.15,49.62&network_id=${lux.networkId}`);
    expect(box.length).toBeGreaterThan(5);
    for (const l of box) {
      expect(l.coordinates.longitude).toBeGreaterThanOrEqual(6.1);
      expect(l.coordinates.longitude).toBeLessThanOrEqual(6.15);
      expect(l.coordinates.latitude).toBeGreaterThanOrEqual(49.59);
      expect(l.coordinates.latitude).toBeLessThanOrEqual(49.62);
    }
  });

  it('available now follows live status through the one availability rule', async () => {
    const q = `lat=${GARE.lat}&lng=${GARE.lng}&radius_m=1000&available_now=true&network_id=${lux.networkId}`;
    expect((await search(q)).data).toEqual([]);
    const parkInn = nearby[0] as Summary;
    const detail = await t.http.get(`/v1/locations/${parkInn.id}`).set(bearer(driverToken)).expect(200);
    const evse = detail.body.evses[0];
    expect(evse.status).toBe('UNKNOWN');
    await t.http.patch(`/v1/evses/${evse.uid}`).set(bearer(lux.accessToken)).send({ status: 'AVAILABLE' }).expect(200);
    const found = await search(q);
    expect(found.data.map((l) => l.name)).toEqual(['Park Inn By Radisson Luxembourg City']);
    const after = await t.http.get(`/v1/locations/${parkInn.id}`).set(bearer(driverToken)).expect(200);
    expect(after.body.availability).toMatchObject({ available: 1, available_now: true, counts: { AVAILABLE: 1 } });
    expect(after.body.version).toBeGreaterThan(detail.body.version);
    await t.http.patch(`/v1/evses/${evse.uid}`).set(bearer(lux.accessToken)).send({ status: 'OUTOFORDER' }).expect(200);
    expect((await search(q)).data).toEqual([]);
  });

  it('filters by opening hours in the location’s time zone, capability and price', async () => {
    const tariff = await t.http
      .post('/v1/tariffs')
      .set(bearer(other.accessToken))
      .send({ currency: 'EUR', energy_price_per_kwh: 39, vat_percent: 17 })
      .expect(201);
    const body = structuredClone(station) as typeof station & { opening_hours?: unknown };
    (body.evses[1]?.connectors[0] as Record<string, unknown>).tariff_id = tariff.body.id;
    body.opening_hours = { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '00:00', period_end: '00:01' }] };
    const created = await t.http.post('/v1/locations').set(bearer(other.accessToken)).send(body).expect(201);
    expect(created.body.evses).toHaveLength(2);
    expect(created.body.evses[1].connectors[0].max_electric_power).toBe(22_170);
    expect(created.body.price).toEqual({ currency: 'EUR', energy_per_kwh: 39, flat: null, time_per_hour: null, display_text: null });
    const near = `lat=49.6286&lng=6.1614&radius_m=100&network_id=${other.networkId}`;
    expect((await search(near)).data.map((l) => l.id)).toEqual([created.body.id]);
    expect((await search(`${near}&open_now=true`)).data).toEqual([]);
    await t.http
      .patch(`/v1/locations/${created.body.id}`)
      .set(bearer(other.accessToken))
      .send({ opening_hours: { twentyfourseven: true } })
      .expect(200);
    expect((await search(`${near}&open_now=true`)).data).toHaveLength(1);
    expect((await search(`${near}&capability=RESERVABLE`)).data).toHaveLength(1);
    expect((await search(`${near}&capability=RESERVABLE&power_type=AC`)).data).toHaveLength(0);
    expect((await search(`${near}&max_price_per_kwh=40`)).data).toHaveLength(1);
    expect((await search(`${near}&max_price_per_kwh=38`)).data).toHaveLength(0);
  });

  it('keeps unpublished locations and non-sharing networks private', async () => {
    const hidden = await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({ ...station, name: 'Depot (staff only)', publish: false, coordinates: { latitude: 49.5, longitude: 6.0 } })
      .expect(201);
    const near = 'lat=49.5&lng=6.0&radius_m=200';
    expect((await search(near)).data).toEqual([]);
    expect((await search(near, lux.accessToken)).data).toEqual([]);
    expect((await search(near, other.accessToken)).data.map((l) => l.name)).toEqual(['Depot (staff only)']);
    await t.http.get(`/v1/locations/${hidden.body.id}`).set(bearer(driverToken)).expect(404);
    await t.http.get(`/v1/locations/${hidden.body.id}`).set(bearer(lux.accessToken)).expect(404);
    await t.http.get(`/v1/locations/${hidden.body.id}`).set(bearer(other.accessToken)).expect(200);
    // Another network cannot edit it either.
    await t.http.patch(`/v1/locations/${hidden.body.id}`).set(bearer(lux.accessToken)).send({ name: 'Mine now' }).expect(404);

    const shy = await signUpNetwork(t.http, 'Shy');
    await t.http.patch('/v1/network').set(bearer(shy.accessToken)).send({ public_sharing: false }).expect(200);
    const shyLoc = await t.http
      .post('/v1/locations')
      .set(bearer(shy.accessToken))
      .send({ ...station, coordinates: { latitude: 49.4, longitude: 6.0 } })
      .expect(201);
    expect((await search('lat=49.4&lng=6.0&radius_m=200')).data).toEqual([]);
    await t.http.get(`/v1/locations/${shyLoc.body.id}`).set(bearer(driverToken)).expect(404);
  });

  it('removal is soft: gone from discovery, still readable by its network', async () => {
    const created = await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({ ...station, coordinates: { latitude: 49.3, longitude: 6.0 } })
      .expect(201);
    const removed = await t.http.delete(`/v1/locations/${created.body.id}`).set(bearer(other.accessToken)).expect(200);
    expect(removed.body.status).toBe('REMOVED');
    expect(removed.body.evses.every((e: { status: string }) => e.status === 'REMOVED')).toBe(true);
    expect((await search('lat=49.3&lng=6.0&radius_m=200', other.accessToken)).data).toEqual([]);
    await t.http.get(`/v1/locations/${created.body.id}`).set(bearer(driverToken)).expect(404);
    await t.http.patch(`/v1/locations/${created.body.id}`).set(bearer(other.accessToken)).send({ name: 'Back' }).expect(409);
  });

  it('validates the model with per-field errors', async () => {
    const bad = await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({ ...station, country: 'lux', coordinates: { latitude: 91, longitude: 181 }, evses: [{ connectors: [] }] })
      .expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['body.coordinates.latitude', 'body.coordinates.longitude', 'body.country', 'body.evses[0].connectors'].sort(),
    );
    const zone = await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({ ...station, time_zone: 'Mars/Olympus' })
      .expect(422);
    expect(zone.body.errors).toEqual([{ field: 'body.time_zone', message: '"Mars/Olympus" is not an IANA time zone' }]);
    const units = await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({
        ...station,
        evses: [
          { connectors: [{ standard: 'CHADEMO', format: 'CABLE', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }] },
          {
            connectors: [
              { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_1_PHASE', max_voltage: 230, max_amperage: 16, max_electric_power: 22_000 },
            ],
          },
        ],
      })
      .expect(422);
    expect(units.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.evses[0].connectors[0].power_type']);
    const hours = await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({ ...station, opening_hours: { twentyfourseven: false } })
      .expect(422);
    expect(hours.body.errors[0].field).toBe('body.opening_hours.regular_hours');
    // Nothing of the refused requests was written.
    const mine = await search(`network_id=${other.networkId}&limit=100`, other.accessToken);
    expect(mine.data.filter((l) => l.name === station.name && l.coordinates.latitude === station.coordinates.latitude)).toHaveLength(1);
  });

  it('rejects bad searches and protects the endpoints', async () => {
    const both = await t.http.get('/v1/locations?lat=49.6&radius_m=10').set(bearer(driverToken)).expect(422);
    expect(both.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.lng']);
    await t.http.get('/v1/locations?lat=95&lng=6').set(bearer(driverToken)).expect(422);
    await t.http.get('/v1/locations?lat=49&lng=6&radius_m=500000').set(bearer(driverToken)).expect(422);
    await t.http.get('/v1/locations?bbox=6,49,5,50').set(bearer(driverToken)).expect(422);
    await t.http.get('/v1/locations?lat=49&lng=6&cursor=WzFd').set(bearer(driverToken)).expect(422);
    await t.http.get('/v1/locations?connector_standard=USB').set(bearer(driverToken)).expect(422);
    await t.http.get('/v1/locations').expect(401);
    await t.http.post('/v1/locations').set(bearer(driverToken)).send(station).expect(403);
  });

  it('finds places by name from the stations it holds: cities first, then stations, with counts', async () => {
    const published = luxembourgPois()
      .map((poi) => mapPoi(poi, ocmReference()))
      .flatMap((m) => (m.ok && m.value.location.publish ? [m.value.location] : []));
    const inCity = (city: string) => published.filter((l) => l.city === city).length;
    const places = await t.http.get('/v1/places?q=luxem&limit=20').set(bearer(driverToken)).expect(200);
    const [city] = places.body;
    expect(city).toMatchObject({ kind: 'city', name: 'Luxembourg', context: 'LU' });
    // The other network's stations in Luxembourg are counted too (both share publicly).
    expect(city.stations).toBeGreaterThanOrEqual(inCity('Luxembourg'));
    expect(city.latitude).toBeCloseTo(49.61, 1);
    const park = await t.http
      .get(`/v1/places?q=${encodeURIComponent('park inn')}`)
      .set(bearer(driverToken))
      .expect(200);
    expect(park.body[0]).toMatchObject({ kind: 'station', name: 'Park Inn By Radisson Luxembourg City', location_id: expect.any(String) });
    // A word inside the name counts too; a private station never shows.
    const word = await t.http.get('/v1/places?q=radisson').set(bearer(driverToken)).expect(200);
    expect(word.body.map((p: { name: string }) => p.name)).toContain('Park Inn By Radisson Luxembourg City');
    expect((await t.http.get('/v1/places?q=Depot').set(bearer(driverToken)).expect(200)).body).toEqual([]);
    // Wildcards are text, not patterns.
    expect((await t.http.get('/v1/places?q=%25%25').set(bearer(driverToken)).expect(200)).body).toEqual([]);

    const short = await t.http.get('/v1/places?q=l').set(bearer(driverToken)).expect(422);
    expect(short.body.errors[0].field).toBe('query.q');
    expect((await t.http.get('/v1/places?q=lux&limit=50').set(bearer(driverToken)).expect(422)).body.errors[0].field).toBe('query.limit');
    await t.http.get('/v1/places?q=lux').expect(401);
  });

  it('looks an EVSE up by the id printed on it or its QR link, public ones only', async () => {
    const created = await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({
        ...station,
        name: 'Printed ids',
        coordinates: { latitude: 49.3, longitude: 6.2 },
        evses: [{ ...station.evses[0], evse_id: 'LU*OTH*E77*1' }],
      })
      .expect(201);
    const printed = created.body.evses.find((e: { evse_id: string | null }) => e.evse_id === 'LU*OTH*E77*1');
    for (const ref of ['LU*OTH*E77*1', 'lu oth e77 1', 'LUOTHE771', printed.uid, `https://app.example/pay/${printed.uid}?x=1`]) {
      const found = await t.http
        .get(`/v1/evses/${encodeURIComponent(ref)}`)
        .set(bearer(driverToken))
        .expect(200);
      expect(found.body).toMatchObject({ evse_uid: printed.uid, location_name: 'Printed ids', network_id: other.networkId, remote_start: false });
    }
    await t.http.patch(`/v1/locations/${created.body.id}`).set(bearer(other.accessToken)).send({ publish: false }).expect(200);
    const gone = await t.http.get(`/v1/evses/${printed.uid}`).set(bearer(driverToken)).expect(404);
    expect(gone.headers['content-type']).toMatch(/problem\+json/);
  });
});
