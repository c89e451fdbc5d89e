import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { type Authorization, type PaymentProvider, ProviderError, type ProviderEvent } from './provider.js';

/**
 * A clearly labelled stand-in for Stripe (ids start with `sandbox_`): cards are accepted except
 * `pm_sandbox_declined` (declined) and `pm_sandbox_3ds` (needs authentication). Like Stripe it
 * keeps its intents on its side — here in tables of its own, so they survive a restart or a crash —
 * and answers a repeated idempotency key with the first result.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;

  constructor(
    private readonly db: Db,
    private readonly webhookSecret = 'sandbox-webhook-secret',
  ) {}

  /** Runs `work` once per key, in one transaction with the reply it stores; a repeat gets that reply. */
  private once<T>(key: string, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      // Two tries with one key at the same moment: the second waits and then reads the first's reply.
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
      const prior = await tx.selectFrom('sandbox_replies').select('reply').where('key', '=', key).executeTakeFirst();
      if (prior) return (prior.reply as { value: T }).value;
      const value = await work(tx);
      await tx
        .insertInto('sandbox_replies')
        .values({ key, reply: JSON.stringify({ value: value ?? null }) })
        .execute();
      return value;
    });
  }

  async createCustomer(_driver: { id: string }, key: string): Promise<string> {
    return this.once(`customer:${key}`, async () => `sandbox_cus_${randomUUID()}`);
  }

  async deleteCustomer(_customerId: string): Promise<void> {
    // The sandbox keeps nothing about the person beyond the customer id itself.
  }

  async createSetupIntent(customerId: string): Promise<{ client_secret: string }> {
    return { client_secret: `sandbox_seti_${customerId}_secret_${randomUUID()}` };
  }

  /** Like Stripe's SetupIntent confirmation, a card that is always declined is refused when it is saved. */
  async attachPaymentMethod(_customerId: string, paymentMethodId: string): Promise<void> {
    if (paymentMethodId === 'pm_sandbox_declined') throw new ProviderError('The card was declined.', 'card_declined');
  }

  async authorize(request: Parameters<PaymentProvider['authorize']>[0]): Promise<Authorization> {
    return this.once(`authorize:${request.idempotency_key}`, async (tx) => {
      const intent_id = `sandbox_pi_${randomUUID()}`;
      if (request.payment_method === 'pm_sandbox_declined') return { intent_id, status: 'failed', failure_code: 'card_declined' } as Authorization;
      if (request.payment_method === 'pm_sandbox_3ds') return { intent_id, status: 'requires_action' } as Authorization;
      await tx.insertInto('sandbox_payment_intents').values({ id: intent_id, amount: request.amount, status: 'requires_capture' }).execute();
      return { intent_id, status: 'authorized' } as Authorization;
    });
  }

  async chargeNow(request: Parameters<PaymentProvider['chargeNow']>[0]): Promise<Authorization> {
    const held = await this.authorize(request);
    if (held.status !== 'authorized') return held;
    await this.capture(held.intent_id, request.amount, `charge-${request.idempotency_key}`);
    return { intent_id: held.intent_id, status: 'succeeded' };
  }

  private async intent(tx: Transaction<Database>, id: string) {
    const intent = await tx.selectFrom('sandbox_payment_intents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!intent) throw new ProviderError(`no such payment intent: ${id}`, 'resource_missing');
    return { ...intent, amount: Number(intent.amount), captured: Number(intent.captured), refunded: Number(intent.refunded) };
  }

  async capture(intentId: string, amount: number, key: string): Promise<void> {
    await this.once(`capture:${key}`, async (tx) => {
      const intent = await this.intent(tx, intentId);
      if (intent.status !== 'requires_capture') throw new ProviderError('This PaymentIntent could not be captured.', 'payment_intent_unexpected_state');
      if (amount > intent.amount) throw new ProviderError('Amount to capture exceeds the authorised amount.', 'amount_too_large');
      await tx.updateTable('sandbox_payment_intents').set({ status: 'succeeded', captured: amount }).where('id', '=', intentId).execute();
    });
  }

  async cancel(intentId: string, key: string): Promise<void> {
    await this.once(`cancel:${key}`, async (tx) => {
      await this.intent(tx, intentId);
      await tx.updateTable('sandbox_payment_intents').set({ status: 'canceled' }).where('id', '=', intentId).execute();
    });
  }

  async refund(intentId: string, amount: number, key: string): Promise<{ refund_id: string }> {
    return this.once(`refund:${key}`, async (tx) => {
      const intent = await this.intent(tx, intentId);
      if (intent.refunded + amount > intent.captured) throw new ProviderError('Refund exceeds the captured amount.', 'amount_too_large');
      await tx
        .updateTable('sandbox_payment_intents')
        .set({ refunded: intent.refunded + amount })
        .where('id', '=', intentId)
        .execute();
      return { refund_id: `sandbox_re_${randomUUID()}` };
    });
  }

  /** Sandbox events are JSON signed with HMAC-SHA256 of the body (hex) in `Sandbox-Signature`. */
  parseWebhook(rawBody: Buffer, signature: string | undefined): ProviderEvent {
    const expected = createHmac('sha256', this.webhookSecret).update(rawBody).digest();
    const given = Buffer.from(signature ?? '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ProviderError('bad webhook signature', 'signature_invalid');
    return JSON.parse(rawBody.toString('utf8')) as ProviderEvent;
  }
}
