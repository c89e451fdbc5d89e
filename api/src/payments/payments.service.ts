import type { Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { ChargingSession } from '../charging/charging.model.js';
import type { PaymentStatus, PaymentsTable } from '../db/schema.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { SessionCost } from '../tariffs/pricing.js';
import type { Payment, Refund, SessionPaymentStatus } from './payments.model.js';
import { type PaymentProvider, ProviderError } from './provider.js';
import type { ReceiptData } from './receipt.js';
import type { WalletsService } from './wallet.service.js';

type PaymentRow = Selectable<PaymentsTable>;

export function sessionPaymentStatus(row: PaymentRow | undefined): SessionPaymentStatus {
  if (!row) return 'not_required';
  if (row.status !== 'captured') return row.status;
  const refunded = Number(row.refunded_amount);
  if (refunded === 0) return 'paid';
  return refunded >= Number(row.captured_amount) ? 'refunded' : 'partially_refunded';
}

const toPayment = (r: PaymentRow): Payment => ({
  id: r.id,
  session_id: r.session_id,
  provider: r.provider,
  intent_id: r.intent_id,
  status: r.status,
  payment_status: sessionPaymentStatus(r),
  currency: r.currency,
  hold_amount: Number(r.hold_amount),
  captured_amount: Number(r.captured_amount),
  refunded_amount: Number(r.refunded_amount),
  failure_code: r.failure_code,
  updated_at: r.updated_at,
});

/** Only forward: a late or replayed event never undoes a later state (a capture is final). */
const RANK: Record<PaymentStatus, number> = { pending: 0, requires_action: 1, authorized: 1, failed: 2, payment_failed: 2, released: 3, captured: 4 };

/** What a charge made at once came to, and with what it was (or was not) paid. */
export interface OutrightCharge {
  status: 'paid' | 'failed';
  provider: string;
  intent_id?: string;
  failure_code?: string;
}

/**
 * Session payments: a hold on the driver's saved method when charging starts, capture of the
 * computed cost when it stops (the rest released), retries, refunds, and the provider's webhooks.
 * Calls to the provider happen in jobs (scheduled in the session's own transaction) with
 * idempotency keys derived from the payment, so a crash between a capture and its bookkeeping
 * is repaired by the job's retry — or by the webhook — without charging twice.
 */
export type WebhookResult = 'processed' | 'replayed' | 'ignored';

export class PaymentsService {
  constructor(
    private readonly scopes: Scopes,
    readonly provider: PaymentProvider,
    readonly wallets: WalletsService,
    private readonly logger: Logger,
  ) {}

  // ---- drivers' payment methods ----------------------------------------------------------------

  /** The driver's customer at the provider, created on first use. */
  /**
   * Erasure: the payment provider deletes the person as its customer (cards included), then our
   * link to it goes. The person's payments stay, as invoices must. Safe to repeat.
   */
  async forgetCustomer(driverId: string): Promise<void> {
    const customers = await this.scopes.system((tx) => tx.selectFrom('payment_customers').select(['customer_id']).where('driver_id', '=', driverId).execute());
    for (const c of customers) await this.provider.deleteCustomer(c.customer_id);
    await this.scopes.system((tx) => tx.deleteFrom('payment_customers').where('driver_id', '=', driverId).execute());
  }

  async customerOf(driverId: string): Promise<{ customer_id: string; default_payment_method: string | null }> {
    const existing = await this.scopes.system((tx) => tx.selectFrom('payment_customers').selectAll().where('driver_id', '=', driverId).executeTakeFirst());
    if (existing) return existing;
    const driver = await this.scopes.system((tx) =>
      tx.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', driverId).executeTakeFirstOrThrow(),
    );
    const customerId = await this.provider.createCustomer({ id: driver.id, email: driver.email, name: driver.name ?? '' }, `customer-${driverId}`);
    return this.scopes.system((tx) =>
      tx
        .insertInto('payment_customers')
        .values({ driver_id: driverId, provider: this.provider.name, customer_id: customerId })
        .onConflict((oc) => oc.column('driver_id').doUpdateSet({ provider: this.provider.name }))
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }

  /** How the driver's sessions get paid: the saved method (if any) and whether the wallet pays first. Never creates a customer. */
  async payingWith(driverId: string): Promise<{ payment_method_id: string | null; pays_from_wallet: boolean }> {
    const customer = await this.scopes.system((tx) =>
      tx.selectFrom('payment_customers').select('default_payment_method').where('driver_id', '=', driverId).executeTakeFirst(),
    );
    return { payment_method_id: customer?.default_payment_method ?? null, pays_from_wallet: await this.wallets.paysFromWallet(driverId) };
  }

  /** Tops up the driver's wallet from their saved payment method. */
  async topUp(driverId: string, amount: number) {
    return this.wallets.topUp(driverId, amount, await this.customerOf(driverId));
  }

  async setupIntent(driverId: string): Promise<{ provider: string; client_secret: string }> {
    const customer = await this.customerOf(driverId);
    return { provider: this.provider.name, ...(await this.provider.createSetupIntent(customer.customer_id)) };
  }

  /** Saves a method the driver created in the browser as the one their sessions are charged to. */
  async savePaymentMethod(driverId: string, paymentMethodId: string): Promise<void> {
    const customer = await this.customerOf(driverId);
    try {
      await this.provider.attachPaymentMethod(customer.customer_id, paymentMethodId);
    } catch (error) {
      if (error instanceof ProviderError) throw fail.invalid([{ field: 'payment_method_id', message: error.message }]);
      throw error;
    }
    await this.scopes.system((tx) =>
      tx.updateTable('payment_customers').set({ default_payment_method: paymentMethodId }).where('driver_id', '=', driverId).execute(),
    );
  }

  // ---- the session flow ------------------------------------------------------------------------

  /**
   * Called in the transaction that starts a session: a driver's priced session gets a hold; a
   * guest's session takes over the hold they made at the payment page.
   */
  async sessionStarted(tx: Tx, session: { tenant_id: string; id: string; driver_id: string | null; id_tag: string; tariff: unknown }): Promise<void> {
    if (!session.tariff) return;
    if (!session.driver_id) {
      await this.adoptAdHoc(tx, session);
      return;
    }
    await scheduleJob(tx, { kind: 'payment.authorize', key: `authorize:${session.id}`, tenantId: session.tenant_id, payload: { session_id: session.id } });
  }

  private async adoptAdHoc(tx: Tx, session: { tenant_id: string; id: string; id_tag: string }): Promise<void> {
    const charge = await tx
      .selectFrom('ad_hoc_charges')
      .selectAll()
      .where('tenant_id', '=', session.tenant_id)
      .where('id_tag', '=', session.id_tag)
      .where('status', '=', 'starting')
      .forUpdate()
      .executeTakeFirst();
    if (!charge) return;
    await tx
      .insertInto('payments')
      .values({
        tenant_id: session.tenant_id,
        id: newId('pay'),
        session_id: session.id,
        driver_id: null,
        provider: charge.provider,
        intent_id: charge.intent_id,
        status: 'authorized',
        currency: charge.currency,
        hold_amount: Number(charge.hold_amount),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await tx
      .updateTable('ad_hoc_charges')
      .set({ status: 'charging', session_id: session.id })
      .where('tenant_id', '=', charge.tenant_id)
      .where('id', '=', charge.id)
      .execute();
  }

  /**
   * Charges `amount` at once with what the driver pays with now: the wallet when they chose it,
   * else their saved method. Never throws for a refusal: the outcome says what happened.
   */
  async chargeOutright(
    driverId: string,
    request: {
      amount: number;
      currency: string;
      idempotencyKey: string;
      metadata: Record<string, string>;
      payFromWallet: () => Promise<'paid' | 'insufficient_funds'>;
    },
  ): Promise<OutrightCharge> {
    if (await this.wallets.paysFromWallet(driverId)) {
      const paid = await request.payFromWallet();
      return paid === 'paid' ? { status: 'paid', provider: 'wallet' } : { status: 'failed', provider: 'wallet', failure_code: paid };
    }
    const customer = await this.customerOf(driverId);
    const provider = this.provider;
    if (!customer.default_payment_method) return { status: 'failed', provider: provider.name, failure_code: 'no_payment_method' };
    try {
      const result = await provider.chargeNow({
        amount: request.amount,
        currency: request.currency,
        customer_id: customer.customer_id,
        payment_method: customer.default_payment_method,
        idempotency_key: request.idempotencyKey,
        metadata: request.metadata,
      });
      return result.status === 'succeeded'
        ? { status: 'paid', provider: provider.name, intent_id: result.intent_id }
        : { status: 'failed', provider: provider.name, intent_id: result.intent_id || undefined, failure_code: result.failure_code ?? result.status };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return { status: 'failed', provider: provider.name, failure_code: error.code };
    }
  }

  /** Called in the transaction that ends a session; a session without a payment has nothing to capture. */
  async sessionStopped(tx: Tx, session: { tenant_id: string; id: string; driver_id: string | null; tariff: unknown }): Promise<void> {
    if (!session.tariff) return;
    await scheduleJob(tx, { kind: 'payment.capture', key: `capture:${session.id}`, tenantId: session.tenant_id, payload: { session_id: session.id } });
  }

  private async row(tx: Tx, tenantId: string, sessionId: string): Promise<PaymentRow | undefined> {
    return tx
      .selectFrom('payments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('session_id', '=', sessionId)
      .forUpdate()
      .executeTakeFirst() as Promise<PaymentRow | undefined>;
  }

  async authorize(tenantId: string, sessionId: string): Promise<void> {
    const owner = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('charging_sessions').select('driver_id').where('tenant_id', '=', tenantId).where('id', '=', sessionId).executeTakeFirstOrThrow(),
    );
    // A driver paying from their wallet needs no hold: the balance is checked at the end.
    const fromWallet = owner.driver_id ? await this.wallets.paysFromWallet(owner.driver_id) : false;
    const plan = await this.scopes.tenant(tenantId, async (tx) => {
      const session = await tx
        .selectFrom('charging_sessions')
        .select(['driver_id', 'tariff'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      const network = await tx
        .selectFrom('networks')
        .select(['payment_hold_amount', 'currency', 'stripe_account_id', 'application_fee_percent'])
        .where('id', '=', tenantId)
        .executeTakeFirstOrThrow();
      const existing = await this.row(tx, tenantId, sessionId);
      if (existing) return { existing };
      const currency = (session.tariff as { currency?: string } | null)?.currency ?? network.currency;
      const payment = await tx
        .insertInto('payments')
        .values({
          tenant_id: tenantId,
          id: newId('pay'),
          session_id: sessionId,
          driver_id: session.driver_id as string,
          provider: fromWallet ? 'wallet' : this.provider.name,
          status: fromWallet ? 'authorized' : 'pending',
          currency,
          hold_amount: fromWallet ? 0 : Number(network.payment_hold_amount),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromWallet ? { existing: payment } : { payment: payment as PaymentRow, driverId: session.driver_id as string, network };
    });
    if (plan.existing || !plan.payment) return;
    const { payment, network } = plan;
    const customer = await this.customerOf(plan.driverId as string);
    if (!customer.default_payment_method) {
      await this.settle(tenantId, payment.id, { status: 'failed', failure_code: 'no_payment_method' });
      return;
    }
    const hold = Number(payment.hold_amount);
    const result = await this.provider.authorize({
      amount: hold,
      currency: payment.currency,
      customer_id: customer.customer_id,
      payment_method: customer.default_payment_method,
      idempotency_key: `authorize-${payment.id}`,
      metadata: { session_id: sessionId, network_id: tenantId, payment_id: payment.id },
      ...(network?.stripe_account_id
        ? { destination: { account: network.stripe_account_id, application_fee: Math.round((hold * Number(network.application_fee_percent)) / 100) } }
        : {}),
    });
    const status = result.status === 'succeeded' ? 'authorized' : result.status;
    await this.settle(tenantId, payment.id, { status, intent_id: result.intent_id || null, failure_code: result.failure_code ?? null });
  }

  /** Moves a payment forward (never back), e.g. from a job's result or a webhook. */
  private async settle(
    tenantId: string,
    paymentId: string,
    change: Partial<Pick<PaymentRow, 'status' | 'intent_id' | 'failure_code' | 'provider'>> & { captured_amount?: number },
  ): Promise<void> {
    await this.scopes.tenant(tenantId, async (tx) => {
      const current = await tx
        .selectFrom('payments')
        .select('status')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', paymentId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (change.status && change.status !== current.status && RANK[change.status] <= RANK[current.status]) return;
      await tx
        .updateTable('payments')
        .set({ ...change, updated_at: new Date() } as never)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', paymentId)
        .execute();
    });
  }

  /** Captures the session's computed cost (never an amount from a client); a zero cost releases the hold. */
  async capture(tenantId: string, sessionId: string, onCaptured?: () => void): Promise<void> {
    const found = await this.scopes.tenant(tenantId, async (tx) => {
      const session = await tx
        .selectFrom('charging_sessions')
        .select(['status', 'cost'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      return { session, payment: await this.row(tx, tenantId, sessionId) };
    });
    const { session, payment } = found;
    if (!payment || session.status !== 'COMPLETED') return;
    if (payment.status === 'pending') throw new Error('authorisation still pending'); // the job retries later
    const cost = (session.cost as SessionCost | null)?.amount ?? 0;
    // A failure tried again is paid with what the driver pays with now, not with what failed: they
    // may have switched the wallet off, or saved a card after a session that found none.
    if (payment.status === 'payment_failed' && (payment.provider === 'wallet' || !payment.intent_id)) {
      const driverId = payment.driver_id as string;
      const outcome: OutrightCharge =
        cost === 0
          ? { status: 'paid', provider: payment.provider }
          : await this.chargeOutright(driverId, {
              amount: cost,
              currency: payment.currency,
              idempotencyKey: `session-${payment.id}-${payment.capture_attempts}`,
              metadata: { session_id: sessionId, network_id: tenantId, payment_id: payment.id },
              payFromWallet: () => this.wallets.paySession(driverId, tenantId, sessionId, cost, payment.currency),
            });
      if (outcome.status === 'paid') {
        onCaptured?.();
        await this.settle(tenantId, payment.id, {
          status: 'captured',
          captured_amount: cost,
          failure_code: null,
          provider: outcome.provider,
          intent_id: outcome.intent_id ?? null,
        });
        return;
      }
      await this.scopes.tenant(tenantId, (tx) =>
        tx
          .updateTable('payments')
          .set({
            capture_attempts: payment.capture_attempts + 1,
            provider: outcome.provider,
            failure_code: outcome.failure_code ?? null,
            updated_at: new Date(),
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', payment.id)
          .execute(),
      );
      return;
    }
    if (payment.provider === 'wallet' && payment.status === 'authorized') {
      const paid = cost === 0 ? 'paid' : await this.wallets.paySession(payment.driver_id as string, tenantId, sessionId, cost, payment.currency);
      if (paid === 'paid') await this.settle(tenantId, payment.id, { status: 'captured', captured_amount: cost, failure_code: null });
      else await this.settle(tenantId, payment.id, { status: 'payment_failed', failure_code: paid });
      return;
    }
    if (!['authorized', 'payment_failed'].includes(payment.status) || !payment.intent_id) return;
    if (cost === 0) {
      await this.provider.cancel(payment.intent_id, `cancel-${payment.id}`);
      await this.settle(tenantId, payment.id, { status: 'released' });
      return;
    }
    if (cost > Number(payment.hold_amount)) {
      // More than the hold: take the hold and leave the rest due; staff see it as failed.
      await this.settle(tenantId, payment.id, { status: 'payment_failed', failure_code: 'cost_exceeds_hold' });
      return;
    }
    try {
      // The same key after a crash (the provider replays its answer); a new one after a refusal.
      await this.provider.capture(payment.intent_id, cost, `capture-${payment.id}-${payment.capture_attempts}`);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      this.logger.warn({ payment_id: payment.id, code: error.code }, 'capture failed');
      await this.scopes.tenant(tenantId, (tx) =>
        tx
          .updateTable('payments')
          .set({ capture_attempts: payment.capture_attempts + 1 })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', payment.id)
          .execute(),
      );
      await this.settle(tenantId, payment.id, { status: 'payment_failed', failure_code: error.code });
      return;
    }
    onCaptured?.();
    await this.settle(tenantId, payment.id, { status: 'captured', captured_amount: cost, failure_code: null });
  }

  /** A failed capture tried again (staff, or the driver after fixing their card). */
  async retry(tenantId: string, sessionId: string): Promise<Payment> {
    await this.scopes.tenant(tenantId, async (tx) => {
      const payment = await this.row(tx, tenantId, sessionId);
      if (!payment) throw fail.notFound('payment for session', sessionId);
      if (payment.status !== 'payment_failed')
        throw fail.conflict(`The payment is ${payment.status}; only a failed capture can be retried.`, 'payment-not-failed');
      await scheduleJob(tx, { kind: 'payment.capture', key: `capture:${sessionId}`, tenantId, payload: { session_id: sessionId } });
    });
    return this.payment(tenantId, sessionId);
  }

  async payment(tenantId: string, sessionId: string): Promise<Payment> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('session_id', '=', sessionId).executeTakeFirst(),
    );
    if (!row) throw fail.notFound('payment for session', sessionId);
    return toPayment(row as PaymentRow);
  }

  async statusOf(tenantId: string, sessionId: string): Promise<SessionPaymentStatus> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('session_id', '=', sessionId).executeTakeFirst(),
    );
    return sessionPaymentStatus(row as PaymentRow | undefined);
  }

  /** The payment state of many sessions of one network in one read (session lists). */
  async statusesOf(tenantId: string, sessionIds: string[]): Promise<Map<string, SessionPaymentStatus>> {
    if (!sessionIds.length) return new Map();
    const rows = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('session_id', 'in', sessionIds).execute(),
    );
    const byId = new Map(rows.map((r) => [r.session_id, r as PaymentRow]));
    return new Map(sessionIds.map((id) => [id, sessionPaymentStatus(byId.get(id))]));
  }

  /** Staff only; each refund is recorded with who asked and why. */
  async refund(tenantId: string, sessionId: string, staffId: string, request: { amount?: number; reason?: string }, idempotencyKey?: string): Promise<Refund> {
    const { payment, amount, refundId } = await this.scopes.tenant(tenantId, async (tx) => {
      const payment = await this.row(tx, tenantId, sessionId);
      if (payment?.status !== 'captured' || (!payment.intent_id && payment.provider !== 'wallet'))
        throw fail.conflict('Only a captured payment can be refunded.', 'payment-not-captured');
      const left = Number(payment.captured_amount) - Number(payment.refunded_amount);
      const amount = request.amount ?? left;
      if (amount > left || amount <= 0) throw fail.invalid([{ field: 'amount', message: `must be between 1 and ${left}, what is left to refund` }]);
      return { payment, amount, refundId: newId('ref') };
    });
    const provided =
      payment.provider === 'wallet'
        ? await this.wallets.refundSession(payment.driver_id as string, tenantId, refundId, amount, payment.currency).then(() => ({ refund_id: null }))
        : await this.provider.refund(payment.intent_id as string, amount, idempotencyKey ? `refund-${payment.id}-${idempotencyKey}` : `refund-${refundId}`);
    const row = await this.scopes.tenant(tenantId, async (tx) => {
      const again = await this.row(tx, tenantId, sessionId);
      if (!again || Number(again.refunded_amount) + amount > Number(again.captured_amount)) throw fail.conflict('Refunded meanwhile.', 'refund-conflict');
      await tx
        .updateTable('payments')
        .set({ refunded_amount: Number(again.refunded_amount) + amount, updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', again.id)
        .execute();
      return tx
        .insertInto('refunds')
        .values({
          tenant_id: tenantId,
          id: refundId,
          payment_id: again.id,
          amount,
          reason: request.reason ?? null,
          provider_refund_id: provided.refund_id,
          requested_by: staffId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    this.logger.info({ refund_id: row.id, payment_id: row.payment_id, amount, staff_id: staffId }, 'refund issued');
    return {
      id: row.id,
      payment_id: row.payment_id,
      amount: Number(row.amount),
      reason: row.reason,
      requested_by: row.requested_by,
      created_at: row.created_at,
    };
  }

  async receiptData(session: ChargingSession): Promise<ReceiptData> {
    const tenantId = session.network_id;
    return this.scopes.tenant(tenantId, async (tx) => {
      const network = await tx
        .selectFrom('networks')
        .select(['name', 'country', 'billing_address', 'vat_number'])
        .where('id', '=', tenantId)
        .executeTakeFirstOrThrow();
      const place = session.evse_uid
        ? await tx
            .selectFrom('evses')
            .innerJoin('locations', (j) => j.onRef('locations.tenant_id', '=', 'evses.tenant_id').onRef('locations.id', '=', 'evses.location_id'))
            .select([
              'evses.evse_id',
              'locations.name',
              'locations.address',
              'locations.city',
              'locations.postal_code',
              'locations.country',
              'locations.time_zone',
            ])
            .where('evses.tenant_id', '=', tenantId)
            .where('evses.id', '=', session.evse_uid)
            .executeTakeFirst()
        : undefined;
      const payment = await tx.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('session_id', '=', session.id).executeTakeFirst();
      return {
        session,
        network: { name: network.name, country: network.country, address: network.billing_address, vat_number: network.vat_number },
        location: place
          ? { name: place.name, address: place.address, city: place.city, postal_code: place.postal_code, country: place.country, time_zone: place.time_zone }
          : null,
        evse_id: place?.evse_id ?? null,
        payment_status: sessionPaymentStatus(payment as PaymentRow | undefined),
      };
    });
  }

  // ---- provider webhooks -----------------------------------------------------------------------

  /** Verifies, records the event id (a replay stops here) and moves the payment forward. */
  async handleWebhook(
    rawBody: Buffer,
    signature: string | undefined,
    feeCaptured: (tenantId: string, feeId: string, intentId: string) => Promise<void>,
  ): Promise<WebhookResult> {
    const event = this.provider.parseWebhook(rawBody, signature);
    const first = await this.scopes.system(async (tx) => {
      const inserted = await tx
        .insertInto('payment_events')
        .values({ provider: this.provider.name, event_id: event.id, type: event.type })
        .onConflict((oc) => oc.doNothing())
        .returning('event_id')
        .executeTakeFirst();
      return Boolean(inserted);
    });
    if (!first) return 'replayed';
    if (event.type === 'ignored' || !event.intent_id) return 'ignored';
    // A top-up whose request died before it could credit the wallet is credited here.
    if (event.metadata?.wallet_top_up) {
      if (event.type === 'intent.captured') await this.wallets.topUpSucceeded(event.metadata.wallet_top_up, event.intent_id);
      return 'processed';
    }
    // A fee whose charge died before it was recorded is settled here.
    if (event.metadata?.reservation_fee && event.metadata.tenant_id) {
      if (event.type === 'intent.captured') await feeCaptured(event.metadata.tenant_id, event.metadata.reservation_fee, event.intent_id);
      return 'processed';
    }
    const payment = await this.scopes.system((tx) =>
      tx
        .selectFrom('payments')
        .select(['tenant_id', 'id'])
        .where('intent_id', '=', event.intent_id as string)
        .executeTakeFirst(),
    );
    if (!payment) return 'ignored';
    const change =
      event.type === 'intent.authorized'
        ? { status: 'authorized' as const }
        : event.type === 'intent.captured'
          ? { status: 'captured' as const, captured_amount: event.amount ?? 0, failure_code: null }
          : event.type === 'intent.canceled'
            ? { status: 'released' as const }
            : event.type === 'intent.failed'
              ? { status: 'failed' as const }
              : undefined;
    if (change) await this.settle(payment.tenant_id, payment.id, change);
    return 'processed';
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register('payment.authorize', async (p: { session_id: string }, ctx) => this.authorize(ctx.tenantId as string, p.session_id));
    jobs.register('payment.capture', async (p: { session_id: string }, ctx) => this.capture(ctx.tenantId as string, p.session_id));
  }
}
