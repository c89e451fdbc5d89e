import type { PaymentStatus } from '../db/schema.js';

/** A session's payment as drivers and staff see it; `paid` once captured in full. */
export type SessionPaymentStatus =
  | 'not_required'
  | 'pending'
  | 'authorized'
  | 'requires_action'
  | 'paid'
  | 'released'
  | 'failed'
  | 'payment_failed'
  | 'refunded'
  | 'partially_refunded';

export interface Payment {
  id: string;
  session_id: string;
  provider: string;
  /** The provider's PaymentIntent (Stripe `pi_…`). */
  intent_id: string | null;
  status: PaymentStatus;
  payment_status: SessionPaymentStatus;
  currency: string;
  hold_amount: number;
  captured_amount: number;
  refunded_amount: number;
  failure_code: string | null;
  updated_at: Date;
}

export interface SetupIntentResult {
  provider: string;
  /** For Stripe Elements in the driver's browser (the card never touches our servers). */
  client_secret: string;
}

export interface PaymentMethodRequest {
  /**
   * A payment method id from the provider (Stripe `pm_…`), created in the browser.
   * @pattern ^[A-Za-z0-9_]{3,255}$
   * @maxLength 255
   */
  payment_method_id: string;
}

export interface RefundRequest {
  /**
   * Minor units; the whole captured amount not yet refunded when absent.
   * @isInt
   * @minimum 1
   * @maximum 10000000
   */
  amount?: number;
  /** @maxLength 500 */
  reason?: string;
}

export interface Refund {
  id: string;
  payment_id: string;
  amount: number;
  reason: string | null;
  requested_by: string;
  created_at: Date;
}

export interface TopUpRequest {
  /**
   * Minor units of the wallet's currency.
   * @isInt
   * @minimum 500
   * @maximum 50000
   */
  amount: number;
}

export interface WalletPreference {
  /** Pay sessions from the wallet's balance instead of the saved card. */
  pay_sessions_from_wallet: boolean;
}
