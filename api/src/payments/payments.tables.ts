import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/column-types.js';

// The tables the payments module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export type PaymentStatus = 'pending' | 'authorized' | 'requires_action' | 'captured' | 'released' | 'failed' | 'payment_failed';

export interface PaymentCustomersTable {
  driver_id: string;
  provider: string;
  customer_id: string;
  default_payment_method: string | null;
  created_at: CreatedAt;
}

export interface PaymentsTable {
  tenant_id: string;
  id: string;
  session_id: string;
  driver_id: string | null;
  provider: string;
  intent_id: string | null;
  status: PaymentStatus;
  currency: string;
  hold_amount: ColumnType<number, number, number>;
  captured_amount: ColumnType<number, number | undefined, number>;
  refunded_amount: ColumnType<number, number | undefined, number>;
  failure_code: string | null;
  capture_attempts: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RefundsTable {
  tenant_id: string;
  id: string;
  payment_id: string;
  amount: ColumnType<number, number, number>;
  reason: string | null;
  provider_refund_id: string | null;
  requested_by: string;
  created_at: CreatedAt;
}

export interface PaymentEventsTable {
  provider: string;
  event_id: string;
  type: string;
  received_at: CreatedAt;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  transaction_id: string;
  account: string;
  currency: string;
  amount: ColumnType<number, number, never>;
  kind: string;
  reference: string | null;
  created_at: CreatedAt;
}

export interface WalletsTable {
  driver_id: string;
  currency: string;
  pay_sessions_from_wallet: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface WalletTopUpsTable {
  id: string;
  driver_id: string;
  amount: ColumnType<number, number, never>;
  currency: string;
  provider: string;
  intent_id: string | null;
  status: 'pending' | 'succeeded' | 'failed';
  failure_code: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AdHocChargesTable {
  tenant_id: string;
  id: string;
  evse_uid: string;
  id_tag: string;
  provider: string;
  intent_id: string | null;
  hold_amount: ColumnType<number, number, never>;
  currency: string;
  email: string | null;
  token_hash: string;
  status: 'starting' | 'charging' | 'failed';
  failure_code: string | null;
  session_id: string | null;
  created_at: CreatedAt;
}

export interface ReservationFeesTable {
  tenant_id: string;
  id: string;
  reservation_id: string;
  driver_id: string;
  kind: 'booking' | 'no_show';
  amount: ColumnType<number, number, never>;
  currency: string;
  provider: string | null;
  intent_id: string | null;
  status: 'pending' | 'paid' | 'failed';
  failure_code: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** The sandbox payment provider's own state (not a tenant's: it stands in for the provider's side). */
export interface SandboxPaymentIntentsTable {
  id: string;
  amount: number;
  status: 'requires_capture' | 'succeeded' | 'canceled';
  captured: Generated<number>;
  refunded: Generated<number>;
  created_at: Generated<Date>;
}

export interface SandboxRepliesTable {
  key: string;
  reply: unknown;
  created_at: Generated<Date>;
}
