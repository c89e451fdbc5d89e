import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, EvseStatus } from '../db/schema.js';
import type { Scopes } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';

/** A public EVSE as a driver finds it by its printed id or its QR code: where it is and whether it is free. */
export interface EvseCard {
  evse_uid: string;
  /** The id printed on the charger (eMI3), when the network gave one. */
  evse_id: string | null;
  network_id: string;
  location_id: string;
  location_name: string;
  address: string;
  city: string;
  availability: EvseStatus;
  /** Whether the EVSE's charger is connected, so it can be started from the app. */
  remote_start: boolean;
}

/** A place a driver can search for by name: a city or a station's address, from the stations we hold. */
export interface Place {
  kind: 'city' | 'station';
  name: string;
  /** The city and country for a station; the country for a city. */
  context: string;
  latitude: number;
  longitude: number;
  /** Stations at the place (1 for a station). */
  stations: number;
  /** For a station: its location id. */
  location_id?: string;
}

/** What the platform needs to start or stop an EVSE remotely. */
export interface EvseTarget {
  tenant_id: string;
  evse_uid: string;
  charge_point_id: string;
  identity: string;
  online: boolean;
  connector: number;
  availability: EvseStatus;
}

// Printed ids come with or without separators and in any case: `LU*VOL*E1`, `lu vol e1`, `LUVOLE1`.
const compact = (ref: string) => ref.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** The one rule for naming an EVSE: its uid, or its printed id however it is typed. */
const matchesReference = (eb: ExpressionBuilder<Database, 'evses'>, ref: string) =>
  eb.or([eb('evses.id', '=', ref), eb(sql<string>`regexp_replace(upper(evses.evse_id), '[^A-Z0-9]', '', 'g')`, '=', compact(ref))]);

/**
 * Looks public EVSEs and places up for drivers: by the id on the charger (typed or scanned) and by
 * place name. Geocoding uses only the stations' own addresses and cities (no external service).
 */
export class EvseDirectory {
  constructor(private readonly scopes: Scopes) {}

  /** An EVSE by its uid, its printed EVSE id, or a link to it (the QR code's `/pay/{uid}`); public EVSEs only. */
  async find(networkId: string | undefined, reference: string): Promise<EvseCard> {
    const ref = reference.trim().replace(/^.*\/(?:pay|evses)\/([^/?#]+).*$/, '$1');
    if (!ref) throw fail.invalid([{ field: 'evse_ref', message: 'is empty' }]);
    const row = await this.scopes.system((tx) => {
      let query = tx
        .selectFrom('evses')
        .innerJoin('locations', (j) => j.onRef('locations.tenant_id', '=', 'evses.tenant_id').onRef('locations.id', '=', 'evses.location_id'))
        .leftJoin('charge_points', (j) => j.onRef('charge_points.tenant_id', '=', 'evses.tenant_id').onRef('charge_points.id', '=', 'evses.charge_point_id'))
        .select([
          'evses.id as evse_uid',
          'evses.evse_id',
          'evses.tenant_id as network_id',
          'locations.id as location_id',
          'locations.name as location_name',
          'locations.address',
          'locations.city',
          'evses.availability',
          'charge_points.online',
        ])
        .where('evses.is_public', '=', true)
        .where('locations.is_public', '=', true)
        .where('evses.status', '!=', 'REMOVED')
        .where((eb) => matchesReference(eb, ref));
      if (networkId) query = query.where('evses.tenant_id', '=', networkId);
      return query.limit(1).executeTakeFirst();
    });
    if (!row) throw fail.notFound('EVSE', ref);
    const { online, ...card } = row;
    return { ...card, remote_start: online === true };
  }

  /** An EVSE of the caller's own network by uid or printed id, published or not (staff). */
  ownEvse(tenantId: string, reference: string): Promise<{ evse_uid: string; location_id: string; network_id: string } | undefined> {
    const ref = reference.trim().replace(/^.*\/(?:pay|evses)\/([^/?#]+).*$/, '$1');
    return this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('evses')
        .select(['evses.id as evse_uid', 'evses.location_id', 'evses.tenant_id as network_id'])
        .where('evses.tenant_id', '=', tenantId)
        .where('evses.status', '!=', 'REMOVED')
        .where((eb) => matchesReference(eb, ref))
        .executeTakeFirst(),
    );
  }

  /** Places whose name starts with the words typed (cities first, then stations by name or street), at most `limit`. */
  async places(networkId: string | undefined, text: string, limit = 8): Promise<Place[]> {
    const q = text.trim().replace(/\s+/g, ' ');
    if (q.length < 2) return [];
    const like = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const wordLike = `% ${like}`;
    return this.scopes.system(async (tx) => {
      const base = () => {
        let query = tx.selectFrom('locations').where('locations.is_public', '=', true).where('locations.status', '=', 'ACTIVE');
        if (networkId) query = query.where('locations.tenant_id', '=', networkId);
        return query;
      };
      const cities = await base()
        .select(({ fn }) => [
          'city',
          'country',
          fn.avg<number>('latitude').as('latitude'),
          fn.avg<number>('longitude').as('longitude'),
          fn.countAll<number>().as('stations'),
        ])
        .where((eb) => eb.or([eb('city', 'ilike', like), eb('city', 'ilike', wordLike)]))
        .groupBy(['city', 'country'])
        .orderBy(sql`count(*)`, 'desc')
        .orderBy('city')
        .limit(limit)
        .execute();
      const stations = await base()
        .select(['id', 'name', 'address', 'city', 'country', 'latitude', 'longitude'])
        .where((eb) => eb.or([eb('name', 'ilike', like), eb('name', 'ilike', wordLike), eb('address', 'ilike', like), eb('address', 'ilike', wordLike)]))
        .orderBy('name')
        .limit(limit)
        .execute();
      const places: Place[] = [
        ...cities.map((c) => ({
          kind: 'city' as const,
          name: c.city,
          context: c.country,
          latitude: Number(c.latitude),
          longitude: Number(c.longitude),
          stations: Number(c.stations),
        })),
        ...stations.map((s) => ({
          kind: 'station' as const,
          name: s.name,
          context: `${s.address}, ${s.city}`,
          latitude: Number(s.latitude),
          longitude: Number(s.longitude),
          stations: 1,
          location_id: s.id,
        })),
      ];
      return places.slice(0, limit);
    });
  }

  /** The charger behind a public EVSE, for a remote start or stop. */
  async target(evseUid: string): Promise<EvseTarget | undefined> {
    const row = await this.scopes.system((tx) =>
      tx
        .selectFrom('evses')
        .innerJoin('charge_points', (j) => j.onRef('charge_points.tenant_id', '=', 'evses.tenant_id').onRef('charge_points.id', '=', 'evses.charge_point_id'))
        .select([
          'evses.tenant_id',
          'evses.id as evse_uid',
          'evses.charge_point_id',
          'charge_points.identity',
          'charge_points.online',
          'evses.ocpp_connector_id',
          'evses.availability',
          'evses.is_public',
        ])
        .where('evses.id', '=', evseUid)
        .where('evses.status', '!=', 'REMOVED')
        .executeTakeFirst(),
    );
    if (!row?.is_public || !row.charge_point_id) return undefined;
    return {
      tenant_id: row.tenant_id,
      evse_uid: row.evse_uid,
      charge_point_id: row.charge_point_id,
      identity: row.identity,
      online: row.online,
      connector: row.ocpp_connector_id ?? 1,
      availability: row.availability,
    };
  }
}
