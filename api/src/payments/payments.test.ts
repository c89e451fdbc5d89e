import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp, unique } from '../test/harness.js';
import { type StripeTestServer, startStripeTestServer } from '../test/stripe-test-server.js';
import { StripeProvider } from './stripe-provider.js';

const WEBHOOK_SECRET = 'whsec_test_voltshare_payments';
const HOUR = 3_600_000;

describe.each(backends())('payments through the real Stripe SDK (local Stripe test server) on %s', (backend: Backend) => {
  let stripe: StripeTestServer;
  let t: TestApp;
  let net: SignedUpNetwork;
  let chargePointId: string;
  let connector = 0;

  beforeAll(async () => {
    stripe = await startStripeTestServer();
    t = await startTestApp(backend, { STRIPE_SECRET_KEY: 'sk_test_voltshare', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url });
    net = await signUpNetwork(t.http, 'Paying Network');
    const tariff = await t.http
      .post('/v1/tariffs')
      .set(bearer(net.accessToken))
      .send({ currency: 'EUR', vat_percent: 17, energy_price_per_kwh: 40, flat_price: 50 })
      .expect(201);
    const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Paid Site', [])).expect(201);
    const cp = await t.http
      .post('/v1/charge-points')
      .set(bearer(net.accessToken))
      .send({ identity: unique('PAY').slice(0, 25), location_id: site.body.id, password: 'payments-password-123' })
      .expect(201);
    chargePointId = cp.body.id;
    // One connector per session the tests charge.
    for (let c = 1; c <= 16; c++) {
      await t.http
        .post(`/v1/locations/${site.body.id}/evses`)
        .set(bearer(net.accessToken))
        .send({
          charge_point_id: chargePointId,
          ocpp_connector_id: c,
          connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32, tariff_id: tariff.body.id }],
        })
        .expect(201);
    }
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  /** A driver with a card and an RFID tag, charging `kwh` for an hour on a free connector. */
  const driverWithCard = async (paymentMethod: string) => {
    const driver = await registerDriver(t.http);
    const tag = unique('T').slice(-20);
    await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: tag }).expect(201);
    const setup = await t.http.post('/v1/me/payment-methods/setup-intent').set(bearer(driver.accessToken)).expect(200);
    expect(setup.body).toMatchObject({ provider: 'stripe', client_secret: expect.stringMatching(/^seti_.+_secret_/) });
    await t.http.put('/v1/me/payment-method').set(bearer(driver.accessToken)).send({ payment_method_id: paymentMethod }).expect(204);
    return { ...driver, tag };
  };
  const charge = async (tag: string, kwh: number) => {
    connector += 1;
    const start = new Date(Date.now() - 2 * HOUR);
    const started = await t.services.charging.startSession(net.networkId, chargePointId, { connectorId: connector, idTag: tag, meterStartWh: 0, at: start });
    await t.services.jobs.drain(new Date(), net.networkId);
    const stop = async () => {
      await t.services.charging.addMeterValues(net.networkId, chargePointId, started.transactionId, [
        { at: new Date(start.getTime() + HOUR), energyWh: kwh * 1000 },
      ]);
      await t.services.charging.stopSession(net.networkId, chargePointId, {
        transactionId: started.transactionId,
        meterStopWh: kwh * 1000,
        at: new Date(start.getTime() + HOUR),
      });
    };
    return { session: started.session, stop };
  };
  const paymentOf = (sessionId: string) => t.http.get(`/v1/sessions/${sessionId}/payment`).set(bearer(net.accessToken)).expect(200);
  const intentOf = async (sessionId: string) =>
    stripe.intents.get((await paymentOf(sessionId)).body.intent_id ?? '') ?? [...stripe.intents.values()].find((i) => i.metadata.session_id === sessionId);

  it('pre-authorises the hold at start and captures the computed cost at stop, releasing the rest', async () => {
    const driver = await driverWithCard('pm_card_visa');
    const { session, stop } = await charge(driver.tag, 10);
    const intent = [...stripe.intents.values()].find((i) => i.metadata.session_id === session.id);
    expect(intent).toMatchObject({ amount: 5000, currency: 'eur', capture_method: 'manual', status: 'requires_capture', payment_method: 'pm_card_visa' });
    const live = await t.http.get(`/v1/sessions/${session.id}`).set(bearer(driver.accessToken)).expect(200);
    expect(live.body.payment_status).toBe('authorized');

    await stop();
    await t.services.jobs.drain(new Date(), net.networkId);
    const done = await t.http.get(`/v1/sessions/${session.id}`).set(bearer(driver.accessToken)).expect(200);
    expect(done.body.cost).toEqual({ amount: 450, currency: 'EUR' }); // 0.50 flat + 10 kWh × 0.40
    expect(done.body.payment_status).toBe('paid');
    // Lists say the same, for the driver and the network's staff.
    const mine = await t.http.get('/v1/me/sessions?limit=100').set(bearer(driver.accessToken)).expect(200);
    expect(mine.body.data.find((s: { id: string }) => s.id === session.id)?.payment_status).toBe('paid');
    const staff = await t.http.get('/v1/sessions?limit=100').set(bearer(net.accessToken)).expect(200);
    expect(staff.body.data.find((s: { id: string }) => s.id === session.id)?.payment_status).toBe('paid');
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: 450, amount_capturable: 0 });
    expect(stripe.captures.get(intent?.id ?? '')).toBe(1);
    expect((await paymentOf(session.id)).body).toMatchObject({ status: 'captured', hold_amount: 5000, captured_amount: 450, refunded_amount: 0 });

    const html = await t.http.get(`/v1/sessions/${session.id}/receipt`).set(bearer(driver.accessToken)).expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain('Paying Network');
    expect(html.text).toMatch(/Total<\/td><td class="n">€4\.50/);
    expect(html.text).toContain('€0.65 (17 % included)'); // 450 × 17/117 = 65.38
    expect(html.text).toContain('Payment: paid');
    // Accounted when the session ended: its renewable share, CO₂ and CO₂ avoided, in words.
    expect(html.text).toMatch(
      /<p data-carbon>Energy \d+% renewable · [\d.]+\skg CO₂ emitted \(grid average\) · [\d.]+\skg CO₂ avoided against a petrol car\.<\/p>/,
    );
    /** The receipt as PDF bytes (supertest does not buffer binary bodies by itself). */
    const receiptPdf = (query = '') =>
      t.http
        .get(`/v1/sessions/${session.id}/receipt${query}`)
        .set(bearer(driver.accessToken))
        .set('Accept', 'application/pdf')
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
    const pdf = await receiptPdf();
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect((pdf.body as Buffer).length).toBeGreaterThan(1000);

    // In the reader's language: from Accept-Language, or `lang`; numbers and money as they write them.
    const german = await t.http.get(`/v1/sessions/${session.id}/receipt`).set(bearer(driver.accessToken)).set('Accept-Language', 'de-LU, fr;q=0.5').expect(200);
    expect(german.text).toContain('<html lang="de">');
    expect(german.text).toContain('<h1>Ladebeleg</h1>');
    expect(german.text).toMatch(/Gesamt<\/td><td class="n">4,50\s€/);
    expect(german.text).toMatch(/0,65\s€ \(17 % enthalten\)/);
    expect(german.text).toContain('Zahlung: bezahlt');
    expect(german.text).toMatch(/zu \d+\s% erneuerbar · [\d,]+\skg CO₂ ausgestoßen/);
    expect(german.headers.vary).toMatch(/Accept-Language/);
    const french = await t.http.get(`/v1/sessions/${session.id}/receipt?lang=fr`).set(bearer(driver.accessToken)).set('Accept-Language', 'de').expect(200);
    expect(french.text).toContain('Reçu de recharge');
    expect(french.text).toContain('Paiement: payé');
    const chinese = await t.http.get(`/v1/sessions/${session.id}/receipt`).set(bearer(driver.accessToken)).set('Accept-Language', 'zh-CN').expect(200);
    expect(chinese.text).toContain('充电收据');
    // The PDF fonts have no Chinese glyphs: that PDF is in English, and still a PDF.
    const chinesePdf = await receiptPdf('?lang=zh').expect(200);
    expect((chinesePdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    // An unknown language is English.
    expect((await t.http.get(`/v1/sessions/${session.id}/receipt?lang=xx`).set(bearer(driver.accessToken)).expect(200)).text).toContain('Charging receipt');
  });

  it('a declined card and a card needing authentication never reach paid', async () => {
    const declined = await driverWithCard('pm_card_chargeDeclined');
    const first = await charge(declined.tag, 5);
    expect((await paymentOf(first.session.id)).body).toMatchObject({ status: 'failed', failure_code: 'card_declined', payment_status: 'failed' });
    const strong = await driverWithCard('pm_card_authenticationRequired');
    const second = await charge(strong.tag, 5);
    expect((await paymentOf(second.session.id)).body).toMatchObject({ status: 'requires_action' });
    await second.stop();
    await t.services.jobs.drain(new Date(), net.networkId);
    expect((await paymentOf(second.session.id)).body.status).toBe('requires_action');
    // A card Stripe does not know is refused when saved.
    const other = await registerDriver(t.http);
    const refused = await t.http.put('/v1/me/payment-method').set(bearer(other.accessToken)).send({ payment_method_id: 'pm_nonexistent' }).expect(422);
    expect(refused.body.errors[0].field).toBe('body.payment_method_id');
  });

  it('a capture failing after the session leaves payment_failed, and a retry captures once', async () => {
    const driver = await driverWithCard('pm_card_visa');
    const { session, stop } = await charge(driver.tag, 2);
    await stop();
    stripe.failNextCapture();
    await t.services.jobs.drain(new Date(), net.networkId);
    expect((await paymentOf(session.id)).body).toMatchObject({
      status: 'payment_failed',
      failure_code: 'charge_expired_for_capture',
      payment_status: 'payment_failed',
    });
    const s = await t.http.get(`/v1/sessions/${session.id}`).set(bearer(driver.accessToken)).expect(200);
    expect(s.body.payment_status).toBe('payment_failed');

    const retried = await t.http.post(`/v1/sessions/${session.id}/payment/retry`).set(bearer(driver.accessToken)).expect(200);
    expect(retried.body.status).toBe('payment_failed');
    await t.services.jobs.drain(new Date(), net.networkId);
    expect((await paymentOf(session.id)).body).toMatchObject({ status: 'captured', captured_amount: 130, payment_status: 'paid' });
    await t.http.post(`/v1/sessions/${session.id}/payment/retry`).set(bearer(driver.accessToken)).expect(409);
  });

  it('a crash between the capture and its bookkeeping loses nothing: the retry replays the capture, never doubles it', async () => {
    const driver = await driverWithCard('pm_card_visa');
    const { session, stop } = await charge(driver.tag, 3);
    await stop();
    // The process dies right after Stripe captured, before our row says so.
    await expect(
      t.services.payments.capture(net.networkId, session.id, () => {
        throw new Error('process crashed');
      }),
    ).rejects.toThrow('process crashed');
    const intent = await intentOf(session.id);
    expect(intent?.status).toBe('succeeded');
    expect((await paymentOf(session.id)).body.status).toBe('authorized');
    // The job runs again (its lease expired): same idempotency key, Stripe replays its answer.
    await t.services.jobs.drain(new Date(), net.networkId);
    await t.services.payments.capture(net.networkId, session.id);
    expect((await paymentOf(session.id)).body).toMatchObject({ status: 'captured', captured_amount: 170 });
    expect(stripe.captures.get(intent?.id ?? '')).toBe(1);
  });

  const deliver = (event: object, secret = WEBHOOK_SECRET) => {
    const payload = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    return t.http.post('/v1/payments/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload);
  };
  const eventFor = (type: string, object: object) => ({
    id: `evt_${unique('e')}`,
    object: 'event',
    type,
    api_version: '2024-06-20',
    created: Math.floor(Date.now() / 1000),
    data: { object },
  });

  it('webhooks: the signature is verified, each event applies once, and a late event never moves a payment back', async () => {
    const driver = await driverWithCard('pm_card_visa');
    const { session, stop } = await charge(driver.tag, 4);
    const intent = await intentOf(session.id);
    await deliver(eventFor('payment_intent.succeeded', { ...intent }), 'whsec_wrong').expect(400);

    // The crash case again, repaired by Stripe's webhook instead of the job.
    await stop();
    await expect(
      t.services.payments.capture(net.networkId, session.id, () => {
        throw new Error('crash');
      }),
    ).rejects.toThrow('crash');
    const succeeded = eventFor('payment_intent.succeeded', { ...intent, status: 'succeeded', amount_received: 210 });
    expect((await deliver(succeeded).expect(200)).body).toEqual({ received: true, result: 'processed' });
    expect((await paymentOf(session.id)).body).toMatchObject({ status: 'captured', captured_amount: 210 });
    expect((await deliver(succeeded).expect(200)).body.result).toBe('replayed');
    // An older event arriving late changes nothing.
    await deliver(eventFor('payment_intent.amount_capturable_updated', { ...intent, status: 'requires_capture' })).expect(200);
    await deliver(eventFor('payment_intent.canceled', { ...intent, status: 'canceled' })).expect(200);
    expect((await paymentOf(session.id)).body.status).toBe('captured');
  });

  it('refunds: staff only, partial then the rest, each recorded; never more than captured', async () => {
    const driver = await driverWithCard('pm_card_visa');
    const { session, stop } = await charge(driver.tag, 10);
    await stop();
    await t.services.jobs.drain(new Date(), net.networkId);
    await t.http.post(`/v1/sessions/${session.id}/refunds`).set(bearer(driver.accessToken)).send({ amount: 100 }).expect(403);
    const partial = await t.http
      .post(`/v1/sessions/${session.id}/refunds`)
      .set(bearer(net.accessToken))
      .send({ amount: 100, reason: 'charger slow' })
      .expect(201);
    expect(partial.body).toMatchObject({ amount: 100, reason: 'charger slow', requested_by: net.ownerId });
    expect((await paymentOf(session.id)).body).toMatchObject({ refunded_amount: 100, payment_status: 'partially_refunded' });
    const tooMuch = await t.http.post(`/v1/sessions/${session.id}/refunds`).set(bearer(net.accessToken)).send({ amount: 400 }).expect(422);
    expect(tooMuch.body.errors[0].field).toBe('body.amount');
    await t.http.post(`/v1/sessions/${session.id}/refunds`).set(bearer(net.accessToken)).send({}).expect(201);
    expect((await paymentOf(session.id)).body).toMatchObject({ refunded_amount: 450, payment_status: 'refunded' });
    expect((await intentOf(session.id))?.refunded).toBe(450);
  });

  it('tops up a wallet and pays sessions from it; the balance is the sum of its ledger entries', async () => {
    const driver = await driverWithCard('pm_card_visa');
    await t.http.put('/v1/me/wallet').set(bearer(driver.accessToken)).send({ pay_sessions_from_wallet: true }).expect(200);
    const topUp = await t.http.post('/v1/me/wallet/top-ups').set(bearer(driver.accessToken)).send({ amount: 2000 }).expect(201);
    expect(topUp.body).toMatchObject({ amount: 2000, currency: 'EUR', status: 'succeeded' });
    await t.http.post('/v1/me/wallet/top-ups').set(bearer(driver.accessToken)).send({ amount: 20 }).expect(422);
    expect((await t.http.get('/v1/me/wallet').set(bearer(driver.accessToken)).expect(200)).body.balance).toBe(2000);

    const first = await charge(driver.tag, 10);
    await first.stop();
    await t.services.jobs.drain(new Date(), net.networkId);
    expect((await paymentOf(first.session.id)).body).toMatchObject({ provider: 'wallet', status: 'captured', captured_amount: 450, payment_status: 'paid' });
    expect([...stripe.intents.values()].some((i) => i.metadata.session_id === first.session.id)).toBe(false);
    expect((await t.http.get('/v1/me/wallet').set(bearer(driver.accessToken)).expect(200)).body.balance).toBe(1550);

    // Not enough left: the session is not paid, nothing is taken, and it is paid after a top-up.
    const second = await charge(driver.tag, 40);
    await second.stop();
    await t.services.jobs.drain(new Date(), net.networkId);
    expect((await paymentOf(second.session.id)).body).toMatchObject({ status: 'payment_failed', failure_code: 'insufficient_funds' });
    expect((await t.http.get('/v1/me/wallet').set(bearer(driver.accessToken)).expect(200)).body.balance).toBe(1550);
    await t.http.post('/v1/me/wallet/top-ups').set(bearer(driver.accessToken)).send({ amount: 1000 }).expect(201);
    await t.http.post(`/v1/sessions/${second.session.id}/payment/retry`).set(bearer(driver.accessToken)).expect(200);
    await t.services.jobs.drain(new Date(), net.networkId);
    expect((await paymentOf(second.session.id)).body.payment_status).toBe('paid');
    expect((await t.http.get('/v1/me/wallet').set(bearer(driver.accessToken)).expect(200)).body.balance).toBe(900);

    // A refund of a wallet-paid session goes back to the wallet.
    await t.http.post(`/v1/sessions/${first.session.id}/refunds`).set(bearer(net.accessToken)).send({ amount: 100 }).expect(201);
    const wallet = await t.http.get('/v1/me/wallet').set(bearer(driver.accessToken)).expect(200);
    expect(wallet.body.balance).toBe(1000);
    expect(wallet.body.recent.map((e: { kind: string; amount: number }) => [e.kind, e.amount])).toEqual([
      ['refund', 100],
      ['session', -1650],
      ['top_up', 1000],
      ['session', -450],
      ['top_up', 2000],
    ]);
  });

  it('a failed wallet payment retried after the driver switched the wallet off is paid with their card', async () => {
    const driver = await driverWithCard('pm_card_visa');
    await t.http.put('/v1/me/wallet').set(bearer(driver.accessToken)).send({ pay_sessions_from_wallet: true }).expect(200);
    const session = await charge(driver.tag, 10);
    await session.stop();
    await t.services.jobs.drain(new Date(), net.networkId);
    expect((await paymentOf(session.session.id)).body).toMatchObject({ provider: 'wallet', status: 'payment_failed', failure_code: 'insufficient_funds' });

    await t.http.put('/v1/me/wallet').set(bearer(driver.accessToken)).send({ pay_sessions_from_wallet: false }).expect(200);
    await t.http.post(`/v1/sessions/${session.session.id}/payment/retry`).set(bearer(driver.accessToken)).expect(200);
    await t.services.jobs.drain(new Date(), net.networkId);
    const paid = (await paymentOf(session.session.id)).body;
    expect(paid).toMatchObject({ provider: 'stripe', status: 'captured', captured_amount: 450, payment_status: 'paid', failure_code: null });
    const intents = [...stripe.intents.values()].filter((i) => i.metadata.session_id === session.session.id);
    expect(intents.map((i) => [i.amount, i.status])).toEqual([[450, 'succeeded']]);
    expect(paid.intent_id).toBe(intents[0]?.id);
    // Nothing was taken from the (empty) wallet.
    expect((await t.http.get('/v1/me/wallet').set(bearer(driver.accessToken)).expect(200)).body.balance).toBe(0);
  });

  it('keeps the ledger balanced under concurrent top-ups and payments, and refuses an unbalanced posting', async () => {
    const driver = await driverWithCard('pm_card_visa');
    const customer = await t.services.database.db
      .selectFrom('payment_customers')
      .selectAll()
      .where('driver_id', '=', driver.driverId)
      .executeTakeFirstOrThrow();
    const wallets = t.services.payments.wallets;
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => wallets.topUp(driver.driverId, 500, customer).then((r) => r.status)),
      ...Array.from({ length: 8 }, (_, i) => wallets.paySession(driver.driverId, net.networkId, `ses_concurrent_${driver.driverId}_${i}`, 700, 'EUR')),
    ]);
    const paid = results.filter((r) => r === 'paid').length;
    expect(results.slice(0, 8).every((r) => r === 'succeeded')).toBe(true);
    const balance = (await wallets.wallet(driver.driverId)).balance;
    expect(balance).toBe(8 * 500 - paid * 700);
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(paid).toBeLessThanOrEqual(5);
    const { db } = t.services.database;
    const totals = await db
      .selectFrom('ledger_entries')
      .select(['transaction_id', (eb) => eb.fn.sum<string>('amount').as('sum')])
      .groupBy('transaction_id')
      .execute();
    expect(totals.every((row) => Number(row.sum) === 0)).toBe(true);
    await expect(
      db.transaction().execute((tx) =>
        tx
          .insertInto('ledger_entries')
          .values({ transaction_id: 'ltx_unbalanced', account: `wallet:${driver.driverId}`, currency: 'EUR', amount: 1_000_000, kind: 'gift', reference: null })
          .execute(),
      ),
    ).rejects.toThrow(/does not balance/);
    expect((await wallets.wallet(driver.driverId)).balance).toBe(balance);
  });

  it('a top-up whose request died after Stripe charged is credited once by the webhook', async () => {
    const driver = await driverWithCard('pm_card_visa');
    await t.services.payments.wallets.wallet(driver.driverId);
    const { db } = t.services.database;
    await db
      .insertInto('wallet_top_ups')
      .values({ id: `top_crashed_${driver.driverId}`, driver_id: driver.driverId, amount: 1500, currency: 'EUR', provider: 'stripe', status: 'pending' })
      .execute();
    const object = {
      id: `pi_${unique('x')}`,
      object: 'payment_intent',
      status: 'succeeded',
      amount_received: 1500,
      metadata: { wallet_top_up: `top_crashed_${driver.driverId}` },
    };
    await deliver(eventFor('payment_intent.succeeded', object)).expect(200);
    await deliver(eventFor('payment_intent.succeeded', object)).expect(200); // another event id, same top-up
    const wallet = await t.http.get('/v1/me/wallet').set(bearer(driver.accessToken)).expect(200);
    expect(wallet.body.balance).toBe(1500);
  });

  it('pays the network out through Stripe Connect: a destination charge with the platform fee', async () => {
    await t.http
      .patch('/v1/network')
      .set(bearer(net.accessToken))
      .send({
        stripe_account_id: 'acct_1VoltshareTest',
        application_fee_percent: 5,
        payment_hold_amount: 4000,
        vat_number: 'LU12345678',
        billing_address: '1 Rue du Test, L-1111 Luxembourg',
      })
      .expect(200);
    await t.http.patch('/v1/network').set(bearer(net.accessToken)).send({ stripe_account_id: 'not-an-account' }).expect(422);
    const driver = await driverWithCard('pm_card_visa');
    const { session, stop } = await charge(driver.tag, 1);
    const intent = await intentOf(session.id);
    expect(intent).toMatchObject({ amount: 4000, transfer_data: { destination: 'acct_1VoltshareTest' }, application_fee_amount: 200 });
    await stop();
    await t.services.jobs.drain(new Date(), net.networkId);
    const receipt = await t.http.get(`/v1/sessions/${session.id}/receipt`).set(bearer(driver.accessToken)).expect(200);
    expect(receipt.text).toContain('VAT LU12345678');
    expect(receipt.text).toContain('1 Rue du Test, L-1111 Luxembourg');
    await t.http.patch('/v1/network').set(bearer(net.accessToken)).send({ stripe_account_id: null, payment_hold_amount: 5000 }).expect(200);
  });

  it('Stripe refuses an idempotency key reused with other parameters', async () => {
    const provider = new StripeProvider({ secretKey: 'sk_test_voltshare', webhookSecret: WEBHOOK_SECRET, apiBase: stripe.url });
    const request = { currency: 'EUR', customer_id: 'cus_x', payment_method: 'pm_card_visa', idempotency_key: unique('key'), metadata: {} };
    const first = await provider.authorize({ ...request, amount: 1000 });
    expect(first.status).toBe('authorized');
    expect((await provider.authorize({ ...request, amount: 1000 })).intent_id).toBe(first.intent_id);
    await expect(provider.authorize({ ...request, amount: 2000 })).rejects.toMatchObject({ code: 'idempotency_error' });
  });
});

