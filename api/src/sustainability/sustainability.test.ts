import { parse } from 'csv-parse/sync';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnersService } from '../partners/partners.service.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';
import { yearlyAverage } from './grid-intensity.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
const HOUR = 3_600_000;
const PV = { kwp: 10, tilt_deg: 30, azimuth_deg: 180 };
/** 10:00 UTC thirty days ago: a past day inside the readings' 400-day window. */
const DAY = new Date(Math.floor((Date.now() - 30 * 86_400_000) / 86_400_000) * 86_400_000 + 10 * HOUR);
const month = (at: Date) => at.toISOString().slice(0, 7);
/** A spot of its own, in a town of its own (the server database is shared with other suites: the places test averages Luxembourg city's stations). */
const SPOT = { latitude: Math.round((49.9 + (process.pid % 997) / 10_000) * 1e4) / 1e4, longitude: 6.4 };
const BOX = `${SPOT.longitude - 0.001},${SPOT.latitude - 0.001},${SPOT.longitude + 0.001},${SPOT.latitude + 0.001}`;

describe.each(backends())('sustainability on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let site: string;
  let chargePointId: string;
  let connector = 0;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http);
    other = await signUpNetwork(t.http, 'Other network');
    site = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send({ ...siteBody('Solar car park', [{ connectors: [AC] }]), coordinates: SPOT, city: 'Ettelbruck' })
        .expect(201)
    ).body.id;
    chargePointId = (
      await t.http
        .post('/v1/charge-points')
        .set(bearer(net.accessToken))
        .send({ identity: unique('SUN'), location_id: site, password: 'a-long-charge-point-secret' })
        .expect(201)
    ).body.id;
    for (const id of [1, 2, 3])
      await t.http
        .post(`/v1/locations/${site}/evses`)
        .set(bearer(net.accessToken))
        .send({ charge_point_id: chargePointId, ocpp_connector_id: id, connectors: [AC] })
        .expect(201);
  });
  afterAll(() => t.close());

  /** A completed session: `wh` delivered by each hour's end from `start`. */
  const charge = async (start: Date, whByHour: number[], idTag = unique('SUN').slice(-20)) => {
    connector += 1;
    const { session, transactionId } = await t.services.charging.startSession(net.networkId, chargePointId, {
      connectorId: connector,
      idTag,
      meterStartWh: 0,
      at: start,
    });
    await t.services.charging.addMeterValues(
      net.networkId,
      chargePointId,
      transactionId,
      whByHour.slice(0, -1).map((wh, h) => ({ at: new Date(start.getTime() + (h + 1) * HOUR), energyWh: wh })),
    );
    await t.services.charging.stopSession(net.networkId, chargePointId, {
      transactionId,
      meterStopWh: whByHour.at(-1) as number,
      at: new Date(start.getTime() + whByHour.length * HOUR),
    });
    await t.services.jobs.drain(new Date(), net.networkId);
    return session.id as string;
  };
  const carbonOf = async (sessionId: string) => (await t.http.get(`/v1/sessions/${sessionId}`).set(bearer(net.accessToken)).expect(200)).body.carbon;

  it('declares a site’s PV, battery and renewable contract; refuses absurd values naming the field', async () => {
    const empty = await t.http.get(`/v1/locations/${site}/energy-assets`).set(bearer(net.accessToken)).expect(200);
    expect(empty.body).toMatchObject({ pv: null, battery: null, renewable_contract: null });
    for (const [body, field] of [
      [{ pv: { ...PV, kwp: -5 } }, 'body.pv.kwp'],
      [{ pv: { ...PV, kwp: 1e9 } }, 'body.pv.kwp'],
      [{ pv: { ...PV, tilt_deg: 120 } }, 'body.pv.tilt_deg'],
      [{ battery: { kwh: 0, kw: 5 } }, 'body.battery.kwh'],
      [{ renewable_contract: { share: 1.5, name: 'GoO' } }, 'body.renewable_contract.share'],
    ] as const) {
      const res = await t.http.put(`/v1/locations/${site}/energy-assets`).set(bearer(net.accessToken)).send(body).expect(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const set = await t.http
      .put(`/v1/locations/${site}/energy-assets`)
      .set(bearer(net.accessToken))
      .send({ pv: PV, battery: { kwh: 20, kw: 10 }, renewable_contract: { share: 0.5, name: 'Guarantees of origin, wind' } })
      .expect(200);
    expect(set.body).toMatchObject({ pv: PV, battery: { kwh: 20, kw: 10 }, renewable_contract: { share: 0.5 } });
    // Another network sees no such site.
    await t.http.get(`/v1/locations/${site}/energy-assets`).set(bearer(other.accessToken)).expect(404);
    await t.http.put(`/v1/locations/${site}/energy-assets`).set(bearer(other.accessToken)).send({ pv: PV }).expect(404);
  });

  it('refuses a batch of readings whole when one is from the future, negative or beyond the array', async () => {
    const future = new Date(Date.now() + 2 * HOUR).toISOString();
    const bad = [
      [{ at: DAY.toISOString(), pv_w: 1_000 }, { at: future, pv_w: 1_000 }, 'readings[1].at'],
      [{ at: DAY.toISOString(), pv_w: 1_000 }, { at: DAY.toISOString(), pv_w: -3 }, 'body.readings[1].pv_w'],
      [{ at: DAY.toISOString(), pv_w: 1_000 }, { at: DAY.toISOString(), pv_w: 50_000 }, 'readings[1].pv_w'],
      [{ at: DAY.toISOString(), pv_w: 1_000 }, { at: DAY.toISOString() }, 'readings[1]'],
    ] as const;
    for (const [good, wrong, field] of bad) {
      const res = await t.http
        .post(`/v1/locations/${site}/energy-readings`)
        .set(bearer(net.accessToken))
        .send({ readings: [good, wrong] })
        .expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field.startsWith('body.') ? field : `body.${field}`);
    }
    // Nothing of the refused batches was stored.
    const stored = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx.selectFrom('site_energy_readings').select('at').where('tenant_id', '=', net.networkId).where('location_id', '=', site).execute(),
    );
    expect(stored).toHaveLength(0);
  });

  it('splits a session’s energy by source from pushed readings, and accounts it again when late readings arrive', async () => {
    // Out of order, at any interval: PV covers half the site load in the first hour, all of it in the second.
    const readings = [
      { at: new Date(DAY.getTime() + HOUR).toISOString(), pv_w: 7_000, site_load_w: 7_000 },
      { at: DAY.toISOString(), pv_w: 3_500, site_load_w: 7_000, battery_w: 0, battery_soc_percent: 40 },
    ];
    const pushed = await t.http.post(`/v1/locations/${site}/energy-readings`).set(bearer(net.accessToken)).send({ readings }).expect(200);
    expect(pushed.body).toEqual({ accepted: 2, sessions_reaccounted: 0 });
    const sessionId = await charge(DAY, [7_000, 14_000]);
    const carbon = await carbonOf(sessionId);
    const lu = yearlyAverage('LU');
    expect(carbon.energy_wh.total).toBeCloseTo(14_000, 0);
    expect(carbon.energy_wh.on_site_pv).toBeCloseTo(10_500, 0);
    expect(carbon.energy_wh.grid).toBeCloseTo(3_500, 0);
    expect(carbon.co2_g.location_based).toBeCloseTo(3.5 * lu.g_per_kwh, 0);
    expect(carbon.co2_g.market_based).toBeCloseTo(3.5 * lu.g_per_kwh * 0.5, 0);
    expect(carbon.avoided_co2_g).toBeGreaterThan(0);
    expect(carbon.method).toMatchObject({ on_site: 'measured', intensity_sources: [lu.source] });
    // The site's mix as drivers see it: mostly renewable, so badged green and found by the filter.
    const expectedPct = Math.round(carbon.renewable_share.market_based * 100);
    const shown = await t.http.get(`/v1/locations/${site}`).set(bearer(net.accessToken)).expect(200);
    expect(shown.body.energy_mix.renewable_share).toBeCloseTo(expectedPct, 0);
    expect(expectedPct).toBeGreaterThanOrEqual(80);
    expect(shown.body.green).toBe(true);
    const near = (green: boolean) =>
      t.http
        .get(`/v1/locations?lat=${SPOT.latitude}&lng=${SPOT.longitude}&radius_m=2000${green ? '&green=true' : ''}&network_id=${net.networkId}`)
        .set(bearer(net.accessToken))
        .expect(200);
    const greyId = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send({ ...siteBody('Grey car park', [{ connectors: [AC] }, { connectors: [AC] }]), coordinates: SPOT, city: 'Ettelbruck' })
        .expect(201)
    ).body.id;
    const all = await near(false);
    expect(
      all.body.data.map((l: { id: string }) => l.id),
      JSON.stringify(all.body).slice(0, 200),
    ).toEqual(expect.arrayContaining([site, greyId]));
    const greens = (await near(true)).body.data as { id: string; green: boolean }[];
    expect(greens.map((l) => l.id)).toContain(site);
    expect(greens.map((l) => l.id)).not.toContain(greyId);
    expect(greens.every((l) => l.green)).toBe(true);
    // The energy manager resends the first hour: the PV was cloudier. The session is accounted again.
    const late = await t.http
      .post(`/v1/locations/${site}/energy-readings`)
      .set(bearer(net.accessToken))
      .send({ readings: [{ at: DAY.toISOString(), pv_w: 0, site_load_w: 7_000 }] })
      .expect(200);
    expect(late.body).toEqual({ accepted: 1, sessions_reaccounted: 1 });
    await t.services.jobs.drain(new Date(), net.networkId);
    const again = await carbonOf(sessionId);
    expect(again.energy_wh.on_site_pv).toBeCloseTo(7_000, 0);
    expect(again.co2_g.location_based).toBeCloseTo(7 * lu.g_per_kwh, 0);
    // The driver-side list carries it too; another network cannot read it.
    const list = await t.http.get('/v1/sessions?status=COMPLETED').set(bearer(net.accessToken)).expect(200);
    expect(list.body.data.find((s: { id: string }) => s.id === sessionId).carbon.energy_wh.on_site_pv).toBeCloseTo(7_000, 0);
    await t.http.get(`/v1/sessions/${sessionId}`).set(bearer(other.accessToken)).expect(404);
  });

  it('takes readings from the site’s utility when the network names it grid operator, from no other', async () => {
    const utility = await new PartnersService(t.services.scopes).create('Grid Co', 'utility');
    const stranger = await new PartnersService(t.services.scopes).create('Other Grid', 'utility');
    const body = { location_id: site, readings: [{ at: new Date(DAY.getTime() - 5 * HOUR).toISOString(), pv_w: 2_000, site_load_w: 4_000 }] };
    await t.http.post('/v1/grid/energy-readings').set(bearer(utility.secret_key)).send(body).expect(404);
    await t.http.put(`/v1/locations/${site}/grid-operator`).set(bearer(net.accessToken)).send({ partner_id: utility.id }).expect(204);
    const ok = await t.http.post('/v1/grid/energy-readings').set(bearer(utility.secret_key)).send(body).expect(200);
    expect(ok.body.accepted).toBe(1);
    await t.http.post('/v1/grid/energy-readings').set(bearer(stranger.secret_key)).send(body).expect(404);
    await t.http.post('/v1/grid/energy-readings').set(bearer(net.accessToken)).send(body).expect(403);
    const bad = await t.http
      .post('/v1/grid/energy-readings')
      .set(bearer(utility.secret_key))
      .send({ ...body, readings: [{ at: new Date(Date.now() + 3 * HOUR).toISOString(), pv_w: 1 }] })
      .expect(422);
    expect(bad.body.errors[0].field).toBe('body.readings[0].at');
  });

  it('accounts completed sessions that have no account (from before accounting, or a lost job)', async () => {
    const sessionId = await charge(new Date(DAY.getTime() + 16 * HOUR), [3_000]);
    expect(await carbonOf(sessionId)).not.toBeNull();
    await t.services.scopes.system((tx) => tx.deleteFrom('session_carbon_accounts').where('session_id', '=', sessionId).execute());
    expect(await carbonOf(sessionId)).toBeNull();
    // In batches; every missing one is reached.
    while (await t.services.sustainability.accountMissing(1, net.networkId));
    expect((await carbonOf(sessionId)).energy_wh.total).toBeCloseTo(3_000, 0);
  });

  it('models the PV where nothing is pushed: nothing at night', async () => {
    const night = new Date(DAY.getTime() + 12 * HOUR); // 22:00 UTC
    const carbon = await carbonOf(await charge(night, [5_000]));
    expect(carbon.energy_wh.on_site_pv).toBe(0);
    expect(carbon.method.on_site).toBe('modelled');
  });

  it('uses the network’s own hourly intensity where it uploaded one, and refuses a bad CSV naming the line', async () => {
    const hour = new Date(DAY.getTime() + 3 * 24 * HOUR);
    const bad = await t.http
      .put('/v1/grid-intensity/LU')
      .set(bearer(net.accessToken))
      .send({ csv: `starts_at,g_per_kwh\n${hour.toISOString()},120\n${hour.toISOString()},lots\n`, source: 'Our supplier' })
      .expect(422);
    expect(bad.body.errors[0].field).toBe('body.csv[line 3].g_per_kwh');
    await t.http.put('/v1/grid-intensity/ZZ').set(bearer(net.accessToken)).send({ csv: 'a,b\n', source: 'x' }).expect(422);
    const rows = [0, 1].map((h) => `${new Date(hour.getTime() + h * HOUR).toISOString()},${h === 0 ? 100 : 400}`).join('\n');
    const ok = await t.http
      .put('/v1/grid-intensity/LU')
      .set(bearer(net.accessToken))
      .send({ csv: `starts_at,g_per_kwh\n${rows}\n`, source: 'Our supplier' })
      .expect(200);
    expect(ok.body).toMatchObject({ zone: 'LU', hours: 2 });
    // Overnight (no PV): 5 kWh in the clean hour, 5 in the dirty one.
    const night = new Date(hour.getTime());
    night.setUTCHours(0);
    const nightRows = [0, 1].map((h) => `${new Date(night.getTime() + h * HOUR).toISOString()},${h === 0 ? 100 : 400}`).join('\n');
    await t.http
      .put('/v1/grid-intensity/LU')
      .set(bearer(net.accessToken))
      .send({ csv: `starts_at,g_per_kwh\n${nightRows}\n`, source: 'Our supplier' })
      .expect(200);
    const carbon = await carbonOf(await charge(night, [5_000, 10_000]));
    expect(carbon.co2_g.location_based).toBeCloseTo(5 * 100 + 5 * 400, 0);
    expect(carbon.method.intensity_sources).toEqual(['Our supplier']);
  });

  it('gives a driver their year: energy, CO₂ avoided and what it is like, with sources', async () => {
    const driver = await registerDriver(t.http);
    const tag = unique('YR').slice(-20);
    await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: tag }).expect(201);
    const year = DAY.getUTCFullYear();
    const empty = await t.http.get(`/v1/me/sustainability?year=${year}`).set(bearer(driver.accessToken)).expect(200);
    expect(empty.body).toMatchObject({ year, sessions: 0, energy_kwh: 0, avoided_co2_kg: 0 });
    const night = new Date(DAY.getTime() + 14 * HOUR);
    const sessionId = await charge(night, [6_000, 12_000], tag);
    const account = await carbonOf(sessionId);
    const mine = await t.http.get(`/v1/me/sustainability?year=${year}`).set(bearer(driver.accessToken)).expect(200);
    expect(mine.body).toMatchObject({ year, sessions: 1, energy_kwh: 12 });
    expect(mine.body.avoided_co2_kg).toBeCloseTo(account.avoided_co2_g / 1000, 2);
    expect(mine.body.equivalents.trees_for_a_year).toBeCloseTo(mine.body.avoided_co2_kg / 22, 1);
    expect(mine.body.equivalents.sources).toMatchObject({ tree_kg_per_year: 22, tree_source: 'European Environment Agency' });
    // Nobody else's sessions, and only that year.
    expect(
      (
        await t.http
          .get(`/v1/me/sustainability?year=${year - 1}`)
          .set(bearer(driver.accessToken))
          .expect(200)
      ).body.sessions,
    ).toBe(0);
    const bad = await t.http.get('/v1/me/sustainability?year=1900').set(bearer(driver.accessToken)).expect(422);
    expect(bad.body.errors[0].field).toBe('query.year');
    await t.http.get(`/v1/me/sustainability?year=${year}`).set(bearer(net.accessToken)).expect(403);
  });

  it('estimates what a solar carport would make at sites without PV, from their location and load', async () => {
    const list = await t.http.get('/v1/sustainability/solar-potential').set(bearer(net.accessToken)).expect(200);
    // The solar car park has its array; the grey one (two EVSEs) gets 5 kWp.
    expect(list.body.map((p: { location_id: string }) => p.location_id)).not.toContain(site);
    const grey = list.body.find((p: { location_name: string }) => p.location_name === 'Grey car park');
    expect(grey).toMatchObject({ kwp: 5, tilt_deg: 10, azimuth_deg: 180, share_of_charging: null, charging_kwh_last_90_days: 0 });
    // Luxembourg: about 1,000 kWh per kWp in a typical year.
    expect(grey.yield_kwh_per_year).toBeGreaterThan(4_000);
    expect(grey.yield_kwh_per_year).toBeLessThan(6_500);
    expect(grey.co2_avoided_kg_per_year).toBeCloseTo((grey.yield_kwh_per_year * yearlyAverage('LU').g_per_kwh) / 1000, 0);
    expect(grey.assumptions.weather).toMatch(/clear-sky yield × 0.55/);
    // The solar car park's own load, hour by hour, shows how much a carport would have covered.
    const own = await t.services.sustainability.solarPotential(net.networkId, site);
    expect(own.charging_kwh_last_90_days).toBeGreaterThan(20);
    expect(own.share_of_charging).toBeGreaterThan(0);
    expect(own.share_of_charging).toBeLessThan(1);
  });

  it('gives cities the public stations in their area by month, aggregates only, and nobody else', async () => {
    const city = await new PartnersService(t.services.scopes).create('City', 'city');
    const automaker = await new PartnersService(t.services.scopes).create('Carmaker', 'automaker');
    const m = month(DAY);
    const area = await t.http.get(`/v1/sustainability/area?bbox=${BOX}&from=${m}&to=${m}`).set(bearer(city.secret_key)).expect(200);
    expect(area.body.stations).toBe(2);
    const own = await t.http.get(`/v1/sustainability/report?from=${m}&to=${m}&location_id=${site}`).set(bearer(net.accessToken)).expect(200);
    const siteMonth = own.body.months.find((x: { location_id: string | null }) => x.location_id === site);
    expect(area.body.months[0]).toMatchObject({ month: m, sessions: siteMonth.sessions, energy_kwh: siteMonth.energy_kwh });
    expect(area.body.solar_potential).toMatchObject({ stations: 1, kwp: 5 });
    expect(JSON.stringify(area.body)).not.toContain(site);
    await t.http.get(`/v1/sustainability/area?bbox=${BOX}&from=${m}&to=${m}`).set(bearer(automaker.secret_key)).expect(403);
    await t.http.get(`/v1/sustainability/area?bbox=${BOX}&from=${m}&to=${m}`).set(bearer(net.accessToken)).expect(403);
    const bad = await t.http.get(`/v1/sustainability/area?bbox=nowhere&from=${m}&to=${m}`).set(bearer(city.secret_key)).expect(422);
    expect(bad.body.errors[0].field).toBe('query.bbox');
  });

  it('guides drivers to the cleanest hours: the outlook carries each hour’s CO₂ and marks the three cleanest', async () => {
    const depot = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send({
          ...siteBody('Night yard', [{ connectors: [AC] }]),
          coordinates: { latitude: SPOT.latitude + 0.01, longitude: SPOT.longitude },
          city: 'Ettelbruck',
        })
        .expect(201)
    ).body.id;
    const hour0 = Math.floor(Date.now() / HOUR) * HOUR;
    // Flat at the yearly average: no hour is marked.
    const flat = await t.services.forecasting.outlook(net.networkId, depot);
    expect(flat.hours.every((h) => h.co2_g_per_kwh === Math.round(yearlyAverage('LU').g_per_kwh))).toBe(true);
    expect(flat.hours.some((h) => h.greenest)).toBe(false);
    // The network's own intensity: clean from five to eight hours ahead.
    const rows = Array.from({ length: 26 }, (_, h) => `${new Date(hour0 + h * HOUR).toISOString()},${h >= 5 && h < 8 ? 30 : 300}`).join('\n');
    await t.http
      .put('/v1/grid-intensity/LU')
      .set(bearer(net.accessToken))
      .send({ csv: `starts_at,g_per_kwh\n${rows}\n`, source: 'Our supplier' })
      .expect(200);
    const later = new Date(Date.now() + 11 * 60_000); // past the outlook's 10-minute cache
    const outlook = await t.services.forecasting.outlook(net.networkId, depot, later);
    const marked = outlook.hours.filter((h) => h.greenest).map((h) => (h.starts_at.getTime() - hour0) / HOUR);
    expect(marked).toEqual([5, 6, 7]);
    const at = (h: number) => outlook.hours.find((x) => x.starts_at.getTime() === hour0 + h * HOUR);
    expect(at(5)?.co2_g_per_kwh).toBe(30);
    expect(at(2)?.co2_g_per_kwh).toBe(300);
  });

  it('reports per site and month with the method; refuses bad months', async () => {
    const m = month(DAY);
    const report = await t.http.get(`/v1/sustainability/report?from=${m}&to=${m}`).set(bearer(net.accessToken)).expect(200);
    const siteMonth = report.body.months.find((x: { location_id: string | null }) => x.location_id === site);
    const networkMonth = report.body.months.find((x: { location_id: string | null }) => x.location_id === null);
    expect(siteMonth.sessions).toBeGreaterThanOrEqual(2);
    expect(siteMonth.on_site_pv_kwh).toBeCloseTo(7, 1);
    expect(siteMonth.pv_produced_kwh).toBeGreaterThan(siteMonth.on_site_pv_kwh);
    expect(siteMonth.pv_self_consumption).toBeGreaterThan(0);
    expect(siteMonth.pv_self_consumption).toBeLessThanOrEqual(1);
    expect(siteMonth.co2_kg.market_based).toBeLessThan(siteMonth.co2_kg.location_based);
    expect(networkMonth.energy_kwh).toBeCloseTo(siteMonth.energy_kwh, 3);
    expect(report.body.method.accounting).toMatch(/GHG Protocol/);
    expect(report.body.method.pv_model.clear_sky).toMatch(/Haurwitz/);
    // As CSV: the same figures, a row per site and month and the network's.
    const csv = await t.http.get(`/v1/sustainability/report/export?format=csv&from=${m}&to=${m}`).set(bearer(net.accessToken)).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(report.body.months.length);
    const siteRow = rows.find((r) => r.location_id === site) as Record<string, string>;
    expect(siteRow).toMatchObject({ month: m, location_name: 'Solar car park', sessions: String(siteMonth.sessions) });
    expect(Number(siteRow.co2_kg_location_based)).toBeCloseTo(siteMonth.co2_kg.location_based, 6);
    // As a PDF: rendered, with the chart's legend, the site and the method in its text.
    const pdf = await t.http
      .get(`/v1/sustainability/report/export?format=pdf&from=${m}&to=${m}`)
      .set(bearer(net.accessToken))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf.body as Buffer)), { mergePages: true });
    expect(text).toContain('Sustainability report');
    expect(text).toContain('Solar car park');
    expect(text).toContain('on-site PV');
    expect(text).toMatch(/GHG Protocol/);
    await t.http.get(`/v1/sustainability/report/export?format=xls&from=${m}&to=${m}`).set(bearer(net.accessToken)).expect(422);
    // The other network has nothing there.
    const theirs = await t.http.get(`/v1/sustainability/report?from=${m}&to=${m}`).set(bearer(other.accessToken)).expect(200);
    expect(theirs.body.months).toEqual([]);
    for (const [query, field] of [
      ['from=2026-13&to=2026-12', 'query.from'],
      ['from=2026-05&to=2026-01', 'query.to'],
      ['from=2020-01&to=2026-01', 'query.to'],
    ]) {
      const res = await t.http.get(`/v1/sustainability/report?${query}`).set(bearer(net.accessToken)).expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
