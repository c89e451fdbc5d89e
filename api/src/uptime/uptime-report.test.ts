import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const AC = { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 };
const DC = { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 200, max_electric_power: 150_000 };
const OCTOBER_MINUTES = 31 * 24 * 60;
const oct = (day: number, hour = 0) => new Date(Date.UTC(2026, 9, day, hour));

describe.each(backends())('uptime reports on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let siteId: string;
  let slow: string;
  let rapid: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Uptime Network');
    other = await signUpNetwork(t.http, 'Other Uptime');
    siteId = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Uptime Depot Square', [])).expect(201)).body.id;
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('UPT'), location_id: siteId, password: 'a-long-charge-point-secret' })
      .expect(201);
    for (const [connector, spec] of [
      [1, AC],
      [2, DC],
    ] as const) {
      const res = await t.http
        .post(`/v1/locations/${siteId}/evses`)
        .set(bearer(net.accessToken))
        .send({ charge_point_id: cp.body.id, ocpp_connector_id: connector, connectors: [spec] })
        .expect(201);
      const uid = res.body.evses.find((e: { ocpp_connector_id: number }) => e.ocpp_connector_id === connector).uid;
      if (connector === 1) slow = uid;
      else rapid = uid;
    }
    // A hand-written history (locations writes it as availability changes; here we set the past).
    const history: [string, string, Date][] = [
      [slow, 'AVAILABLE', new Date(Date.UTC(2026, 8, 20))],
      [slow, 'OUTOFORDER', oct(10)],
      [slow, 'AVAILABLE', oct(11, 12)],
      [rapid, 'AVAILABLE', new Date(Date.UTC(2026, 8, 20))],
      [rapid, 'CHARGING', oct(3, 8)],
      [rapid, 'AVAILABLE', oct(3, 9)],
    ];
    await t.services.scopes.tenant(net.networkId, (tx) =>
      tx
        .insertInto('evse_availability_changes')
        .values(
          history.map(([evse_uid, availability, at]) => ({
            tenant_id: net.networkId,
            evse_uid,
            location_id: siteId,
            availability: availability as 'AVAILABLE',
            at,
          })),
        )
        .execute(),
    );
  });
  afterAll(() => t.close());

  it('computes NEVI uptime per port, site and network with a recorded exclusion, the share under 97 % and UK rapid reliability', async () => {
    const exclusion = await t.http
      .post('/v1/uptime/exclusions')
      .set(bearer(net.accessToken))
      .send({ location_id: siteId, starts_at: oct(10, 6), ends_at: oct(10, 18), reason: 'grid_outage', note: 'DSO feeder trip' })
      .expect(201);
    expect(exclusion.body).toMatchObject({ reason: 'grid_outage', evse_uid: null });

    const report = (await t.http.get(`/v1/uptime/report?month=2026-10&location_id=${siteId}`).set(bearer(net.accessToken)).expect(200)).body;
    const port = (uid: string) => report.ports.find((p: { evse_uid: string }) => p.evse_uid === uid);
    // 36 h down, 12 h of it excluded: (44,640 − (2,160 − 720)) / 44,640.
    expect(port(slow)).toMatchObject({ measured_minutes: OCTOBER_MINUTES, outage_minutes: 2160, excluded_minutes: 720, below_target: true });
    expect(port(slow).uptime_percent).toBeCloseTo(((OCTOBER_MINUTES - 1440) / OCTOBER_MINUTES) * 100, 3);
    expect(port(rapid)).toMatchObject({ outage_minutes: 0, uptime_percent: 100, below_target: false });
    expect(report.sites[0].uptime_percent).toBeCloseTo(((2 * OCTOBER_MINUTES - 1440) / (2 * OCTOBER_MINUTES)) * 100, 3);
    expect(report.network).toMatchObject({
      ports: 2,
      ports_measured: 2,
      ports_below_target: 1,
      share_below_target: 0.5,
      outage_minutes: 2160,
      excluded_minutes: 720,
    });
    // The charger has a 150 kW connector: rapid under the UK rules, and up while either connector was.
    expect(report.rapid_charge_points).toEqual([expect.objectContaining({ reliability_percent: 100, meets_target: true })]);
    expect(report.method).toMatch(/680\.116/);

    // Without the exclusion the slow port loses the full 36 hours.
    await t.http.delete(`/v1/uptime/exclusions/${exclusion.body.id}`).set(bearer(net.accessToken)).expect(204);
    const without = (await t.http.get(`/v1/uptime/report?month=2026-10&location_id=${siteId}`).set(bearer(net.accessToken)).expect(200)).body;
    expect(without.ports.find((p: { evse_uid: string }) => p.evse_uid === slow).uptime_percent).toBeCloseTo(
      ((OCTOBER_MINUTES - 2160) / OCTOBER_MINUTES) * 100,
      3,
    );
    // Before the port existed in the history, nothing is measured.
    const august = (await t.http.get(`/v1/uptime/report?month=2026-08&location_id=${siteId}`).set(bearer(net.accessToken)).expect(200)).body;
    expect(august.network.uptime_percent).toBeNull();
  });

  it('exports the month as CSV and PDF', async () => {
    const csv = await t.http.get(`/v1/uptime/report/export?month=2026-10&format=csv&location_id=${siteId}`).set(bearer(net.accessToken)).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('level,location_id,location_name,evse,measured_minutes,outage_minutes,excluded_minutes,uptime_percent,below_97_percent');
    expect(lines.filter((l) => l.startsWith('port,'))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^network,/);
    const pdf = await t.http
      .get(`/v1/uptime/report/export?month=2026-10&format=pdf`)
      .set(bearer(net.accessToken))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses bad exclusions field by field, and keeps networks apart', async () => {
    const otherSite = (
      await t.http
        .post('/v1/locations')
        .set(bearer(other.accessToken))
        .send(siteBody('Other Uptime Yard', [{ connectors: [AC] }]))
        .expect(201)
    ).body;
    const cases: [Record<string, unknown>, string][] = [
      [{ location_id: otherSite.id }, 'body.location_id'],
      [{ evse_uid: otherSite.evses[0].uid }, 'body.evse_uid'],
      [{ ends_at: oct(1) }, 'body.ends_at'],
      [{ reason: 'bad_luck' }, 'body.reason'],
      [{ starts_at: new Date(Date.now() + 86_400_000), ends_at: new Date(Date.now() + 2 * 86_400_000) }, 'body.starts_at'],
      [{ incident_id: 'inc_nope' }, 'body.incident_id'],
    ];
    for (const [change, field] of cases) {
      const res = await t.http
        .post('/v1/uptime/exclusions')
        .set(bearer(net.accessToken))
        .send({ location_id: siteId, starts_at: oct(5), ends_at: oct(6), reason: 'vandalism', ...change })
        .expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const bad = await t.http.get('/v1/uptime/report?month=2026-13').set(bearer(net.accessToken)).expect(422);
    expect(bad.body.errors[0].field).toBe('query.month');
    // Another network's report holds none of these ports.
    const theirs = (await t.http.get('/v1/uptime/report?month=2026-10').set(bearer(other.accessToken)).expect(200)).body;
    expect(theirs.ports.map((p: { evse_uid: string }) => p.evse_uid)).not.toContain(slow);
  });
});
