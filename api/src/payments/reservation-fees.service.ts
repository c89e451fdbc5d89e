import type { Logger } from 'pino';
import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import { recordDriverEvent } from '../notifications/outbox.js';
import type { DriverEvent, EventBus } from '../realtime/events.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { OutrightCharge, PaymentsService } from './payments.service.js';

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

/**
 * Dunning: a fee that could not be charged is tried again a day, three days and a week after each
 * failure, with whatever the driver pays with by then (a card saved meanwhile, a topped-up
 * wallet). Each failure tells the driver (email) and the network (webhook); after the third
 * automatic try the fee stays failed until the driver pays it (`…/retry`).
 */
const DUNNING_DELAYS_DAYS = [1, 3, 7];
const DAY = 86_400_000;

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
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register('payment.fee', async (p: { fee_id: string }, ctx) => this.charge(ctx.tenantId as string, p.fee_id, ctx.now));
    // An automatic retry; a retry the driver made since (or a payment) has moved the fee on.
    jobs.register('payment.fee.retry', async (p: { fee_id: string; attempts: number }, ctx) => {
      const tenantId = ctx.tenantId as string;
      if (await this.reopen(tenantId, p.fee_id, { attempts: p.attempts })) await this.charge(tenantId, p.fee_id, ctx.now);
    });
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
  async charge(tenantId: string, feeId: string, now = new Date()): Promise<void> {
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
    const outcome = await this.payments.chargeOutright(fee.driver_id, {
      amount,
      currency: fee.currency,
      idempotencyKey: `fee-${fee.id}-${fee.attempts}`,
      metadata: { reservation_fee: fee.id, tenant_id: tenantId, reservation_id: fee.reservation_id },
      payFromWallet: () => this.payments.wallets.payFee(fee.driver_id, tenantId, fee.id, amount, fee.currency),
    });
    await this.settle(tenantId, fee.id, outcome, now);
    if (outcome.status === 'failed') this.logger.warn({ fee_id: fee.id, failure_code: outcome.failure_code }, 'reservation fee not paid');
  }

  /** Charges a failed fee again now (after the driver saved a card or topped up), as a new attempt. */
  async retry(tenantId: string, reservationId: string, feeId: string): Promise<ReservationFee> {
    const feeOf = async () => (await this.list(tenantId, reservationId)).find((f) => f.id === feeId);
    if (!(await this.reopen(tenantId, feeId, { reservationId }))) {
      const current = await feeOf();
      if (!current) throw fail.notFound('fee', feeId);
      throw fail.conflict(`This fee is ${current.status}; only a failed fee is charged again.`, 'fee-not-failed');
    }
    await this.charge(tenantId, feeId);
    return (await feeOf()) as ReservationFee;
  }

  /** Makes a failed fee pending again as a new attempt (only the reservation's, or only if still at `attempts`, when given). */
  private async reopen(tenantId: string, feeId: string, only: { reservationId?: string; attempts?: number }): Promise<boolean> {
    const { reservationId, attempts } = only;
    const reopened = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('reservation_fees')
        .set((eb) => ({ status: 'pending', failure_code: null, attempts: eb('attempts', '+', 1), updated_at: new Date() }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', feeId)
        .where('status', '=', 'failed')
        .$if(reservationId !== undefined, (q) => q.where('reservation_id', '=', reservationId as string))
        .$if(attempts !== undefined, (q) => q.where('attempts', '=', attempts as number))
        .returning('id')
        .executeTakeFirst(),
    );
    return reopened !== undefined;
  }

  /**
   * Settles a pending fee — from the charge, or from the provider's webhook after a crash. A
   * failure schedules the next automatic try and tells the driver and the network, in the same
   * transaction.
   */
  async settle(tenantId: string, feeId: string, outcome: OutrightCharge, now = new Date()): Promise<void> {
    const event = await this.scopes.tenant(tenantId, async (tx) => {
      const settled = await tx
        .updateTable('reservation_fees')
        .set({
          status: outcome.status,
          provider: outcome.provider,
          intent_id: outcome.intent_id ?? null,
          failure_code: outcome.failure_code ?? null,
          updated_at: now,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', feeId)
        .where('status', '=', 'pending')
        .returning(['driver_id', 'reservation_id', 'kind', 'amount', 'currency', 'attempts'])
        .executeTakeFirst();
      if (!settled || outcome.status !== 'failed') return undefined;
      return this.dun(tx, tenantId, feeId, settled, outcome.failure_code ?? null, now);
    });
    if (event) this.bus.publish(event);
  }

  private async dun(
    tx: Tx,
    tenantId: string,
    feeId: string,
    fee: { driver_id: string; reservation_id: string; kind: string; amount: number | string; currency: string; attempts: number },
    failureCode: string | null,
    now: Date,
  ): Promise<DriverEvent> {
    const delayDays = DUNNING_DELAYS_DAYS[fee.attempts];
    const nextTry = delayDays === undefined ? null : new Date(now.getTime() + delayDays * DAY);
    if (nextTry) {
      await scheduleJob(tx, {
        kind: 'payment.fee.retry',
        key: `payment.fee.retry:${feeId}:${fee.attempts}`,
        tenantId,
        runAt: nextTry,
        payload: { fee_id: feeId, attempts: fee.attempts },
        maxAttempts: 5,
      });
    }
    return recordDriverEvent(
      tx,
      tenantId,
      'reservation.fee_failed',
      fee.driver_id,
      {
        reservation_id: fee.reservation_id,
        fee_id: feeId,
        kind: fee.kind,
        amount: Number(fee.amount),
        currency: fee.currency,
        failure_code: failureCode,
        attempt: fee.attempts + 1,
        next_retry_at: nextTry?.toISOString() ?? null,
      },
      now,
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
