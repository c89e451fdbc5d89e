import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { mapPoi } from './ocm.js';
import { luxembourgPois, ocmReference } from './ocm-fixture.js';
import { importOcm } from './ocm-import.js';

const reference = ocmReference();
const pois = luxembourgPois();

describe('Open Charge Map mapping', () => {
  it('maps a real record: Tesla Supercharger Luxembourg Urban has 16 DC CCS EVSEs of 250 kW', () => {
    const poi = pois.find((p) => (p as { ID: number }).ID === 313299);
    const mapped = mapPoi(poi, reference);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.value.location).toMatchObject({ country: 'LU', time_zone: 'Europe/Luxembourg', publish: true });
    // Its operator id (3534) is missing from the reference lists, so no operator name is invented.
    expect(mapped.value.location.operator_name).toBeUndefined();
    expect(mapped.value.evses).toHaveLength(16);
    expect(mapped.value.evses[0]?.connector).toMatchObject({ standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_electric_power: 250_000 });
    expect(mapped.value.attribution).toMatchObject({
      provider: 'Open Charge Map Contributors',
      licence: expect.stringContaining('CC BY-SA 4.0'),
      ocm_id: 313299,
    });
  });

  it('keeps the provider licence of non-commercial records', () => {
    const nl = pois.map((p) => mapPoi(p, reference)).filter((m) => m.ok && m.value.attribution.provider.includes('Oplaadpalen'));
    expect(nl.length).toBeGreaterThan(10);
    for (const m of nl) if (m.ok) expect(m.value.attribution.licence).toMatch(/NonCommercial/);
  });

  it('says why malformed records and connections are skipped', () => {
    const reasons = [
      null,
      { ID: 1 },
      { ID: 2, AddressInfo: { Title: 'x', Latitude: 123, Longitude: 6, CountryID: 132 } },
      { ID: 3, AddressInfo: { Latitude: 49.6, Longitude: 6.1, CountryID: 132 } },
      { ID: 4, AddressInfo: { Title: 'Nowhere', Latitude: 49.6, Longitude: 6.1, CountryID: 99999 }, Connections: [] },
    ].map((p) => {
      const m = mapPoi(p, reference);
      return m.ok ? 'ok' : m.reason;
    });
    expect(reasons).toEqual(['not an OCM POI object (no numeric ID)', 'no AddressInfo', 'no valid coordinates', 'no title', 'unknown country id 99999']);
    const partly = mapPoi(
      {
        ID: 5,
        AddressInfo: { Title: 'Mixed', Latitude: 49.6, Longitude: 6.1, CountryID: 132 },
        Connections: [{ ID: 50, ConnectionTypeID: 24, PowerKW: 3 }, { ID: 51, ConnectionTypeID: 25, PowerKW: 22, CurrentTypeID: 20, Quantity: 2 }, 'junk'],
      },
      reference,
    );
    expect(partly.ok).toBe(true);
    if (partly.ok) {
      expect(partly.value.evses).toHaveLength(2);
      expect(partly.value.skipped_connections).toEqual(['ocm:5/50: Wireless Charging has no OCPI connector standard', 'ocm:5: a connection is not an object']);
    }
  });
});

describe.each(backends())('Open Charge Map import on %s', (backend: Backend) => {
  let t: TestApp;
  let networkId: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    networkId = (await signUpNetwork(t.http)).networkId;
  });
  afterAll(() => t.close());

  const counts = () =>
    t.services.scopes.tenant(networkId, async (tx) => ({
      locations: (await tx.selectFrom('locations').select('id').execute()).length,
      evses: (await tx.selectFrom('evses').select('id').execute()).length,
      connectors: (await tx.selectFrom('connectors').select('id').execute()).length,
    }));

  it('imports the 92 real Luxembourg records, reporting progress and every skip with its reason', async () => {
    const progress: number[] = [];
    const report = await importOcm(t.services.locations, networkId, pois, reference, (done) => progress.push(done));
    expect(progress).toHaveLength(92);
    expect(progress.at(-1)).toBe(92);
    expect(report.total).toBe(92);
    const noConnections = report.skipped.filter((s) => s.reason === 'no connections').map((s) => s.id);
    expect(noConnections.sort()).toEqual(['ocm:15314', 'ocm:15315', 'ocm:15316', 'ocm:15317', 'ocm:9109']);
    expect(report.created + report.skipped.length).toBe(92);
    const after = await counts();
    expect(after.locations).toBe(report.created);
    expect(after.evses).toBe(report.evses);
    expect(after.connectors).toBe(report.evses);
  });

  it('is idempotent: a second import updates and adds nothing', async () => {
    const before = await counts();
    const report = await importOcm(t.services.locations, networkId, pois, reference);
    expect(report.created).toBe(0);
    expect(report.updated).toBe(before.locations);
    expect(await counts()).toEqual(before);
  });

  it('a record the database rejects leaves nothing half-written', async () => {
    const before = await counts();
    await expect(
      t.services.locations.upsertImported(networkId, {
        source: 'test:broken',
        location: {
          name: 'Broken',
          address: 'Rue',
          city: 'Lux',
          country: 'LU',
          coordinates: { latitude: 49.6, longitude: 6.1 },
          time_zone: 'Europe/Luxembourg',
        },
        attribution: { provider: 'test', licence: null, url: 'x', ocm_id: 0 },
        evses: [
          {
            source: 'test:broken#1',
            status: 'AVAILABLE',
            capabilities: [],
            connector: { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32, max_electric_power: 22_000 },
          },
          {
            source: 'test:broken#2',
            status: 'AVAILABLE',
            capabilities: [],
            connector: {
              standard: 'IEC_62196_T2',
              format: 'SOCKET',
              power_type: 'AC_3_PHASE',
              max_voltage: 400,
              max_amperage: 5000,
              max_electric_power: 22_000,
            },
          },
        ],
        skipped_connections: [],
      }),
    ).rejects.toThrow();
    expect(await counts()).toEqual(before);
  });
});
