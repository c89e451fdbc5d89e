import type { Logger } from 'pino';
import type { Scopes, Tx } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { PaymentProvider } from './provider.js';

export interface WalletEntry {
  amount: number;
  kind: string;
  reference: string | null;
  created_at: Date;
}

export interface Wallet {
  currency: string;
  /** The sum of the wallet's ledger entries, minor units. */
  balance: number;
  pay_sessions_from_wallet: boolean;
  recent: WalletEntry[];
}

export interface TopUp {
  id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  failure_code: string | null;
}

const walletAccount = (driverId: string) => `wallet:${driverId}`;
const networkAccount = (tenantId: string) => `network:${tenantId}`;
const clearingAccount = (provider: string) => `provider:${provider}`;

interface Posting {
  kind: string;
  reference: string;
  currency: string;
  legs: { account: string; amount: number }[];
}

/**
 * Prepaid wallets. Money moves only as balanced ledger transactions (the database refuses one
 * that does not sum to zero); a balance is the sum of its account's entries, read under a lock on
 * the wallet so concurrent payments cannot both spend the same money.
 */
export class WalletsService {
  constructor(
    private readonly scopes: Scopes,
    private readonly provider: PaymentProvider,
    private readonly logger: Logger,
  ) {}

  /** Posts once per (kind, reference): a replay finds it posted and changes nothing. */
  private async post(tx: Tx, posting: Posting): Promise<boolean> {
    const transactionId = newId('ltx');
    const rows = posting.legs.map((leg) => ({
      transaction_id: transactionId,
      account: leg.account,
      currency: posting.currency,
      amount: leg.amount,
      kind: posting.kind,
      reference: posting.reference,
    }));
    const inserted = await tx
      .insertInto('ledger_entries')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    if (inserted.length !== 0 && inserted.length !== rows.length) throw new Error(`partial posting of ${posting.kind} ${posting.reference}`);
    return inserted.length === rows.length;
  }

