import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luxembourgPois, ocmReference } from '../importers/ocm-fixture.js';
import { importOcm } from '../importers/ocm-import.js';
import { decodeCursor, type PageRequest } from '../shared/pagination.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { DiscoveryService } from './discovery.service.js';
import { DiscoveryIndex, earthDistance } from './discovery-index.js';
import type { DiscoveryQuery } from './discovery-query.js';

const GARE = { lat: 49.6, lng: 6.1335 };

describe('earth distance', () => {
  it('is the great circle on earthdistance’s sphere', () => {
    // Luxembourg station to Kirchberg, checked against PostgreSQL earth_distance(ll_to_earth(…)).
    expect(earthDistance(49.6, 6.1335, 49.6286, 6.1614)).toBeCloseTo(3766.4136, 3);
    expect(earthDistance(0, 0, 0, 1)).toBeCloseTo((6_378_168 * Math.PI) / 180, 3);
  });
});

describe.each(backends())('public discovery index on %s', (backend: Backend) => {
  let t: TestApp;
  let lux: SignedUpNetwork;
  let other: SignedUpNetwork;
  let index: DiscoveryIndex;
  let sql: DiscoveryService;
  const now = new Date('2026-11-23T10:30:00Z'); // a Monday morning in Luxembourg

  /** Every page of a search, through the index and through SQL. */
  const both = async (q: DiscoveryQuery, limit = 7, viewer?: string) => {
    const walk = async (run: (page: PageRequest) => Promise<{ data: unknown[]; next_cursor: string | null }>) => {
      const out: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page = await run({ limit, after: cursor ? (decodeCursor(cursor) as PageRequest['after']) : undefined });
        out.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      return out;
    };
    return {
      fromIndex: await walk(async (page) => index.search(q, page, now, viewer)),
      fromSql: await walk((page) => sql.search(viewer, q, page, now)),
    };
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
    lux = await signUpNetwork(t.http, 'Lux Index');
    other = await signUpNetwork(t.http, 'Priced Network');
    await importOcm(t.services.locations, lux.networkId, luxembourgPois(), ocmReference());
    const tariff = await t.http
      .post('/v1/tariffs')
      .set(bearer(other.accessToken))
      .send({ currency: 'EUR', energy_price_per_kwh: 39, vat_percent: 17 })
      .expect(201);
    const body = siteBody('Priced Hub') as ReturnType<typeof siteBody> & { opening_hours?: unknown; coordinates: { latitude: number; longitude: number } };
    body.coordinates = { latitude: 49.61, longitude: 6.125 };
    body.opening_hours = { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '18:00' }] };
    (body.evses[0] as { connectors: Record<string, unknown>[] }).connectors[0]!.tariff_id = tariff.body.id;
    const hub = await t.http.post('/v1/locations').set(bearer(other.accessToken)).send(body).expect(201);
    await t.http.patch(`/v1/evses/${hub.body.evses[0].uid}`).set(bearer(other.accessToken)).send({ status: 'AVAILABLE' }).expect(200);
    await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({ ...siteBody('Staff Only'), publish: false })
      .expect(201);
    // Mostly renewable: badged green.
    await t.http
      .post('/v1/locations')
      .set(bearer(other.accessToken))
      .send({ ...siteBody('Solar Roof'), coordinates: { latitude: 49.6, longitude: 6.12 }, energy_mix: { renewable_share: 92 } })
      .expect(201);
    index = new DiscoveryIndex(t.services.scopes, t.services.logger);
    await index.loadAll(now);
    sql = new DiscoveryService(t.services.scopes);
  });
  afterAll(() => t.close());

  it('answers every kind of search exactly as the database does, page by page', async () => {
    const queries: DiscoveryQuery[] = [
      { lat: GARE.lat, lng: GARE.lng, radius_m: 5000 },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 50_000 },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 300 },
      { lat: GARE.lat, lng: GARE.lng },
      { bbox: [6.0, 49.5, 6.3, 49.7] },
      {},
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, connector_standard: ['IEC_62196_T2_COMBO'] },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, min_power_kw: 50 },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, power_type: 'DC' },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, power_type: 'AC', min_power_kw: 11 },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, available_now: true },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, open_now: true },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, capability: ['RESERVABLE'] },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, max_price_per_kwh: 40 },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, max_price_per_kwh: 30 },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, green: true },
      { bbox: [6.0, 49.5, 6.3, 49.7], network_id: other.networkId },
      { network_id: lux.networkId, connector_standard: ['IEC_62196_T2', 'CHADEMO'] },
    ];
    // Other suites write to the same server database meanwhile: stay within these two networks.
    const mine = (q: DiscoveryQuery): DiscoveryQuery[] =>
      q.network_id
        ? [q]
        : [
            { ...q, network_id: lux.networkId },
            { ...q, network_id: other.networkId },
          ];
    for (const q of queries.flatMap(mine)) {
      const { fromIndex, fromSql } = await both(q);
      expect(fromIndex, JSON.stringify(q)).toEqual(fromSql);
      // The fast path's body is the very bytes Express would send for the same page (so the ETags agree too).
      expect(index.searchBody(q, { limit: 5 }, now).toString(), JSON.stringify(q)).toBe(JSON.stringify(index.search(q, { limit: 5 }, now)));
    }
    const green = await both({ lat: GARE.lat, lng: GARE.lng, radius_m: 20_000, green: true, network_id: other.networkId });
    expect(green.fromIndex.map((l) => (l as { name: string }).name)).toEqual(['Solar Roof']);
    const all = await both({ lat: GARE.lat, lng: GARE.lng, radius_m: 50_000, network_id: lux.networkId });
    expect(all.fromIndex.length).toBeGreaterThan(50);
    const priced = await both({ network_id: other.networkId });
    expect(JSON.stringify(priced.fromIndex)).toContain('Priced Hub');
    expect(JSON.stringify(priced.fromIndex)).not.toContain('Staff Only');
  });

  it("answers a network's callers with its own unpublished sites too, exactly as the database does", async () => {
    expect(index.readyFor(other.networkId)).toBe(false);
    await index.settled();
    expect(index.readyFor(other.networkId)).toBe(true);
    for (const q of [
      { lat: GARE.lat, lng: GARE.lng, radius_m: 50_000, network_id: other.networkId },
      { lat: GARE.lat, lng: GARE.lng, radius_m: 50_000, network_id: lux.networkId },
      { bbox: [6.0, 49.5, 6.3, 49.7], network_id: other.networkId, available_now: true },
      { network_id: other.networkId },
    ] satisfies DiscoveryQuery[]) {
      const { fromIndex, fromSql } = await both(q, 3, other.networkId);
      expect(fromIndex, JSON.stringify(q)).toEqual(fromSql);
    }
    const own = await both({ network_id: other.networkId }, 7, other.networkId);
    expect(JSON.stringify(own.fromIndex)).toContain('Staff Only');
    // Another network's view of the same place does not include it.
    expect(index.readyFor(lux.networkId)).toBe(false);
    await index.settled();
    expect(JSON.stringify(index.search({ network_id: other.networkId }, { limit: 100 }, now, lux.networkId).data)).not.toContain('Staff Only');
  });

  it('follows status changes and unpublishing through the events', async () => {
    const stop = index.follow(t.services.bus);
    try {
      const site = await t.http.post('/v1/locations').set(bearer(other.accessToken)).send(siteBody('Fresh Site')).expect(201);
      const q: DiscoveryQuery = { lat: 49.61, lng: 6.13, radius_m: 100, available_now: true, network_id: other.networkId };
      await index.settled();
      expect(index.search(q, { limit: 10 }, now).data).toEqual([]);
      await t.http.patch(`/v1/evses/${site.body.evses[0].uid}`).set(bearer(other.accessToken)).send({ status: 'AVAILABLE' }).expect(200);
      await index.settled();
      expect(index.search(q, { limit: 10 }, now).data.map((l) => l.name)).toEqual(['Fresh Site']);

      // Status changes are applied from the event itself, and the answer stays the database's.
      const reads = index.reads;
      const evseUid = site.body.evses[0].uid;
      for (const status of ['CHARGING', 'AVAILABLE', 'OUTOFORDER'] as const) {
        await t.services.locations.applyEvseStatus(other.networkId, evseUid, status, new Date());
      }
      await index.settled();
      expect(index.reads).toBe(reads);
      const around: DiscoveryQuery = { lat: 49.61, lng: 6.13, radius_m: 100, network_id: other.networkId };
      const { fromIndex, fromSql } = await both(around);
      expect(fromIndex).toEqual(fromSql);
      expect(index.search(q, { limit: 10 }, now).data).toEqual([]);
      const detail = await t.http.get(`/v1/locations/${site.body.id}`).set(bearer(other.accessToken)).expect(200);
      expect(detail.body.evses[0]).toMatchObject({ status: 'OUTOFORDER' });
      await t.services.locations.applyEvseStatus(other.networkId, evseUid, 'AVAILABLE', new Date());
      await index.settled();
      expect(index.search(q, { limit: 10 }, now).data.map((l) => l.name)).toEqual(['Fresh Site']);

      // A status of an unpublished site costs no read and shows nothing.
      const hidden = await t.http
        .post('/v1/locations')
        .set(bearer(other.accessToken))
        .send({ ...siteBody('Hidden Depot'), publish: false })
        .expect(201);
      await index.settled();
      const before = index.reads;
      await t.services.locations.applyEvseStatus(other.networkId, hidden.body.evses[0].uid, 'AVAILABLE', new Date());
      await index.settled();
      expect(index.reads).toBe(before);
      expect(JSON.stringify(index.search({ network_id: other.networkId }, { limit: 100 }, now).data)).not.toContain('Hidden Depot');
      // The network's own view follows the same events: both unpublished sites, with live status.
      const ownView = index.search({ lat: 49.61, lng: 6.13, radius_m: 100, network_id: other.networkId }, { limit: 100 }, now, other.networkId).data;
      expect(ownView.map((l) => l.name)).toEqual(expect.arrayContaining(['Fresh Site', 'Hidden Depot', 'Staff Only']));
      const ownSql = await sql.search(other.networkId, { lat: 49.61, lng: 6.13, radius_m: 100, network_id: other.networkId }, { limit: 100 }, now);
      expect(ownView).toEqual(ownSql.data);
      expect(JSON.stringify(index.search({ network_id: other.networkId }, { limit: 100 }, now, lux.networkId).data)).not.toContain('Hidden Depot');
      await t.http.patch(`/v1/locations/${site.body.id}`).set(bearer(other.accessToken)).send({ publish: false }).expect(200);
      await index.settled();
      expect(index.search(q, { limit: 10 }, now).data).toEqual([]);
    } finally {
      stop();
    }
  });

  it('follows a network switching public sharing off and on, and tells realtime clients with new versions', async () => {
    const switching = await signUpNetwork(t.http, 'Switching Network');
    const stop = index.follow(t.services.bus);
    const heard: { location_id: string; public: boolean; version: number }[] = [];
    const unsubscribe = t.services.bus.subscribe((event) => {
      if (event.type === 'location.updated' && event.audience.tenant_id === switching.networkId) {
        heard.push({ location_id: event.payload.location_id, public: event.audience.public, version: event.payload.version });
      }
    });
    try {
      const site = await t.http.post('/v1/locations').set(bearer(switching.accessToken)).send(siteBody('Switch Site')).expect(201);
      const q: DiscoveryQuery = { lat: 49.61, lng: 6.13, radius_m: 1000, network_id: switching.networkId };
      const names = () => index.search(q, { limit: 10 }, now).data.map((l) => l.name);
      await index.settled();
      expect(names()).toEqual(['Switch Site']);

      await t.http.patch('/v1/network').set(bearer(switching.accessToken)).send({ public_sharing: false }).expect(200);
      await index.settled();
      expect(names()).toEqual([]);
      expect((await sql.search(undefined, q, { limit: 10 }, now)).data).toEqual([]);
      const off = heard.filter((e) => e.location_id === site.body.id).at(-1);
      expect(off).toMatchObject({ public: false });
      expect(off?.version).toBeGreaterThan(site.body.version);

      // Renaming the network changes no location: no events.
      const before = heard.length;
      await t.http.patch('/v1/network').set(bearer(switching.accessToken)).send({ name: 'Switched Network' }).expect(200);
      expect(heard).toHaveLength(before);

      await t.http.patch('/v1/network').set(bearer(switching.accessToken)).send({ public_sharing: true }).expect(200);
      await index.settled();
      expect(names()).toEqual(['Switch Site']);
      const { fromIndex, fromSql } = await both(q);
      expect(fromIndex).toEqual(fromSql);
      const on = heard.at(-1);
      expect(on).toMatchObject({ location_id: site.body.id, public: true });
      expect(on?.version).toBeGreaterThan(off?.version ?? Number.POSITIVE_INFINITY);
    } finally {
      unsubscribe();
      stop();
    }
  });

  it('never reuses the memory of a page body it has handed out', () => {
    // Bodies are cut from shared slabs: a page still being sent must survive the pages after it.
    const q: DiscoveryQuery = { lat: GARE.lat, lng: GARE.lng, radius_m: 20_000 };
    const first = index.searchBody(q, { limit: 10 }, now);
    const text = first.toString();
    expect(JSON.parse(text).data).toHaveLength(10);
    let written = 0;
    for (let i = 0; written < 300_000; i++) written += index.searchBody({ ...q, radius_m: 2_000 + i * 100 }, { limit: 10 }, now).length;
    expect(first.toString()).toBe(text);
  });

  it('refuses bad searches like the database path does', () => {
    expect(() => index.search({ lat: 91, lng: 0 }, { limit: 10 }, now)).toThrow(/invalid/i);
    expect(() => index.search({ lat: 1 }, { limit: 10 }, now)).toThrow();
    expect(() => index.search({}, { limit: 10, after: ['x'] }, now)).toThrow();
  });
});
