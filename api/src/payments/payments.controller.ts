import { Body, Controller, Get, Header, Path, Post, Put, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { visibleSession } from '../charging/charging.controller.js';
import type { ProblemDocument } from '../http/problem.js';
import { problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ResourceId, ShortText } from '../shared/validation.js';
import type { Payment, PaymentMethodRequest, Refund, RefundRequest, SetupIntentResult, TopUpRequest, WalletPreference } from './payments.model.js';
import { sendReceipt } from './receipt-response.js';
import type { TopUp, Wallet } from './wallet.service.js';

/** What this controller uses of the platform's services. */
type PaymentsPorts = Pick<Services, 'charging' | 'payments' | 'sustainability'>;

export interface PayingWith {
  /** `sandbox` in demo and test mode (test cards only), `stripe` otherwise. */
  provider: string;
  /** The saved method sessions are charged to; null until one is saved. */
  payment_method_id: string | null;
  /** Sessions are paid from the wallet first. */
  pays_from_wallet: boolean;
}

@Route('v1')
@Tags('Payments')
export class PaymentsController extends Controller {
  constructor(private readonly services: PaymentsPorts) {
    super();
  }

  /** Starts saving a card or wallet: the browser completes it with Stripe Elements (no card data reaches us). */
  @Post('me/payment-methods/setup-intent')
  @Security('bearer', ['driver'])
  async setupIntent(@Request() req: ExpressRequest): Promise<SetupIntentResult> {
    return this.services.payments.setupIntent(userOf(principalOf(req)));
  }

  /** How your sessions are paid: the saved payment method, if any, and whether the wallet pays first. */
  @Get('me/payment-method')
  @Security('bearer', ['driver'])
  async paymentMethod(@Request() req: ExpressRequest): Promise<PayingWith> {
    return { provider: this.services.payments.provider.name, ...(await this.services.payments.payingWith(userOf(principalOf(req)))) };
  }

  /** The payment method your sessions are charged to (created in the browser). */
  @Put('me/payment-method')
  @Security('bearer', ['driver'])
  @SuccessResponse(204, 'Saved')
  async savePaymentMethod(@Request() req: ExpressRequest, @Body() body: PaymentMethodRequest): Promise<void> {
    await this.services.payments.savePaymentMethod(userOf(principalOf(req)), body.payment_method_id);
    this.setStatus(204);
  }

  /** Your prepaid wallet: its balance (the sum of its ledger entries) and latest movements. */
  @Get('me/wallet')
  @Security('bearer', ['driver'])
  async wallet(@Request() req: ExpressRequest): Promise<Wallet> {
    return this.services.payments.wallets.wallet(userOf(principalOf(req)));
  }

  @Put('me/wallet')
  @Security('bearer', ['driver'])
  async walletPreference(@Request() req: ExpressRequest, @Body() body: WalletPreference): Promise<Wallet> {
    return this.services.payments.wallets.setPreference(userOf(principalOf(req)), body.pay_sessions_from_wallet);
  }

  /** Adds money to your wallet from your saved payment method. Retry with the same Idempotency-Key. */
  @Post('me/wallet/top-ups')
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Charged')
  @Response<ProblemDocument>(409, 'No payment method saved')
  async topUp(@Request() req: ExpressRequest, @Body() body: TopUpRequest): Promise<TopUp> {
    const topUp = await this.services.payments.topUp(userOf(principalOf(req)), body.amount);
    this.setStatus(201);
    return topUp;
  }

  /** A session's payment: the hold, what was captured and refunded, and why it failed. */
  @Get('sessions/{session_id}/payment')
  @Security('bearer')
  async payment(@Request() req: ExpressRequest, @Path() session_id: ResourceId): Promise<Payment> {
    const session = await visibleSession(this.services, req, session_id);
    return this.services.payments.payment(session.network_id, session.id);
  }

  /** Tries a failed capture again (after the driver fixed their card, say). */
  @Post('sessions/{session_id}/payment/retry')
  @Security('bearer')
  @Response<ProblemDocument>(409, 'Not a failed payment')
  async retry(@Request() req: ExpressRequest, @Path() session_id: ResourceId): Promise<Payment> {
    const session = await visibleSession(this.services, req, session_id);
    return this.services.payments.retry(session.network_id, session.id);
  }

  /** Refunds all or part of a captured payment. Staff members only; recorded with who and why. */
  @Post('sessions/{session_id}/refunds')
  @Security('bearer', ['network:write'])
  @SuccessResponse(201, 'Refunded')
  @Response<ProblemDocument>(409, 'Nothing captured to refund')
  async refund(
    @Request() req: ExpressRequest,
    @Path() session_id: ResourceId,
    @Body() body: RefundRequest,
    @Header('Idempotency-Key') idempotencyKey?: ShortText,
  ): Promise<Refund> {
    const principal = principalOf(req);
    if (!principal.userId || principal.isDriver) throw problems.forbidden('Refunds are issued by a signed-in staff member.');
    const session = await visibleSession(this.services, req, session_id);
    const refund = await this.services.payments.refund(session.network_id, session.id, principal.userId, body, idempotencyKey);
    this.setStatus(201);
    return refund;
  }

  /**
   * The receipt with the cost breakdown and VAT: HTML, or PDF with `Accept: application/pdf`; in
   * the language of `lang` or Accept-Language (en, de, fr, es, nl, it, zh; a Chinese PDF is in English).
   */
  @Get('sessions/{session_id}/receipt')
  @Security('bearer')
  @Response<ProblemDocument>(409, 'Not priced yet')
  async receipt(@Request() req: ExpressRequest, @Path() session_id: ResourceId, @Query() lang?: ShortText): Promise<void> {
    const session = await visibleSession(this.services, req, session_id);
    if (session.status !== 'COMPLETED' || !session.cost_breakdown)
      throw problems.conflict('A receipt exists once the session has ended and was priced.', 'receipt-not-ready');
    const carbon = await this.services.sustainability.sessionCarbon(session.network_id, session.id);
    await sendReceipt(req, await this.services.payments.receiptData({ ...session, carbon }), lang);
  }
}
