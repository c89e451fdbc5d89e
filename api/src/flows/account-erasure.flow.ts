import type { Logger } from 'pino';
import { anonymiseAccount } from '../auth/accounts.js';
import { forgetDriverCards } from '../charging/erasure.js';
import { forgetDriverContributions } from '../community/erasure.js';
import type { PhotoStore } from '../community/photo-store.js';
import type { Scopes } from '../db/tenancy.js';
import { forgetDriverSettings } from '../drivers/erasure.js';
import { dropPendingNotifications } from '../notifications/erasure.js';
import type { PaymentsService } from '../payments/payments.service.js';
import { withdrawAllConsents } from '../privacy/consents.service.js';
import type { DataExportsService } from '../privacy/exports.service.js';
import { leaveAllLines } from '../queue/erasure.js';
import { cancelFutureBookings } from '../reservations/erasure.js';
import { forgetDriverReviews } from '../reviews/erasure.js';

/**
 * Erasing an account (GDPR Art. 17), each module forgetting what it holds, in one transaction:
 * the account loses its address, name and password (sessions, payments and invoices stay for the
 * legal retention period, pointing at an account that no longer says who it was); cards, logins,
 * links, settings, follows, lines, future bookings and unsent messages go; consents are withdrawn
 * on the record; contributions stay as "former driver" or are removed, as the person chose. The
 * payment provider forgets the customer first (safe to repeat), photo files and export archives
 * after the commit.
 */
export class AccountErasureFlow {
  constructor(
    private readonly scopes: Scopes,
    private readonly payments: Pick<PaymentsService, 'forgetCustomer'>,
    private readonly exports: Pick<DataExportsService, 'forget'>,
    private readonly photos: PhotoStore,
    private readonly logger: Logger,
  ) {}

  async erase(userId: string, contributions: 'keep' | 'remove', now = new Date()): Promise<void> {
    await this.payments.forgetCustomer(userId);
    const photoObjects = await this.scopes.system(async (tx) => {
      await anonymiseAccount(tx, userId, now);
      await forgetDriverCards(tx, userId);
      await cancelFutureBookings(tx, userId, now);
      await leaveAllLines(tx, userId);
      await forgetDriverReviews(tx, userId, contributions);
      const objects = await forgetDriverContributions(tx, userId, contributions);
      await forgetDriverSettings(tx, userId);
      await dropPendingNotifications(tx, userId);
      await withdrawAllConsents(tx, userId);
      return objects;
    });
    await this.exports.forget(userId);
    for (const key of photoObjects) {
      // A photo file left behind is hidden already; the error is logged for a later sweep.
      await this.photos.delete(key).catch((error: unknown) => this.logger.warn({ err: error }, 'erased photo not deleted from the store'));
    }
  }
}
