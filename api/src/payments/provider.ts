/**
 * What the platform asks of a payment provider. Stripe implements it with the real SDK; the
 * sandbox runs the same state machine in process so the embedded demo works without keys.
 * Amounts are minor units; every mutating call carries an idempotency key, so a retry after a
 * crash gets the first answer instead of charging twice.
 */
export interface Authorization {
  intent_id: string;
  status: 'authorized' | 'succeeded' | 'requires_action' | 'failed';
  /** Why it failed, e.g. `card_declined`. */
  failure_code?: string;
}

export interface ProviderEvent {
  id: string;
  type: 'intent.authorized' | 'intent.captured' | 'intent.canceled' | 'intent.failed' | 'refund.succeeded' | 'ignored';
  intent_id?: string;
  amount?: number;
  metadata?: Record<string, string>;
}

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface PaymentProvider {
  readonly name: 'stripe' | 'sandbox';
  createCustomer(driver: { id: string; email: string; name: string }, idempotencyKey: string): Promise<string>;
  /** Erasure: the provider forgets the person (their saved cards with them). A customer already gone counts as done. */
  deleteCustomer(customerId: string): Promise<void>;
  /** A client secret the driver's browser uses with Stripe Elements to save a card or wallet. */
  createSetupIntent(customerId: string): Promise<{ client_secret: string }>;
  attachPaymentMethod(customerId: string, paymentMethodId: string): Promise<void>;
  authorize(request: {
    amount: number;
    currency: string;
    /** Absent for a guest paying at the charger (ad hoc), who is present to authenticate. */
    customer_id?: string;
    payment_method: string;
    idempotency_key: string;
    metadata: Record<string, string>;
    /** Stripe Connect: the network's connected account and the platform's fee. */
    destination?: { account: string; application_fee: number };
  }): Promise<Authorization>;
  /** Charges at once (a wallet top-up): succeeded or failed, nothing held. */
  chargeNow(request: {
    amount: number;
    currency: string;
    customer_id: string;
    payment_method: string;
    idempotency_key: string;
    metadata: Record<string, string>;
  }): Promise<Authorization>;
  /** Captures `amount` (≤ the authorised amount); the rest is released. */
  capture(intentId: string, amount: number, idempotencyKey: string): Promise<void>;
  cancel(intentId: string, idempotencyKey: string): Promise<void>;
  refund(intentId: string, amount: number, idempotencyKey: string): Promise<{ refund_id: string }>;
  /** Verifies a webhook's signature and translates the event; throws on a bad signature. */
  parseWebhook(rawBody: Buffer, signature: string | undefined): ProviderEvent;
}
