import type { Tx } from '../db/tenancy.js';

/** Erasure: bookings still to come are cancelled (without fees); past ones stay, as the sessions do. */
export async function cancelFutureBookings(tx: Tx, driverId: string, now: Date): Promise<void> {
  await tx
    .updateTable('reservations')
    .set({ status: 'CANCELLED' })
    .where('driver_id', '=', driverId)
    .where('status', 'in', ['OFFERED', 'CONFIRMED'])
    .where('starts_at', '>', now)
    .execute();
}
