import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acnSessions, replayedHistory } from '../demo/history.js';
import { toLocalIso } from '../shared/local-time.js';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';

const HOUR = 3_600_000;

describe('the demo replays real ACN sessions', () => {
  const now = new Date('2026-12-07T10:30:00Z');
  const sessions = acnSessions();
  const history = replayedHistory(sessions, ['evse-a', 'evse-b', 'evse-c'], 'Europe/Luxembourg', now);

  it('keeps each session on the same weekday and at the same local time of day, over the last 13 weeks, all ended', () => {
    expect(sessions.length).toBe(1364);
    expect(history.length).toBeGreaterThan(150);
    const first = Math.min(...history.map((s) => s.startedAt.getTime()));
    // From the first local midnight 13 weeks back (now is 11:30 in Luxembourg).
    expect(now.getTime() - first).toBeLessThanOrEqual(13 * 7 * 24 * HOUR + 11.5 * HOUR);
    expect(now.getTime() - first).toBeGreaterThan(12 * 7 * 24 * HOUR);
    expect(history.every((s) => s.stoppedAt <= now && s.startedAt < s.stoppedAt)).toBe(true);
    expect(new Set(history.map((s) => s.evseUid))).toEqual(new Set(['evse-a', 'evse-b', 'evse-c']));
    // Every replayed arrival matches a real one: same weekday, same wall-clock time, same energy.
    const real = new Set(sessions.map((s) => `${new Date(`${s.arrival.slice(0, 10)}T12:00:00Z`).getUTCDay()} ${s.arrival.slice(11)} ${s.energyWh}`));
    for (const s of history) {
      const local = toLocalIso(s.startedAt, 'Europe/Luxembourg');
      expect(real.has(`${new Date(`${local.slice(0, 10)}T12:00:00Z`).getUTCDay()} ${local.slice(11, 19)} ${s.energyWh}`)).toBe(true);
    }
    // Charging ends when the energy is in at 6.6 kW, or when the car leaves, whichever is first.
    for (const s of history) {
      const charged = (s.chargedUntil as Date).getTime() - s.startedAt.getTime();
      expect(charged).toBeLessThanOrEqual(s.stoppedAt.getTime() - s.startedAt.getTime());
      expect(charged).toBeCloseTo(Math.min(s.stoppedAt.getTime() - s.startedAt.getTime(), (s.energyWh / 6600) * HOUR), -1);
    }
  });
});

