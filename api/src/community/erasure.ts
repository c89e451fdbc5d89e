import type { Tx } from '../db/tenancy.js';
import { photoKeys } from './community.service.js';

/**
 * Erasure: the pseudonym becomes "Former driver …", follows end; with `remove`, check-ins, tips
 * and photos are hidden and their words wiped. Returns the photo objects to delete from the store
 * once the transaction has committed.
 */
export async function forgetDriverContributions(tx: Tx, driverId: string, contributions: 'keep' | 'remove'): Promise<string[]> {
  await tx
    .updateTable('community_profiles')
    .set({ pseudonym: `Former driver ${driverId.slice(-6).toUpperCase()}`, vehicle_model: null })
    .where('driver_id', '=', driverId)
    .execute();
  await tx.deleteFrom('community_follows').where('driver_id', '=', driverId).execute();
  if (contributions === 'keep') return [];
  await tx.updateTable('community_checkins').set({ status: 'HIDDEN', comment: null, vehicle_model: null }).where('driver_id', '=', driverId).execute();
  await tx.updateTable('community_posts').set({ status: 'HIDDEN', body: '' }).where('driver_id', '=', driverId).execute();
  const photos = await tx
    .updateTable('community_photos')
    .set({ status: 'HIDDEN', caption: null })
    .where('driver_id', '=', driverId)
    .returning(['tenant_id', 'id'])
    .execute();
  return photos.flatMap((p) => Object.values(photoKeys(p.tenant_id, p.id)));
}
