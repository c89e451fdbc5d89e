import type { Logger } from 'pino';
import type { Scopes } from '../db/tenancy.js';
import type { JobRunner } from '../jobs/job-runner.js';

export interface OutgoingNotification {
  id: string;
  tenantId: string;
  channel: 'email' | 'push';
  template: string;
  driverId: string;
  data: unknown;
}

/** Where email and push messages go: an email/push provider in production, the console here. */
export interface NotificationSender {
  send(notification: OutgoingNotification): Promise<void>;
}

/** Embedded mode's sender: says that a message would go out, without the driver's address or content. */
export class ConsoleSender implements NotificationSender {
  constructor(private readonly logger: Logger) {}
  async send(n: OutgoingNotification): Promise<void> {
    this.logger.info({ notification_id: n.id, channel: n.channel, template: n.template }, 'notification sent (console sender)');
  }
}

/** Drains the outbox one message per job; a message already sent is not sent again. */
export function registerNotificationJobs(jobs: JobRunner, scopes: Scopes, sender: NotificationSender): void {
  jobs.register('notification.send', async (payload: { notification_id: string }, ctx) => {
    if (!ctx.tenantId) throw new Error('notification job without a tenant');
    const tenantId = ctx.tenantId;
    const row = await scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('notification_outbox').selectAll().where('tenant_id', '=', tenantId).where('id', '=', payload.notification_id).executeTakeFirst(),
    );
    if (row?.status !== 'PENDING') return;
    await sender.send({ id: row.id, tenantId, channel: row.channel, template: row.template, driverId: row.driver_id, data: row.data });
    await scopes.tenant(tenantId, (tx) =>
      tx.updateTable('notification_outbox').set({ status: 'SENT', sent_at: new Date() }).where('tenant_id', '=', tenantId).where('id', '=', row.id).execute(),
    );
  });
}
