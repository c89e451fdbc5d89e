import type { Tx } from '../db/tenancy.js';

/** Erasure: messages not yet sent to the person are dropped. */
export async function dropPendingNotifications(tx: Tx, driverId: string): Promise<void> {
  await tx.deleteFrom('notification_outbox').where('driver_id', '=', driverId).where('status', '=', 'PENDING').execute();
}
