import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';
import { type StripeTestServer, startStripeTestServer } from '../test/stripe-test-server.js';

const MINUTE = 60_000;

describe.each(backends())('reservation fees charged through the real Stripe SDK on %s', (backend: Backend) => {
  let stripe: StripeTestServer;
  let t: TestApp;
  let net: SignedUpNetwork;
  let evse: string;
  let siteId: string;
  let base: number;
  const at = (minutes: number) => new Date(base + minutes * MINUTE);

  beforeAll(async () => {
    stripe = await startStripeTestServer();
    t = await startTestApp(backend, { STRIPE_SECRET_KEY: 'sk_test_voltshare', STRIPE_WEBHOOK_SECRET: 'whsec_test_fees', STRIPE_API_BASE: stripe.url });
    net = await signUpNetwork(t.http, 'Fee Network');
    await t.http
      .put('/v1/network/reservation-policy')
      .set(bearer(net.accessToken))
      .send({
        max_days_ahead: 14,
        min_duration_minutes: 15,
        max_duration_minutes: 180,
        grace_minutes: 10,
        reservation_fee: 200,
        no_show_fee: 500,
        queue_offer_minutes: 15,
        queue_hold_minutes: 30,
      })
      .expect(200);
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Fee Site')).expect(201);
    evse = site.body.evses[0].uid;
    siteId = site.body.id;
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  const driver = async (paymentMethod?: string) => {
    const d = await registerDriver(t.http);
    if (paymentMethod) await t.http.put('/v1/me/payment-method').set(bearer(d.accessToken)).send({ payment_method_id: paymentMethod }).expect(204);
    return d;
  };
  /** Books a one-hour slot starting in `offset` minutes; runs the jobs due by `runUntil` minutes. */
  const book = async (token: string, offset: number) => {
    base = Math.ceil(Date.now() / MINUTE) * MINUTE + offset * 180 * MINUTE;
    const r = await t.http
      .post('/v1/reservations')
      .set(bearer(token))
      .send({ evse_id: evse, start: at(5).toISOString(), end: at(65).toISOString() })
      .expect(201);
    await t.services.jobs.drain(new Date(), net.networkId);
    return r.body.id as string;
  };
  const fees = async (token: string, id: string) => (await t.http.get(`/v1/reservations/${id}/fees`).set(bearer(token)).expect(200)).body;

  it('shows what a booking costs before the driver confirms, with the day’s slots', async () => {
    const d = await driver();
    const day = await t.http
      .get(`/v1/locations/${siteId}/availability?date=${new Date().toISOString().slice(0, 10)}`)
      .set(bearer(d.accessToken))
      .expect(200);
    expect(day.body.booking_terms).toEqual({
      currency: 'EUR',
      reservation_fee: 200,
      no_show_fee: 500,
      grace_minutes: 10,
      min_duration_minutes: expect.any(Number),
      max_duration_minutes: expect.any(Number),
    });
  });

  it('charges the booking fee at once and the no-show fee after the grace period, each exactly once', async () => {
    const d = await driver('pm_card_visa');
    const id = await book(d.accessToken, 1);
    const [booking] = await fees(d.accessToken, id);
    expect(booking).toMatchObject({ kind: 'booking', amount: 200, currency: 'EUR', status: 'paid', paid_with: 'card', failure_code: null });
    const charged = [...stripe.intents.values()].filter((i) => i.metadata?.reservation_fee === booking.id);
    expect(charged).toHaveLength(1);
    expect(charged[0]).toMatchObject({ amount: 200, currency: 'eur', status: 'succeeded' });

    // Nobody comes: after the grace period the no-show fee is owed and charged.
    await t.services.jobs.drain(at(16), net.networkId);
    await t.services.jobs.drain(at(16), net.networkId);
    const after = await fees(d.accessToken, id);
    expect(after.map((f: { kind: string; amount: number; status: string }) => [f.kind, f.amount, f.status])).toEqual([
      ['booking', 200, 'paid'],
      ['no_show', 500, 'paid'],
    ]);
    // Running the charges again (a retried job) charges nothing more.
    for (const f of after) await t.services.reservationFees.charge(net.networkId, f.id);
    const all = [...stripe.intents.values()].filter((i) => after.some((f: { id: string }) => i.metadata?.reservation_fee === f.id));
    expect(all).toHaveLength(2);
    // Staff see the fees too; another driver does not.
    expect(await fees(net.accessToken, id)).toHaveLength(2);
    const stranger = await driver();
    await t.http.get(`/v1/reservations/${id}/fees`).set(bearer(stranger.accessToken)).expect(404);
  });

  it('records a fee it could not charge, with the reason, and keeps the booking', async () => {
    const none = await driver();
    const noCard = await book(none.accessToken, 2);
    expect(await fees(none.accessToken, noCard)).toMatchObject([{ kind: 'booking', status: 'failed', failure_code: 'no_payment_method', paid_with: null }]);
    expect((await t.http.get(`/v1/reservations/${noCard}`).set(bearer(none.accessToken)).expect(200)).body.status).toBe('CONFIRMED');

    const declined = await driver('pm_card_chargeDeclined');
    const refused = await book(declined.accessToken, 3);
    const [failed] = await fees(declined.accessToken, refused);
    expect(failed).toMatchObject({ kind: 'booking', status: 'failed', failure_code: 'card_declined' });

    // The driver saves a card that works and pays the fee: a new attempt, charged once.
    const retry = (token: string) => t.http.post(`/v1/reservations/${refused}/fees/${failed.id}/retry`).set(bearer(token));
    await retry(none.accessToken).expect(404);
    await t.http.put('/v1/me/payment-method').set(bearer(declined.accessToken)).send({ payment_method_id: 'pm_card_visa' }).expect(204);
    expect((await retry(declined.accessToken).expect(200)).body).toMatchObject({ id: failed.id, status: 'paid', paid_with: 'card', failure_code: null });
    const conflict = await retry(declined.accessToken).expect(409);
    expect(conflict.body.type).toMatch(/fee-not-failed$/);
    const intents = [...stripe.intents.values()].filter((i) => i.metadata?.reservation_fee === failed.id);
    expect(intents.map((i) => i.status).sort()).toEqual(['requires_payment_method', 'succeeded'].sort());
  });

  it('a fee whose charge went through but was never recorded (a crash) is settled by the webhook, and not charged again', async () => {
    const d = await driver('pm_card_visa');
    base = Math.ceil(Date.now() / MINUTE) * MINUTE + 5 * 180 * MINUTE;
    const r = await t.http
      .post('/v1/reservations')
      .set(bearer(d.accessToken))
      .send({ evse_id: evse, start: at(5).toISOString(), end: at(65).toISOString() })
      .expect(201);
    // The fee is owed and its job not yet run: as after a crash right after Stripe charged.
    const [pending] = await fees(d.accessToken, r.body.id);
    expect(pending).toMatchObject({ kind: 'booking', status: 'pending' });
    const payload = JSON.stringify({
      id: `evt_${unique('e')}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      api_version: '2024-06-20',
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: `pi_${unique('x')}`,
          object: 'payment_intent',
          status: 'succeeded',
          amount_received: 200,
          metadata: { reservation_fee: pending.id, tenant_id: net.networkId },
        },
      },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_test_fees' });
    await t.http.post('/v1/payments/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload).expect(200);
    expect(await fees(d.accessToken, r.body.id)).toMatchObject([{ status: 'paid', paid_with: 'card' }]);
    // The job then finds it paid and charges nothing.
    await t.services.jobs.drain(new Date(), net.networkId);
    expect([...stripe.intents.values()].filter((i) => i.metadata?.reservation_fee === pending.id)).toHaveLength(0);
  });

  it('takes the fee from the wallet of a driver who pays that way, and refuses it when the balance is short', async () => {
    const d = await driver('pm_card_visa');
    await t.http.put('/v1/me/wallet').set(bearer(d.accessToken)).send({ pay_sessions_from_wallet: true }).expect(200);
    await t.http.post('/v1/me/wallet/top-ups').set(bearer(d.accessToken)).send({ amount: 500 }).expect(201);
    const first = await book(d.accessToken, 4);
    expect(await fees(d.accessToken, first)).toMatchObject([{ kind: 'booking', status: 'paid', paid_with: 'wallet' }]);
    expect((await t.http.get('/v1/me/wallet').set(bearer(d.accessToken)).expect(200)).body.balance).toBe(300);
    // The no-show fee (500) is more than the 300 left: refused, and the balance stays.
    await t.services.jobs.drain(at(16), net.networkId);
    await t.services.jobs.drain(at(16), net.networkId);
    const after = await fees(d.accessToken, first);
    expect(after[1]).toMatchObject({ kind: 'no_show', status: 'failed', failure_code: 'insufficient_funds' });
    expect((await t.http.get('/v1/me/wallet').set(bearer(d.accessToken)).expect(200)).body.balance).toBe(300);
  });

  const DAY = 24 * 60 * MINUTE;
  /** The driver's "fee not paid" messages about one fee, oldest first. */
  const feeFailures = async (driverId: string, feeId: string) => {
    const rows = await t.services.scopes.tenant(net.networkId, (tx) =>
      tx.selectFrom('notification_outbox').select(['data']).where('driver_id', '=', driverId).where('template', '=', 'reservation.fee_failed').execute(),
    );
    return rows
      .map(
        (r) =>
          (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as { fee_id: string; attempt: number; next_retry_at: string | null; failure_code: string },
      )
      .filter((d) => d.fee_id === feeId)
      .sort((a, b) => a.attempt - b.attempt);
  };

  it('tries a failed fee again a day, three days and a week later, tells the driver and the network each time, and stops after the third', async () => {
    // The network's webhook endpoint for failed fees.
    const received: { type: string; data: { fee_id: string; attempt: number } }[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const endpoint = await t.http
      .post('/v1/webhook-endpoints')
      .set(bearer(net.accessToken))
      .send({ url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/fees`, events: ['reservation.fee_failed'] })
      .expect(201);
    const d = await driver();
    const booked = Date.now();
    const id = await book(d.accessToken, 6);
    const [fee] = await fees(d.accessToken, id);
    expect(fee).toMatchObject({ kind: 'booking', status: 'failed', failure_code: 'no_payment_method' });
    const [first] = await feeFailures(d.driverId, fee.id);
    expect(first).toMatchObject({ attempt: 1, failure_code: 'no_payment_method' });
    const firstRetry = Date.parse(first?.next_retry_at as string);
    expect(firstRetry - booked).toBeGreaterThanOrEqual(DAY);
    expect(firstRetry - booked).toBeLessThan(DAY + MINUTE);

    // Nothing happens before the day is up; then each try fails and schedules the next.
    await t.services.jobs.drain(new Date(firstRetry - MINUTE), net.networkId);
    expect(await feeFailures(d.driverId, fee.id)).toHaveLength(1);
    let now = firstRetry;
    for (const [attempt, days] of [
      [2, 3],
      [3, 7],
    ] as const) {
      await t.services.jobs.drain(new Date(now), net.networkId);
      const failures = await feeFailures(d.driverId, fee.id);
      expect(failures).toHaveLength(attempt);
      expect(failures[attempt - 1]).toMatchObject({ attempt, next_retry_at: new Date(now + days * DAY).toISOString() });
      now += days * DAY;
    }
    await t.services.jobs.drain(new Date(now), net.networkId);
    const failures = await feeFailures(d.driverId, fee.id);
    expect(failures.map((f) => [f.attempt, f.next_retry_at])).toEqual([
      [1, first?.next_retry_at],
      [2, new Date(firstRetry + 3 * DAY).toISOString()],
      [3, new Date(firstRetry + 10 * DAY).toISOString()],
      [4, null],
    ]);
    // After the third automatic try the fee waits for the driver.
    await t.services.jobs.drain(new Date(now + 60 * DAY), net.networkId);
    expect(await feeFailures(d.driverId, fee.id)).toHaveLength(4);
    expect((await fees(d.accessToken, id))[0]).toMatchObject({ status: 'failed', failure_code: 'no_payment_method' });
    expect((await fees(net.accessToken, id))[0].status).toBe('failed');
    const delivered = received.filter((e) => e.data.fee_id === fee.id);
    expect(delivered.map((e) => [e.type, e.data.attempt])).toEqual([1, 2, 3, 4].map((n) => ['reservation.fee_failed', n]));
    await t.http.post(`/v1/webhook-endpoints/${endpoint.body.id}/disable`).set(bearer(net.accessToken)).expect(200);
    hook.close();
  });

  it('a retry finds the card the driver saved meanwhile; a fee the driver already paid is not charged again', async () => {
    const late = await driver();
    const lateBooking = await book(late.accessToken, 7);
    const [lateFee] = await fees(late.accessToken, lateBooking);
    await t.http.put('/v1/me/payment-method').set(bearer(late.accessToken)).send({ payment_method_id: 'pm_card_visa' }).expect(204);
    await t.services.jobs.drain(new Date(Date.now() + DAY + MINUTE), net.networkId);
    expect((await fees(late.accessToken, lateBooking))[0]).toMatchObject({ id: lateFee.id, status: 'paid', paid_with: 'card' });
    expect([...stripe.intents.values()].filter((i) => i.metadata?.reservation_fee === lateFee.id).map((i) => i.status)).toEqual(['succeeded']);
    expect(await feeFailures(late.driverId, lateFee.id)).toHaveLength(1);

    const prompt = await driver();
    const promptBooking = await book(prompt.accessToken, 8);
    const [promptFee] = await fees(prompt.accessToken, promptBooking);
    await t.http.put('/v1/me/payment-method').set(bearer(prompt.accessToken)).send({ payment_method_id: 'pm_card_visa' }).expect(204);
    await t.http.post(`/v1/reservations/${promptBooking}/fees/${promptFee.id}/retry`).set(bearer(prompt.accessToken)).expect(200);
    await t.services.jobs.drain(new Date(Date.now() + DAY + MINUTE), net.networkId);
    expect([...stripe.intents.values()].filter((i) => i.metadata?.reservation_fee === promptFee.id).map((i) => i.status)).toEqual(['succeeded']);
    expect((await fees(prompt.accessToken, promptBooking))[0]).toMatchObject({ status: 'paid' });
  });

  it("a network that blocks unpaid fees refuses the driver's next booking until the fee is paid", async () => {
    const policy = async (block?: boolean) => {
      const current = (await t.http.get('/v1/network/reservation-policy').set(bearer(net.accessToken)).expect(200)).body;
      const { block_unpaid_fees: _b, ...rest } = current;
      const body = block === undefined ? rest : { ...rest, block_unpaid_fees: block };
      return (await t.http.put('/v1/network/reservation-policy').set(bearer(net.accessToken)).send(body).expect(200)).body;
    };
    expect((await policy()).block_unpaid_fees).toBe(false);
    const d = await driver();
    const first = await book(d.accessToken, 9);
    const [fee] = await fees(d.accessToken, first);
    expect(fee.status).toBe('failed');
    const next = () =>
      t.http
        .post('/v1/reservations')
        .set(bearer(d.accessToken))
        .send({ evse_id: evse, start: new Date(base + 120 * MINUTE).toISOString(), end: new Date(base + 150 * MINUTE).toISOString() });

    expect((await policy(true)).block_unpaid_fees).toBe(true);
    const refused = await next().expect(402);
    expect(refused.body).toMatchObject({
      type: expect.stringMatching(/unpaid-fees$/),
      status: 402,
      fees: [{ id: fee.id, reservation_id: first, kind: 'booking', amount: 200, currency: 'EUR' }],
    });
    // Nothing was booked or charged by the refusal.
    expect((await t.http.get('/v1/me/reservations').set(bearer(d.accessToken)).expect(200)).body.data).toHaveLength(1);

    await t.http.put('/v1/me/payment-method').set(bearer(d.accessToken)).send({ payment_method_id: 'pm_card_visa' }).expect(204);
    await t.http.post(`/v1/reservations/${first}/fees/${fee.id}/retry`).set(bearer(d.accessToken)).expect(200);
    const booked = await next().expect(201);
    expect(booked.body.status).toBe('CONFIRMED');
    // A policy written without the field goes back to not blocking.
    expect((await policy()).block_unpaid_fees).toBe(false);
  });
});
