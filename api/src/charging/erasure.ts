import type { Tx } from '../db/tenancy.js';

/** Erasure: the person's cards are forgotten (a card shown later is unknown), and their sessions no longer name the card. */
export async function forgetDriverCards(tx: Tx, driverId: string): Promise<void> {
  await tx.deleteFrom('id_tags').where('driver_id', '=', driverId).execute();
  await tx.updateTable('charging_sessions').set({ id_tag: 'erased' }).where('driver_id', '=', driverId).execute();
}
