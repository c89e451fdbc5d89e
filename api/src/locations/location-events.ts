import type { Tx } from '../db/tenancy.js';
import type { Audience, DomainEvent } from '../realtime/events.js';

/** Who may hear about each of these locations: its network, and everyone when it is public. */
export async function audiences(tx: Tx, tenantId: string, locationIds: string[]): Promise<Map<string, Audience>> {
  const ids = [...new Set(locationIds)];
  const rows = [];
  // In slices: a whole network (sharing switched) can hold more locations than a query may bind.
  for (let at = 0; at < ids.length; at += 1000) {
    const slice = ids.slice(at, at + 1000);
    rows.push(
      ...(await tx
        .selectFrom('locations')
        .innerJoin('networks', 'networks.id', 'locations.tenant_id')
        .select(['locations.id', 'locations.publish', 'locations.status', 'locations.latitude', 'locations.longitude', 'networks.public_sharing'])
        .where('locations.tenant_id', '=', tenantId)
        .where('locations.id', 'in', slice)
        .execute()),
    );
  }
  if (rows.length !== ids.length) throw new Error('audience of a location that does not exist');
  return new Map(
    rows.map((row) => [
      row.id,
      {
        tenant_id: tenantId,
        location_id: row.id,
        public: row.publish && row.status === 'ACTIVE' && row.public_sharing,
        latitude: row.latitude,
        longitude: row.longitude,
      },
    ]),
  );
}

/** Who may hear about a location: its network, and everyone when it is public. */
export async function audienceOf(tx: Tx, tenantId: string, locationId: string): Promise<Audience> {
  return (await audiences(tx, tenantId, [locationId])).get(locationId) as Audience;
}

/** The `location.updated` event of a location as it now is. */
export async function locationEvent(tx: Tx, tenantId: string, locationId: string): Promise<DomainEvent> {
  const row = await tx
    .selectFrom('locations')
    .select(['version', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', locationId)
    .executeTakeFirstOrThrow();
  return {
    type: 'location.updated',
    audience: await audienceOf(tx, tenantId, locationId),
    payload: { location_id: locationId, version: row.version, updated_at: row.updated_at.toISOString() },
  };
}
