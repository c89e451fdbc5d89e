import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { type Authorization, type PaymentProvider, ProviderError, type ProviderEvent } from './provider.js';

interface Intent {
  amount: number;
  status: 'requires_capture' | 'succeeded' | 'canceled';
  captured: number;
  refunded: number;
}

/**
 * A clearly labelled stand-in for Stripe (ids start with `sandbox_`): cards are accepted except
 * `pm_sandbox_declined` (declined) and `pm_sandbox_3ds` (needs authentication). It keeps its
 * state in memory and answers repeated idempotency keys with the first result, like Stripe.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;
  private readonly intents = new Map<string, Intent>();
  private readonly replies = new Map<string, unknown>();

  constructor(private readonly webhookSecret = 'sandbox-webhook-secret') {}

  private once<T>(key: string, work: () => T): T {
    if (this.replies.has(key)) return this.replies.get(key) as T;
    const result = work();
    this.replies.set(key, result);
    return result;
  }

  async createCustomer(_driver: { id: string }, key: string): Promise<string> {
    return this.once(`customer:${key}`, () => `sandbox_cus_${randomUUID()}`);
  }

  async createSetupIntent(customerId: string): Promise<{ client_secret: string }> {
    return { client_secret: `sandbox_seti_${customerId}_secret_${randomUUID()}` };
  }

  async attachPaymentMethod(): Promise<void> {}

  async authorize(request: Parameters<PaymentProvider['authorize']>[0]): Promise<Authorization> {
    return this.once(`authorize:${request.idempotency_key}`, () => {
      const intent_id = `sandbox_pi_${randomUUID()}`;
      if (request.payment_method === 'pm_sandbox_declined') return { intent_id, status: 'failed', failure_code: 'card_declined' } as Authorization;
      if (request.payment_method === 'pm_sandbox_3ds') return { intent_id, status: 'requires_action' } as Authorization;
      this.intents.set(intent_id, { amount: request.amount, status: 'requires_capture', captured: 0, refunded: 0 });
      return { intent_id, status: 'authorized' } as Authorization;
    });
  }

  async chargeNow(request: Parameters<PaymentProvider['chargeNow']>[0]): Promise<Authorization> {
    const held = await this.authorize(request);
    if (held.status !== 'authorized') return held;
    await this.capture(held.intent_id, request.amount, `charge-${request.idempotency_key}`);
    return { intent_id: held.intent_id, status: 'succeeded' };
  }

  private intent(id: string): Intent {
    const intent = this.intents.get(id);
    if (!intent) throw new ProviderError(`no such payment intent: ${id}`, 'resource_missing');
    return intent;
  }

  async capture(intentId: string, amount: number, key: string): Promise<void> {
    this.once(`capture:${key}`, () => {
      const intent = this.intent(intentId);
      if (intent.status !== 'requires_capture') throw new ProviderError('This PaymentIntent could not be captured.', 'payment_intent_unexpected_state');
      if (amount > intent.amount) throw new ProviderError('Amount to capture exceeds the authorised amount.', 'amount_too_large');
      intent.status = 'succeeded';
      intent.captured = amount;
    });
  }

  async cancel(intentId: string, key: string): Promise<void> {
    this.once(`cancel:${key}`, () => {
      this.intent(intentId).status = 'canceled';
    });
  }

  async refund(intentId: string, amount: number, key: string): Promise<{ refund_id: string }> {
    return this.once(`refund:${key}`, () => {
      const intent = this.intent(intentId);
      if (intent.refunded + amount > intent.captured) throw new ProviderError('Refund exceeds the captured amount.', 'amount_too_large');
      intent.refunded += amount;
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