describe.each(backends())('session history a network brings along, on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let evseUid: string;
  let foreignEvse: string;
  let siteId: string;

  async function evseBehindCharger(owner: SignedUpNetwork, name: string): Promise<{ uid: string; site: string }> {
    const site = await t.http.post('/v1/locations').set(bearer(owner.accessToken)).send(siteBody(name)).expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(owner.accessToken))
      .send({ identity: unique('HIST').slice(0, 25), location_id: site.body.id, password: 'history-password-123' })
      .expect(201);
    const uid = site.body.evses[2].uid as string;
    await t.services.locations.configureEvses(owner.networkId, [{ evseUid: uid, chargePoint: { id: cp.body.id, connectorId: 1 } }]);
    return { uid, site: site.body.id };
  }

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'History Network');
    other = await signUpNetwork(t.http, 'Other History Network');
    ({ uid: evseUid, site: siteId } = await evseBehindCharger(net, 'History Site'));
    foreignEvse = (await evseBehindCharger(other, 'Other History Site')).uid;
    const tariff = await t.http
      .post('/v1/tariffs')
      .set(bearer(net.accessToken))
      .send({
        currency: 'EUR',
        vat_percent: 17,
        display_text: '0.40 €/kWh; 6 €/h idle after 30 min',
        elements: [
          { price_components: [{ type: 'ENERGY', price: 40 }] },
          { price_components: [{ type: 'PARKING_TIME', price: 600, grace_minutes: 30, step_size: 60 }] },
        ],
      })
      .expect(201);
    await t.http.patch(`/v1/evses/${evseUid}`).set(bearer(net.accessToken)).send({ tariff_id: tariff.body.id }).expect(200);
  });
  afterAll(() => t.close());

  it('becomes completed sessions, priced by the EVSE’s tariff and charted like the platform’s own; importing again adds nothing', async () => {
    const day = new Date(Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 2 * 24 * HOUR);
    const at = (h: number) => new Date(day.getTime() + h * HOUR);
    const rows = [
      // 10 kWh, plugged in exactly as long as it charged.
      { evseUid, startedAt: at(8), stoppedAt: at(10), chargedUntil: at(10), energyWh: 10_000, idTag: 'OLD-CARD-1' },
      // The same 10 kWh, then two hours parked: 90 min past the grace period.
      { evseUid, startedAt: at(12), stoppedAt: at(16), chargedUntil: at(14), energyWh: 10_000, idTag: 'OLD-CARD-2' },
    ];
    expect(await t.services.sessionHistory.import(net.networkId, rows)).toEqual({ imported: 2, already: 0 });
    expect(await t.services.sessionHistory.import(net.networkId, rows)).toEqual({ imported: 0, already: 2 });

    const listed = await t.http.get(`/v1/sessions?location_id=${siteId}&limit=10`).set(bearer(net.accessToken)).expect(200);
    const byTag = new Map(listed.body.data.map((s: { id_tag: string }) => [s.id_tag, s]));
    expect(listed.body.data).toHaveLength(2);
    expect(byTag.get('OLD-CARD-1')).toMatchObject({ status: 'COMPLETED', energy_wh: 10_000, cost: { amount: 400, currency: 'EUR' } });
    // 10 kWh at 0.40 € and 90 idle minutes at 6 €/h.
    expect(byTag.get('OLD-CARD-2')).toMatchObject({ energy_wh: 10_000, cost: { amount: 400 + 900, currency: 'EUR' } });

    const activity = await t.http
      .get(`/v1/network/activity?from=${day.toISOString()}&to=${at(24).toISOString()}&bucket=day&time_zone=UTC`)
      .set(bearer(net.accessToken))
      .expect(200);
    expect(activity.body.buckets).toEqual([expect.objectContaining({ sessions_started: 2, energy_wh: 20_000, revenue: { EUR: 1_700 } })]);
    // The other network sees none of it.
    const theirs = await t.http
      .get(`/v1/network/activity?from=${day.toISOString()}&to=${at(24).toISOString()}&bucket=day&time_zone=UTC`)
      .set(bearer(other.accessToken))
      .expect(200);
    expect(theirs.body.buckets[0]).toMatchObject({ sessions_started: 0, energy_wh: 0 });
  });

  it('refuses the whole import for one bad row, naming the row and field, and writes nothing', async () => {
    const start = new Date(Date.now() - 5 * HOUR);
    const good = { evseUid, startedAt: start, stoppedAt: new Date(start.getTime() + HOUR), energyWh: 5_000, idTag: 'BAD-BATCH-1' };
    const cases: [object, string][] = [
      [{ ...good, evseUid: foreignEvse, idTag: 'BAD-BATCH-2' }, 'sessions[1].evse_uid'],
      [{ ...good, stoppedAt: new Date(start.getTime() - HOUR), idTag: 'BAD-BATCH-3' }, 'sessions[1].stopped_at'],
      [{ ...good, stoppedAt: new Date(Date.now() + HOUR), idTag: 'BAD-BATCH-4' }, 'sessions[1].stopped_at'],
      [{ ...good, energyWh: -1, idTag: 'BAD-BATCH-5' }, 'sessions[1].energy_wh'],
      [{ ...good, chargedUntil: new Date(start.getTime() + 2 * HOUR), idTag: 'BAD-BATCH-6' }, 'sessions[1].charged_until'],
      [{ ...good, idTag: '' }, 'sessions[1].id_tag'],
    ];
    for (const [bad, field] of cases) {
      const error = await t.services.sessionHistory.import(net.networkId, [good, bad as typeof good]).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'invalid', details: { fields: [expect.objectContaining({ field })] } });
    }
    const listed = await t.http.get(`/v1/sessions?location_id=${siteId}&limit=10`).set(bearer(net.accessToken)).expect(200);
    expect(listed.body.data.some((s: { id_tag: string }) => s.id_tag.startsWith('BAD-BATCH'))).toBe(false);
  });
});