  private async balanceOf(tx: Tx, driverId: string, currency: string): Promise<number> {
    const row = await tx
      .selectFrom('ledger_entries')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('amount'), eb.val('0')).as('balance'))
      .where('account', '=', walletAccount(driverId))
      .where('currency', '=', currency)
      .executeTakeFirstOrThrow();
    return Number(row.balance);
  }

  private async open(tx: Tx, driverId: string, currency = 'EUR'): Promise<{ currency: string; pay_sessions_from_wallet: boolean }> {
    await tx
      .insertInto('wallets')
      .values({ driver_id: driverId, currency })
      .onConflict((oc) => oc.column('driver_id').doNothing())
      .execute();
    return tx.selectFrom('wallets').select(['currency', 'pay_sessions_from_wallet']).where('driver_id', '=', driverId).forUpdate().executeTakeFirstOrThrow();
  }

  async wallet(driverId: string): Promise<Wallet> {
    return this.scopes.system(async (tx) => {
      const wallet = await this.open(tx, driverId);
      const recent = await tx
        .selectFrom('ledger_entries')
        .select(['amount', 'kind', 'reference', 'created_at'])
        .where('account', '=', walletAccount(driverId))
        .orderBy('id', 'desc')
        .limit(20)
        .execute();
      return { ...wallet, balance: await this.balanceOf(tx, driverId, wallet.currency), recent: recent.map((e) => ({ ...e, amount: Number(e.amount) })) };
    });
  }

  async setPreference(driverId: string, paySessionsFromWallet: boolean): Promise<Wallet> {
    await this.scopes.system(async (tx) => {
      await this.open(tx, driverId);
      await tx.updateTable('wallets').set({ pay_sessions_from_wallet: paySessionsFromWallet }).where('driver_id', '=', driverId).execute();
    });
    return this.wallet(driverId);
  }

  async paysFromWallet(driverId: string): Promise<boolean> {
    const row = await this.scopes.system((tx) =>
      tx.selectFrom('wallets').select('pay_sessions_from_wallet').where('driver_id', '=', driverId).executeTakeFirst(),
    );
    return row?.pay_sessions_from_wallet ?? false;
  }

  /** Charges the driver's saved method and credits the wallet once the provider says it succeeded. */
  async topUp(driverId: string, amount: number, customer: { customer_id: string; default_payment_method: string | null }): Promise<TopUp> {
    if (!customer.default_payment_method) throw fail.conflict('Save a payment method first.', 'no-payment-method');
    const topUp = await this.scopes.system(async (tx) => {
      const wallet = await this.open(tx, driverId);
      return tx
        .insertInto('wallet_top_ups')
        .values({ id: newId('top'), driver_id: driverId, amount, currency: wallet.currency, provider: this.provider.name, status: 'pending' })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    const result = await this.provider.chargeNow({
      amount,
      currency: topUp.currency,
      customer_id: customer.customer_id,
      payment_method: customer.default_payment_method,
      idempotency_key: `top-up-${topUp.id}`,
      metadata: { wallet_top_up: topUp.id, driver_id: driverId },
    });
    if (result.status === 'succeeded') await this.topUpSucceeded(topUp.id, result.intent_id);
    else
      await this.scopes.system((tx) =>
        tx
          .updateTable('wallet_top_ups')
          .set({ status: 'failed', failure_code: result.failure_code ?? result.status, intent_id: result.intent_id || null, updated_at: new Date() })
          .where('id', '=', topUp.id)
          .where('status', '=', 'pending')
          .execute(),
      );
    return this.topUpById(topUp.id);
  }

  /** Credits a top-up once — from the request that made it, or from the provider's webhook after a crash. */
  async topUpSucceeded(topUpId: string, intentId: string): Promise<void> {
    await this.scopes.system(async (tx) => {
      const topUp = await tx.selectFrom('wallet_top_ups').selectAll().where('id', '=', topUpId).forUpdate().executeTakeFirst();
      if (!topUp) return;
      await this.post(tx, {
        kind: 'top_up',
        reference: topUp.id,
        currency: topUp.currency,
        legs: [
          { account: walletAccount(topUp.driver_id), amount: Number(topUp.amount) },
          { account: clearingAccount(topUp.provider), amount: -Number(topUp.amount) },
        ],
      });
      await tx
        .updateTable('wallet_top_ups')
        .set({ status: 'succeeded', intent_id: intentId, failure_code: null, updated_at: new Date() })
        .where('id', '=', topUpId)
        .execute();
    });
  }

  private async topUpById(id: string): Promise<TopUp> {
    const row = await this.scopes.system((tx) => tx.selectFrom('wallet_top_ups').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    return { id: row.id, amount: Number(row.amount), currency: row.currency, status: row.status, failure_code: row.failure_code };
  }

  /** Pays a session from the wallet: all of it or nothing (`insufficient_funds`). */
  paySession(driverId: string, tenantId: string, sessionId: string, amount: number, currency: string): Promise<'paid' | 'insufficient_funds'> {
    return this.payNetwork('session', driverId, tenantId, sessionId, amount, currency);
  }

  /** Pays a reservation's fee (booking or no-show) from the wallet, all or nothing. */
  payFee(driverId: string, tenantId: string, feeId: string, amount: number, currency: string): Promise<'paid' | 'insufficient_funds'> {
    return this.payNetwork('reservation_fee', driverId, tenantId, feeId, amount, currency);
  }

  /** Moves `amount` from the driver's wallet to the network, once per (kind, reference). */
  private payNetwork(
    kind: 'session' | 'reservation_fee',
    driverId: string,
    tenantId: string,
    reference: string,
    amount: number,
    currency: string,
  ): Promise<'paid' | 'insufficient_funds'> {
    return this.scopes.system(async (tx) => {
      await this.open(tx, driverId, currency);
      const already = await tx.selectFrom('ledger_entries').select('id').where('kind', '=', kind).where('reference', '=', reference).executeTakeFirst();
      if (already) return 'paid';
      if ((await this.balanceOf(tx, driverId, currency)) < amount) return 'insufficient_funds';
      await this.post(tx, {
        kind,
        reference,
        currency,
        legs: [
          { account: walletAccount(driverId), amount: -amount },
          { account: networkAccount(tenantId), amount },
        ],
      });
      return 'paid';
    });
  }

  /** Gives a wallet-paid session's money back to the wallet. */
  async refundSession(driverId: string, tenantId: string, refundId: string, amount: number, currency: string): Promise<void> {
    await this.scopes.system(async (tx) => {
      await this.post(tx, {
        kind: 'refund',
        reference: refundId,
        currency,
        legs: [
          { account: walletAccount(driverId), amount },
          { account: networkAccount(tenantId), amount: -amount },
        ],
      });
    });
    this.logger.info({ refund_id: refundId, amount }, 'wallet refund posted');
  }
}
