import type { Logger } from 'pino';
import type { Scopes, Tx } from '../db/tenancy.js';
import { problems } from '../http/problem.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import { newId } from '../shared/ids.js';
import type { PaymentsService } from './payments.service.js';
import { ProviderError } from './provider.js';

/** A booking or no-show fee and whether it was paid. */
export interface ReservationFee {
  id: string;
  reservation_id: string;
  kind: 'booking' | 'no_show';
  /** Minor units. */
  amount: number;
  currency: string;
  /** `card` (the driver's saved method), `wallet`, or null while pending. */
  paid_with: 'card' | 'wallet' | null;
  status: 'pending' | 'paid' | 'failed';
  /** Why it failed: `no_payment_method`, `insufficient_funds`, `card_declined`, … */
  failure_code: string | null;
  created_at: Date;
}

interface Outcome {
  status: 'paid' | 'failed';
  provider: string;
  intent_id?: string;
  failure_code?: string;
}

/**
 * Reservation fees: the network's booking fee when a driver books, its no-show fee when the grace
 * period passes unused. A fee is recorded in the reservation's own transaction together with the
 * job that charges it, so a fee is never lost and — one row per reservation and kind, one
 * idempotency key per fee — never charged twice. It is paid from the wallet when the driver pays
 * that way, else from their saved payment method.
 */
export class ReservationFeesService {
  constructor(
    private readonly scopes: Scopes,
    private readonly payments: PaymentsService,
    private readonly logger: Logger,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register('payment.fee', async (p: { fee_id: string }, ctx) => this.charge(ctx.tenantId as string, p.fee_id));
  }

  /** Records a fee and schedules its charge, inside the caller's transaction. */
  async due(
    tx: Tx,
    fee: { tenant_id: string; reservation_id: string; driver_id: string; kind: 'booking' | 'no_show'; amount: number; currency: string },
  ): Promise<void> {
    if (fee.amount <= 0) return;
    const inserted = await tx
      .insertInto('reservation_fees')
      .values({ ...fee, id: newId('fee'), status: 'pending' })
      .onConflict((oc) => oc.columns(['tenant_id', 'reservation_id', 'kind']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      await scheduleJob(tx, {
        kind: 'payment.fee',
        key: `payment.fee:${inserted.id}`,
        tenantId: fee.tenant_id,
        payload: { fee_id: inserted.id },
        maxAttempts: 5,
      });
    }
  }

  /** Charges a pending fee once (a retried job finds it settled, or repeats the same idempotent charge). */
  async charge(tenantId: string, feeId: string): Promise<void> {
    const fee = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('reservation_fees')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', feeId)
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    );
    if (!fee) return;
    const amount = Number(fee.amount);
    let outcome: Outcome;
    if (await this.payments.wallets.paysFromWallet(fee.driver_id)) {
      const paid = await this.payments.wallets.payFee(fee.driver_id, tenantId, fee.id, amount, fee.currency);
      outcome = paid === 'paid' ? { status: 'paid', provider: 'wallet' } : { status: 'failed', provider: 'wallet', failure_code: 'insufficient_funds' };
    } else {
      const customer = await this.payments.customerOf(fee.driver_id);
      const provider = this.payments.provider;
      if (!customer.default_payment_method) outcome = { status: 'failed', provider: provider.name, failure_code: 'no_payment_method' };
      else {
        try {
          const result = await provider.chargeNow({
            amount,
            currency: fee.currency,
            customer_id: customer.customer_id,
            payment_method: customer.default_payment_method,
            idempotency_key: `fee-${fee.id}-${fee.attempts}`,
            metadata: { reservation_fee: fee.id, tenant_id: tenantId, reservation_id: fee.reservation_id },
          });
          outcome =
            result.status === 'succeeded'
              ? { status: 'paid', provider: provider.name, intent_id: result.intent_id }
              : { status: 'failed', provider: provider.name, intent_id: result.intent_id || undefined, failure_code: result.failure_code ?? result.status };
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          outcome = { status: 'failed', provider: provider.name, failure_code: error.code };
        }
      }
    }
    await this.settle(tenantId, fee.id, outcome);
    if (outcome.status === 'failed') this.logger.warn({ fee_id: fee.id, failure_code: outcome.failure_code }, 'reservation fee not paid');
  }

  /** Charges a failed fee again now (after the driver saved a card or topped up), as a new attempt. */
  async retry(tenantId: string, reservationId: string, feeId: string): Promise<ReservationFee> {
    const reopened = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('reservation_fees')
        .set((eb) => ({ status: 'pending', failure_code: null, attempts: eb('attempts', '+', 1), updated_at: new Date() }))
        .where('tenant_id', '=', tenantId)
        .where('reservation_id', '=', reservationId)
        .where('id', '=', feeId)
        .where('status', '=', 'failed')
        .returning('id')
        .executeTakeFirst(),
    );
    if (!reopened) {
      const exists = (await this.list(tenantId, reservationId)).find((f) => f.id === feeId);
      if (!exists) throw problems.notFound('fee', feeId);
      throw problems.conflict(`This fee is ${exists.status}; only a failed fee is charged again.`, 'fee-not-failed');
    }
    await this.charge(tenantId, feeId);
    return (await this.list(tenantId, reservationId)).find((f) => f.id === feeId) as ReservationFee;
  }

  /** Settles a pending fee — from the charge, or from the provider's webhook after a crash. */
  async settle(tenantId: string, feeId: string, outcome: Outcome): Promise<void> {
    await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('reservation_fees')
        .set({
          status: outcome.status,
          provider: outcome.provider,
          intent_id: outcome.intent_id ?? null,
          failure_code: outcome.failure_code ?? null,
          updated_at: new Date(),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', feeId)
        .where('status', '=', 'pending')
        .execute(),
    );
  }

  async list(tenantId: string, reservationId: string): Promise<ReservationFee[]> {
    const rows = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('reservation_fees')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('reservation_id', '=', reservationId)
        .orderBy('created_at')
        .execute(),
    );
    return rows.map((r) => ({
      id: r.id,
      reservation_id: r.reservation_id,
      kind: r.kind,
      amount: Number(r.amount),
      currency: r.currency,
      paid_with: r.status !== 'paid' ? null : r.provider === 'wallet' ? 'wallet' : 'card',
      status: r.status,
      failure_code: r.failure_code,
      created_at: r.created_at,
    }));
  }
}
