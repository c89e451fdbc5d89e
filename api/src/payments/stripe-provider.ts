import Stripe from 'stripe';
import { type Authorization, type PaymentProvider, ProviderError, type ProviderEvent } from './provider.js';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Tests point the SDK at a local server, e.g. `http://127.0.0.1:12111`. */
  apiBase?: string;
}

const EVENTS: Record<string, ProviderEvent['type']> = {
  'payment_intent.amount_capturable_updated': 'intent.authorized',
  'payment_intent.succeeded': 'intent.captured',
  'payment_intent.canceled': 'intent.canceled',
  'payment_intent.payment_failed': 'intent.failed',
  'refund.created': 'refund.succeeded',
};

/** Stripe through its official SDK: customers, SetupIntents, manual-capture PaymentIntents, refunds, webhooks. */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const base = settings.apiBase ? new URL(settings.apiBase) : undefined;
    this.stripe = new Stripe(settings.secretKey, {
      maxNetworkRetries: 2,
      ...(base ? { host: base.hostname, port: base.port, protocol: base.protocol.replace(':', '') as 'http' | 'https' } : {}),
    });
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError) throw new ProviderError(error.message, error.code ?? error.rawType ?? error.type);
      throw error;
    }
  }

  createCustomer(driver: { id: string; email: string; name: string }, idempotencyKey: string): Promise<string> {
    return this.call(async () => {
      const customer = await this.stripe.customers.create({ email: driver.email, name: driver.name, metadata: { driver_id: driver.id } }, { idempotencyKey });
      return customer.id;
    });
  }

  deleteCustomer(customerId: string): Promise<void> {
    return this.call(async () => {
      try {
        await this.stripe.customers.del(customerId);
      } catch (error) {
        if ((error as { code?: string }).code !== 'resource_missing') throw error;
      }
    });
  }

  createSetupIntent(customerId: string): Promise<{ client_secret: string }> {
    return this.call(async () => {
      // Cards, wallets (Apple Pay, Google Pay, Link) and local methods come from the Dashboard's settings.
      const intent = await this.stripe.setupIntents.create({ customer: customerId, usage: 'off_session', automatic_payment_methods: { enabled: true } });
      return { client_secret: intent.client_secret ?? '' };
    });
  }

  attachPaymentMethod(customerId: string, paymentMethodId: string): Promise<void> {
    return this.call(async () => {
      await this.stripe.paymentMethods.attach(paymentMethodId, { customer: customerId });
    });
  }

  authorize(request: Parameters<PaymentProvider['authorize']>[0]): Promise<Authorization> {
    return this.confirm(request, 'manual');
  }

  chargeNow(request: Parameters<PaymentProvider['chargeNow']>[0]): Promise<Authorization> {
    return this.confirm(request, 'automatic');
  }

  private async confirm(request: Parameters<PaymentProvider['authorize']>[0], capture: 'manual' | 'automatic'): Promise<Authorization> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          ...(request.customer_id ? { customer: request.customer_id, off_session: true } : {}),
          payment_method: request.payment_method,
          capture_method: capture,
          confirm: true,
          metadata: request.metadata,
          ...(request.destination
            ? { transfer_data: { destination: request.destination.account }, application_fee_amount: request.destination.application_fee }
            : {}),
        },
        { idempotencyKey: request.idempotency_key },
      );
      if (intent.status === 'requires_capture') return { intent_id: intent.id, status: 'authorized' };
      if (intent.status === 'succeeded') return { intent_id: intent.id, status: 'succeeded' };
      if (intent.status === 'requires_action') return { intent_id: intent.id, status: 'requires_action' };
      return { intent_id: intent.id, status: 'failed', failure_code: intent.last_payment_error?.code ?? intent.status };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        const intent = (error.raw as { payment_intent?: { id: string; status: string } }).payment_intent;
        const code = error.code ?? 'card_declined';
        if (intent && code === 'authentication_required') return { intent_id: intent.id, status: 'requires_action', failure_code: code };
        return { intent_id: intent?.id ?? '', status: 'failed', failure_code: code };
      }
      if (error instanceof Stripe.errors.StripeError) throw new ProviderError(error.message, error.code ?? error.rawType ?? error.type);
      throw error;
    }
  }

  capture(intentId: string, amount: number, idempotencyKey: string): Promise<void> {
    return this.call(async () => {
      await this.stripe.paymentIntents.capture(intentId, { amount_to_capture: amount }, { idempotencyKey });
    });
  }

  cancel(intentId: string, idempotencyKey: string): Promise<void> {
    return this.call(async () => {
      await this.stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey });
    });
  }

  refund(intentId: string, amount: number, idempotencyKey: string): Promise<{ refund_id: string }> {
    return this.call(async () => {
      const refund = await this.stripe.refunds.create({ payment_intent: intentId, amount }, { idempotencyKey });
      return { refund_id: refund.id };
    });
  }

  parseWebhook(rawBody: Buffer, signature: string | undefined): ProviderEvent {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature ?? '', this.settings.webhookSecret);
    } catch (error) {
      throw new ProviderError(error instanceof Error ? error.message : 'bad signature', 'signature_invalid');
    }
    const object = event.data.object as {
      id: string;
      object: string;
      amount_received?: number;
      payment_intent?: string;
      amount?: number;
      metadata?: Record<string, string>;
    };
    const type = EVENTS[event.type] ?? 'ignored';
    const intent_id = object.object === 'payment_intent' ? object.id : object.payment_intent;
    return { id: event.id, type, intent_id, amount: object.object === 'payment_intent' ? object.amount_received : object.amount, metadata: object.metadata };
  }
}
