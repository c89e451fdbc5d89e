import { sql } from 'kysely';
import type { Tx } from '../db/tenancy.js';
import type { Audience, DomainEvent } from '../realtime/events.js';
import { nextVersion } from '../realtime/version.js';
import { evseAvailability, RESERVES_EVSE_NOW } from './availability.js';
import { audiences } from './location-events.js';

/**
 * Recomputes what drivers see of these EVSEs inside `tx` (after their status, their charger or
 * their reservations changed), by the one availability rule; writes the ones that changed, with
 * a new version, and returns their `evse.status` events.
 */
export async function recomputeAvailability(tx: Tx, tenantId: string, evseUids: string[]): Promise<DomainEvent[]> {
  if (evseUids.length === 0) return [];
  const rows = await tx
    .selectFrom('evses')
    .leftJoin('charge_points', (join) => join.onRef('charge_points.tenant_id', '=', 'evses.tenant_id').onRef('charge_points.id', '=', 'evses.charge_point_id'))
    .select(['evses.id', 'evses.status', 'evses.availability', 'evses.location_id', 'evses.evse_id', 'evses.charge_point_id', 'charge_points.online'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('reservations')
            .select('reservations.id')
            .whereRef('reservations.tenant_id', '=', 'evses.tenant_id')
            .whereRef('reservations.evse_uid', '=', 'evses.id')
            .where('reservations.status', 'in', RESERVES_EVSE_NOW),
        )
        .as('reserved_now'),
    )
    .where('evses.tenant_id', '=', tenantId)
    .where('evses.id', 'in', evseUids)
    .execute();
  const changes = rows.flatMap((row) => {
    const availability = evseAvailability({
      status: row.status,
      chargePoint: row.charge_point_id === null ? 'none' : row.online ? 'online' : 'offline',
      reservedNow: Boolean(row.reserved_now),
    });
    return availability === row.availability ? [] : [{ row, availability }];
  });
  if (changes.length === 0) return [];
  const values = sql.join(changes.map((c) => sql`(${c.row.id}::text, ${c.availability}::text)`));
  const versions = await sql<{ id: string; version: number; status_updated_at: Date }>`
    update evses e set availability = v.availability, version = ${nextVersion()}
    from (values ${values}) as v (id, availability)
    where e.tenant_id = ${tenantId} and e.id = v.id
    returning e.id, e.version, e.status_updated_at`.execute(tx);
  const byId = new Map(versions.rows.map((v) => [v.id, v]));
  // The history uptime is computed from: one row per change, at the time it took effect here.
  const history = sql.join(changes.map((c) => sql`(${tenantId}, ${c.row.id}, ${c.row.location_id}, ${c.availability}, now())`));
  await sql`insert into evse_availability_changes (tenant_id, evse_uid, location_id, availability, at) values ${history}`.execute(tx);
  const audienceByLocation = await audiences(tx, tenantId, [...new Set(changes.map((c) => c.row.location_id))]);
  return changes.map(({ row, availability }) => {
    const version = byId.get(row.id);
    return {
      type: 'evse.status',
      audience: audienceByLocation.get(row.location_id) as Audience,
      payload: {
        location_id: row.location_id,
        evse_uid: row.id,
        evse_id: row.evse_id,
        status: availability,
        version: Number(version?.version),
        updated_at: new Date(version?.status_updated_at ?? Date.now()).toISOString(),
      },
    } satisfies DomainEvent;
  });
}
