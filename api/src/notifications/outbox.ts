import type { Tx } from '../db/tenancy.js';
import { scheduleJob } from '../jobs/job-runner.js';
import type { DriverEvent, DriverEventType } from '../realtime/events.js';
import { newId } from '../shared/ids.js';
import { enqueueWebhookDeliveries, webhookEvent } from '../webhooks/webhook-outbox.js';

/** Which driver events also go out as an email or a push message. */
const NOTIFY: Partial<Record<DriverEventType, 'email' | 'push'>> = {
  'reservation.created': 'email',
  'reservation.started': 'push',
  'reservation.cancelled': 'email',
  'reservation.no_show': 'email',
  'reservation.fee_failed': 'email',
  'reservation.evse_out_of_order': 'push',
  'queue.offer': 'push',
  'queue.offer_expired': 'push',
  'guidance.nudge': 'push',
  'support.reply': 'email',
  'community.new_tip': 'push',
  'community.answer': 'push',
  'community.station_free': 'push',
  'community.fault_fixed': 'push',
};

/**
 * The transactional outbox: an event's webhook deliveries and driver notification are written
 * in the same transaction as the change itself, with jobs to send them, so a committed change
 * is always announced and a rolled-back one never is. The returned event goes on the bus
 * (socket.io) after commit.
 */
export async function recordDriverEvent(
  tx: Tx,
  tenantId: string,
  type: DriverEventType,
  driverId: string,
  data: Record<string, unknown>,
  at = new Date(),
): Promise<DriverEvent> {
  const event: DriverEvent = { type, id: newId('evt'), audience: { tenant_id: tenantId, driver_id: driverId }, payload: data };
  await enqueueWebhookDeliveries(tx, tenantId, webhookEvent(tenantId, type, data, at, event.id));
  const channel = NOTIFY[type];
  if (channel) {
    const id = newId('ntf');
    await tx
      .insertInto('notification_outbox')
      .values({ tenant_id: tenantId, id, driver_id: driverId, channel, template: type, data: JSON.stringify(data) })
      .execute();
    await scheduleJob(tx, { kind: 'notification.send', key: `notification.send:${id}`, tenantId, payload: { notification_id: id } });
  }
  return event;
}
