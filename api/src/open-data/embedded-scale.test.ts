import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../server/logger.js';
import { createServices, type Services } from '../server/services.js';
import { siteBody } from '../test/fixtures.js';
import { signUpNetwork, testConfig } from '../test/harness.js';

const LOCATIONS = 10_000;

/** Copies the template locations with their EVSEs and connectors until the network has `count`, in SQL. */
async function cloneLocations(database: DatabaseHandle, tenantId: string, count: number): Promise<void> {
  const columns = async (table: string) =>
    // pg_attribute, not information_schema (whose views take tens of seconds on PGlite with this many tables).
    (
      await sql<{ column_name: string }>`select attname as column_name from pg_attribute
        where attrelid = ${table}::regclass and attnum > 0 and not attisdropped and attgenerated = '' and attidentity = ''
        order by attnum`.execute(database.db)
    ).rows.map((r) => r.column_name);
  const copy = async (table: string, rewrite: Record<string, string>, where: string) => {
    const cols = await columns(table);
    const select = cols.map((c) => rewrite[c] ?? c).join(', ');
    await sql
      .raw(
        `insert into ${table} (${cols.join(', ')}) select ${select} from ${table}, generate_series(1, ${count / 2 - 1}) as n where tenant_id = '${tenantId}' and ${where}`,
      )
      .execute(database.db);
  };
  // Each copy n of a template row gets the suffix _n and a place on a grid north-east of it (points
  // on one line made the GiST index split badly: two minutes of inserts on PGlite instead of seconds).
  await copy(
    'locations',
    { id: `id || '_' || n`, latitude: 'latitude + (n % 100) * 0.001', longitude: 'longitude + (n / 100) * 0.001', source: 'null' },
    `id not like '%\\_%\\_%'`,
  );
  await copy(
    'evses',
    { id: `id || '_' || n`, location_id: `location_id || '_' || n`, evse_id: 'null', source: 'null', charge_point_id: 'null', ocpp_connector_id: 'null' },
    `id not like '%\\_%\\_%'`,
  );
  await copy('connectors', { id: `id || '_' || n`, evse_id: `evse_id || '_' || n` }, `id not like '%\\_%\\_%'`);
}

async function open(dataDir: string): Promise<{ services: Services; http: ReturnType<typeof supertest> }> {
  const database = await openDatabase({ dataDir });
  await migrateToLatest(database.db);
  const config = testConfig({ PUBLIC_RATE_LIMIT_MAX: '100000' });
  const services = createServices(config, database, createLogger('silent'));
  return { services, http: supertest(createApp(services)) };
}

// About 30 s on the 2-core machine alone: the guard leaves room for a loaded CI run.
describe('embedded mode (PGlite on disk) with 10,000 locations', { timeout: 240_000 }, () => {
  it('serves every open-data feed, search and page, and loads the discovery index after a restart', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'voltshare-scale-')), 'pglite');
    let { services, http } = await open(dataDir);
    const owner = await signUpNetwork(http, 'Big Network');
    const tariff = await http
      .post('/v1/tariffs')
      .set('Authorization', `Bearer ${owner.accessToken}`)
      .send({ currency: 'EUR', energy_price_per_kwh: 40 })
      .expect(201);
    const evses = [
      { connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32, tariff_id: tariff.body.id }] },
    ];
    for (const name of ['North', 'South'])
      await http
        .post('/v1/locations')
        .set('Authorization', `Bearer ${owner.accessToken}`)
        .send(siteBody(name, [...evses, ...evses]))
        .expect(201);
    await cloneLocations(services.database, owner.networkId, LOCATIONS);

    const feeds = async () => {
      const geojson = await http.get('/v1/open-data/locations.geojson').expect(200);
      expect(geojson.body.features).toHaveLength(LOCATIONS);
      expect(geojson.body.features[LOCATIONS - 1].properties.connectors).toHaveLength(2);
      // OCPI in pages of the largest size the module allows, every page answered.
      let seen = 0;
      let next: string | undefined = '/ocpi/2.2.1/locations?limit=1000';
      while (next) {
        const page: { body: { data: unknown[] }; headers: Record<string, string> } = await http.get(next).expect(200);
        seen += page.body.data.length;
        const link = /<([^>]+)>; rel="next"/.exec(page.headers.link ?? '')?.[1];
        next = link ? link.replace(/^https?:\/\/[^/]+/, '') : undefined;
      }
      expect(seen).toBe(LOCATIONS);
      const nearby = await http
        .get('/v1/locations?lat=49.61&lng=6.13&radius_m=50000&limit=100')
        .set('Authorization', `Bearer ${owner.accessToken}`)
        .expect(200);
      expect(nearby.body.data).toHaveLength(100);
    };
    await feeds();
    await services.discoveryIndex.loadAll();
    expect(services.discoveryIndex.ready).toBe(true);

    // After a restart on the same directory.
    await services.database.close();
    ({ services, http } = await open(dataDir));
    await services.discoveryIndex.loadAll();
    expect(services.discoveryIndex.ready).toBe(true);
    await feeds();
    await services.database.close();
  });
});
