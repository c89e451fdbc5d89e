import type { Tx } from '../db/tenancy.js';

/** Erasure: the person leaves every line they are in. */
export async function leaveAllLines(tx: Tx, driverId: string): Promise<void> {
  await tx.updateTable('queue_entries').set({ status: 'LEFT' }).where('driver_id', '=', driverId).where('status', 'in', ['WAITING', 'OFFERED']).execute();
}
