import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luxembourgPois, ocmReference } from '../importers/ocm-fixture.js';
import { importOcm } from '../importers/ocm-import.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';

const schema = JSON.parse(readFileSync(new URL('./ocpi-2.2.1-location.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strictTypes: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateLocation = ajv.compile(schema);

describe.each(backends())('open data on %s', (backend: Backend) => {
  let t: TestApp;
  let lux: SignedUpNetwork;
  let hiddenId: string;
  let publishedIds: string[];

  beforeAll(async () => {
    t = await startTestApp(backend);
    lux = await signUpNetwork(t.http, 'Open Lux');
    const report = await importOcm(t.services.locations, lux.networkId, luxembourgPois(), ocmReference());
    const hidden = await t.http
      .post('/v1/locations')
      .set(bearer(lux.accessToken))
      .send({
        name: 'Private depot',
        address: 'Zone industrielle',
        city: 'Bettembourg',
        country: 'LU',
        coordinates: { latitude: 49.51, longitude: 6.1 },
        time_zone: 'Europe/Luxembourg',
        publish: false,
        evses: [{ connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }] }],
      })
      .expect(201);
    hiddenId = hidden.body.id;
    expect(report.created).toBeGreaterThan(80);
    // The network's own view (staff see unpublished too) tells which ones must be in the feeds.
    const own = await t.http.get(`/v1/locations?network_id=${lux.networkId}&limit=100`).set(bearer(lux.accessToken)).expect(200);
    expect(own.body.next_cursor).toBeNull();
    publishedIds = own.body.data.filter((l: { publish: boolean }) => l.publish).map((l: { id: string }) => l.id);
    expect(publishedIds.length).toBeLessThan(own.body.data.length);
  });
  afterAll(() => t.close());

  const ours = (data: { id: string }[]) => data.filter((l) => publishedIds.includes(l.id) || l.id === hiddenId);

  it('lists published locations as OCPI 2.2.1 objects that pass the field rules, with OCPI pagination', async () => {
    const all: { id: string; party_id: string }[] = [];
    let url: string | undefined = '/ocpi/2.2.1/locations?limit=40';
    let pages = 0;
    while (url) {
      const res = await t.http.get(url).expect(200);
      expect(res.body.status_code).toBe(1000);
      expect(res.headers['x-limit']).toBe('1000');
      expect(Number(res.headers['x-total-count'])).toBeGreaterThanOrEqual(publishedIds.length);
      for (const location of res.body.data) {
        if (!validateLocation(location)) throw new Error(`${location.id}: ${ajv.errorsText(validateLocation.errors)}`);
      }
      all.push(...res.body.data);
      const link = res.headers.link as string | undefined;
      url = link ? new URL(/<([^>]+)>; rel="next"/.exec(link)?.[1] ?? '').pathname + new URL(/<([^>]+)>/.exec(link)?.[1] ?? '').search : undefined;
      pages += 1;
    }
    expect(pages).toBeGreaterThan(1);
    expect(
      ours(all)
        .map((l) => l.id)
        .sort(),
    ).toEqual([...publishedIds].sort());
    expect(new Set(all.map((l) => l.id)).size).toBe(all.length);
    expect(all.map((l) => l.id)).not.toContain(hiddenId);
  });

  it('maps the real Tesla Supercharger correctly and serves it by id; unknown or private ids are OCPI 2003', async () => {
    const list = await t.http.get('/ocpi/2.2.1/locations?limit=1000').expect(200);
    const tesla = ours(list.body.data).find((l) => (l as unknown as { name: string }).name.startsWith('Tesla Supercharger Luxembourg Urban')) as unknown as {
      id: string;
      evses: { connectors: unknown[] }[];
    };
    expect(tesla).toMatchObject({
      country_code: 'LU',
      country: 'LUX',
      time_zone: 'Europe/Luxembourg',
      coordinates: { latitude: expect.stringMatching(/^49\.\d{6}$/) },
    });
    expect(tesla.evses).toHaveLength(16);
    expect(tesla.evses[0]?.connectors[0]).toMatchObject({ standard: 'IEC_62196_T2_COMBO', power_type: 'DC', max_electric_power: 250_000 });
    const one = await t.http.get(`/ocpi/2.2.1/locations/${tesla.id}`).expect(200);
    expect(one.body.data).toEqual(tesla);
    const unknown = await t.http.get('/ocpi/2.2.1/locations/loc_nope').expect(404);
    expect(unknown.body).toMatchObject({ status_code: 2003 });
    await t.http.get(`/ocpi/2.2.1/locations/${hiddenId}`).expect(404);
  });

  it('truncates long texts to the OCPI maxima instead of sending invalid objects', async () => {
    const created = await t.http
      .post('/v1/locations')
      .set(bearer(lux.accessToken))
      .send({
        name: 'Long address test',
        address: 'A very long street name that goes on and on beyond forty-five characters',
        city: 'Esch-sur-Alzette and its very long suburban name',
        country: 'LU',
        coordinates: { latitude: 49.4958, longitude: 5.9806 },
        time_zone: 'Europe/Luxembourg',
        evses: [{ connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_1_PHASE', max_voltage: 230, max_amperage: 16 }] }],
      })
      .expect(201);
    const res = await t.http.get(`/ocpi/2.2.1/locations/${created.body.id}`).expect(200);
    expect(validateLocation(res.body.data)).toBe(true);
    expect(res.body.data.address).toHaveLength(45);
  });

  it('rejects bad OCPI parameters with an OCPI error', async () => {
    const res = await t.http.get('/ocpi/2.2.1/locations?offset=-1').expect(400);
    expect(res.body.status_code).toBe(2001);
    await t.http.get('/ocpi/2.2.1/locations?date_from=yesterday').expect(422);
  });

  it('filters OCPI by last update', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await t.http.get(`/ocpi/2.2.1/locations?date_from=${future}`).expect(200);
    expect(none.body.data).toEqual([]);
    expect(none.headers['x-total-count']).toBe('0');
  });

  it('serves AFIR GeoJSON of published locations only, free and unauthenticated', async () => {
    const res = await t.http.get('/v1/open-data/locations.geojson?bbox=5.7,49.4,6.6,50.2').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    const body = JSON.parse(res.text);
    expect(body.type).toBe('FeatureCollection');
    const features = body.features.filter((f: { properties: { network: string } }) => f.properties.network === 'Open Lux');
    const inBox = await t.http.get(`/v1/locations?network_id=${lux.networkId}&bbox=5.7,49.4,6.6,50.2&limit=100`).set(bearer(lux.accessToken)).expect(200);
    const expectedIds = inBox.body.data.filter((l: { publish: boolean }) => l.publish).map((l: { id: string }) => l.id);
    expect(features.map((f: { id: string }) => f.id).sort()).toEqual(expectedIds.sort());
    const tesla = features.find((f: { properties: { name: string } }) => f.properties.name.startsWith('Tesla Supercharger Luxembourg Urban'));
    expect(tesla.geometry.coordinates[0]).toBeCloseTo(6.1, 0);
    expect(tesla.properties).toMatchObject({ dc: true, ac: false, max_power_kw: 250, country: 'LU' });
    expect(tesla.properties.connectors).toHaveLength(16);
    expect(tesla.properties.attribution).toMatchObject({ provider: 'Open Charge Map Contributors' });
    expect(features.map((f: { id: string }) => f.id)).not.toContain(hiddenId);
  });
});