describe('the sandbox provider (no Stripe keys: the embedded demo)', () => {
  it('runs the same flow: hold, capture, paid; a session that cost nothing releases its hold', async () => {
    const t = await startTestApp('pglite');
    try {
      const net = await signUpNetwork(t.http, 'Sandbox Network');
      const tariff = await t.http.post('/v1/tariffs').set(bearer(net.accessToken)).send({ currency: 'EUR', energy_price_per_kwh: 50 }).expect(201);
      const site = await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Sandbox Site', [])).expect(201);
      const cp = await t.http
        .post('/v1/charge-points')
        .set(bearer(net.accessToken))
        .send({ identity: unique('SBX').slice(0, 25), location_id: site.body.id, password: 'sandbox-password-123' })
        .expect(201);
      await t.http
        .post(`/v1/locations/${site.body.id}/evses`)
        .set(bearer(net.accessToken))
        .send({
          charge_point_id: cp.body.id,
          ocpp_connector_id: 1,
          connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32, tariff_id: tariff.body.id }],
        })
        .expect(201);
      const driver = await registerDriver(t.http);
      await t.http.post('/v1/me/id-tags').set(bearer(driver.accessToken)).send({ id_tag: 'SANDBOX-1' }).expect(201);
      const setup = await t.http.post('/v1/me/payment-methods/setup-intent').set(bearer(driver.accessToken)).expect(200);
      expect(setup.body.provider).toBe('sandbox');
      // As with Stripe, a card that is always declined is refused when saved, not at the first session.
      const declined = await t.http.put('/v1/me/payment-method').set(bearer(driver.accessToken)).send({ payment_method_id: 'pm_sandbox_declined' }).expect(422);
      expect(declined.body.errors).toEqual([{ field: 'body.payment_method_id', message: 'The card was declined.' }]);
      expect((await t.http.get('/v1/me/payment-method').set(bearer(driver.accessToken)).expect(200)).body.payment_method_id).toBeNull();
      await t.http.put('/v1/me/payment-method').set(bearer(driver.accessToken)).send({ payment_method_id: 'pm_sandbox_visa' }).expect(204);
      const start = new Date(Date.now() - HOUR);
      const { session, transactionId } = await t.services.charging.startSession(net.networkId, cp.body.id, {
        connectorId: 1,
        idTag: 'SANDBOX-1',
        meterStartWh: 0,
        at: start,
      });
      await t.services.jobs.drain(new Date(), net.networkId);
      await t.services.charging.stopSession(net.networkId, cp.body.id, { transactionId, meterStopWh: 6_000, at: new Date(start.getTime() + 30 * 60_000) });
      await t.services.jobs.drain(new Date(), net.networkId);
      const done = await t.http.get(`/v1/sessions/${session.id}`).set(bearer(driver.accessToken)).expect(200);
      expect(done.body).toMatchObject({ cost: { amount: 300, currency: 'EUR' }, payment_status: 'paid' });
      expect((await t.http.get(`/v1/sessions/${session.id}/payment`).set(bearer(driver.accessToken)).expect(200)).body.intent_id).toMatch(/^sandbox_pi_/);

      // A car that takes nothing costs nothing: the hold is released, not captured.
      const empty = await t.services.charging.startSession(net.networkId, cp.body.id, {
        connectorId: 1,
        idTag: 'SANDBOX-1',
        meterStartWh: 6_000,
        at: new Date(start.getTime() + 40 * 60_000),
      });
      await t.services.jobs.drain(new Date(), net.networkId);
      await t.services.charging.stopSession(net.networkId, cp.body.id, {
        transactionId: empty.transactionId,
        meterStopWh: 6_000,
        at: new Date(start.getTime() + 45 * 60_000),
      });
      await t.services.jobs.drain(new Date(), net.networkId);
      const released = await t.http.get(`/v1/sessions/${empty.session.id}/payment`).set(bearer(driver.accessToken)).expect(200);
      expect(released.body).toMatchObject({ status: 'released', captured_amount: 0, payment_status: 'released' });
    } finally {
      await t.close();
    }
  });
});
