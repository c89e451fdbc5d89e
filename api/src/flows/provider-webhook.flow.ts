import type { PaymentsService, WebhookResult } from '../payments/payments.service.js';
import type { ReservationFeesService } from '../payments/reservation-fees.service.js';

/**
 * An event from the payment provider: payments records it once (a replay stops there) and
 * moves a session's payment or a wallet top-up on; a reservation fee the provider says was
 * captured is settled by the reservation fees, the step a crashed fee charge never reached.
 */
export class ProviderWebhookFlow {
  constructor(
    private readonly payments: PaymentsService,
    private readonly fees: ReservationFeesService,
  ) {}

  handle(rawBody: Buffer, signature: string | undefined): Promise<WebhookResult> {
    return this.payments.handleWebhook(rawBody, signature, (tenantId, feeId, intentId) =>
      this.fees.settle(tenantId, feeId, { status: 'paid', provider: this.payments.provider.name, intent_id: intentId }),
    );
  }
}
