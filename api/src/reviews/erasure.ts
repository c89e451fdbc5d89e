import type { Tx } from '../db/tenancy.js';

/** Erasure: reviews stay under "former driver" (the account no longer has a name), or are removed — hidden, their words wiped. */
export async function forgetDriverReviews(tx: Tx, driverId: string, contributions: 'keep' | 'remove'): Promise<void> {
  if (contributions === 'keep') return;
  await tx.updateTable('reviews').set({ status: 'HIDDEN', comment: null }).where('driver_id', '=', driverId).execute();
  await tx
    .updateTable('review_edits')
    .set({ comment: null })
    .where('review_id', 'in', (eb) => eb.selectFrom('reviews').select('id').where('driver_id', '=', driverId))
    .execute();
}
