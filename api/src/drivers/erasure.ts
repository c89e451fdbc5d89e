import type { Tx } from '../db/tenancy.js';

/** Erasure: the app settings (car, battery, connector) are dropped. */
export async function forgetDriverSettings(tx: Tx, driverId: string): Promise<void> {
  await tx
    .updateTable('drivers')
    .set({ preferences: JSON.stringify({}) })
    .where('user_id', '=', driverId)
    .execute();
}
