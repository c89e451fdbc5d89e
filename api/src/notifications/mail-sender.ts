import { contactOf } from '../auth/accounts.js';
import type { Scopes } from '../db/tenancy.js';
import type { Mailer } from '../mail/mailer.js';
import { MAIL_TEMPLATES, type MailTemplate, sendTemplated } from '../mail/templates.js';
import { formatMinor } from '../shared/money.js';
import type { NotificationSender, OutgoingNotification } from './sender.js';

const isMailTemplate = (t: string): t is MailTemplate => (MAIL_TEMPLATES as readonly string[]).includes(t);

/** A booking's times as its reader writes them, in the station's time zone ("Mon 7 Dec, 18:00–19:00"). */
export function bookingWindow(start: Date, end: Date, locale: string, timeZone: string): string {
  const format = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone });
  return format.formatRange(start, end);
}

/**
 * Drivers' email notifications, written in the driver's language with the station's name and
 * local times, sent through the mailer; push messages go to `push`.
 */
export class MailNotificationSender implements NotificationSender {
  constructor(
    private readonly scopes: Scopes,
    private readonly mailer: Mailer,
    private readonly push: NotificationSender,
  ) {}

  async send(n: OutgoingNotification): Promise<void> {
    if (n.channel !== 'email' || !isMailTemplate(n.template)) return this.push.send(n);
    const contact = await this.scopes.system((tx) => contactOf(tx, n.driverId));
    // A deleted or disabled account gets nothing; the outbox row is done.
    if (!contact) return;
    const data = n.data as Record<string, unknown>;
    const values: Record<string, string> = { name: contact.name };
    if (typeof data.location_id === 'string' || typeof data.reservation_id === 'string') {
      const station = await this.station(n.tenantId, data);
      if (station) {
        values.station = station.name;
        if (typeof data.start === 'string' && typeof data.end === 'string')
          values.when = bookingWindow(new Date(data.start), new Date(data.end), contact.locale, station.time_zone);
      }
    }
    if (typeof data.amount === 'number' && typeof data.currency === 'string') values.amount = formatMinor(data.amount, data.currency, contact.locale);
    if (data.number !== undefined) values.number = String(data.number);
    if (typeof data.subject === 'string') values.subject = data.subject;
    await sendTemplated(this.mailer, contact, n.template, values);
  }

  private async station(tenantId: string, data: Record<string, unknown>): Promise<{ name: string; time_zone: string } | undefined> {
    return this.scopes.tenant(tenantId, async (tx) => {
      let locationId = typeof data.location_id === 'string' ? data.location_id : undefined;
      if (!locationId && typeof data.reservation_id === 'string') {
        const booking = await tx
          .selectFrom('reservations')
          .select('location_id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', data.reservation_id)
          .executeTakeFirst();
        locationId = booking?.location_id;
      }
      if (!locationId) return undefined;
      return tx.selectFrom('locations').select(['name', 'time_zone']).where('tenant_id', '=', tenantId).where('id', '=', locationId).executeTakeFirst();
    });
  }
}
