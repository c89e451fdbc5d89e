import { sql } from 'kysely';
import type { Scopes } from '../db/tenancy.js';
import type { LocationDetail } from '../locations/locations.model.js';
import { loadLocations } from '../locations/read-model.js';
import { type OcpiLocation, partyOf, toOcpiLocation } from './ocpi.js';

export interface OcpiPage {
  total: number;
  locations: OcpiLocation[];
}

export interface GeoJsonFeature {
  type: 'Feature';
  id: string;
  /** `coordinates` is [longitude, latitude], as GeoJSON requires. */
  geometry: { type: 'Point'; coordinates: number[] };
  properties: Record<string, unknown>;
}

/**
 * Free, unauthenticated feeds for cities and national access points: only published locations
 * of networks that share publicly (the public scope's row-level security enforces it).
 */
export class OpenDataService {
  constructor(private readonly scopes: Scopes) {}

  async ocpiLocations(offset: number, limit: number, dateFrom?: Date, dateTo?: Date): Promise<OcpiPage> {
    return this.scopes.public(undefined, async (tx) => {
      let base = tx.selectFrom('locations as l').where('l.status', '=', 'ACTIVE').where('l.publish', '=', true);
      // OCPI: objects last updated between date_from (inclusive) and date_to (exclusive).
      const lastUpdated = sql`greatest(l.updated_at, (select max(greatest(e.updated_at, e.status_updated_at)) from evses e where e.tenant_id = l.tenant_id and e.location_id = l.id))`;
      if (dateFrom) base = base.where(sql<boolean>`${lastUpdated} >= ${dateFrom}`);
      if (dateTo) base = base.where(sql<boolean>`${lastUpdated} < ${dateTo}`);
      const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const keys = await base.select(['l.tenant_id', 'l.id']).orderBy('l.id').orderBy('l.tenant_id').offset(offset).limit(limit).execute();
      const details = await loadLocations(tx, keys);
      const parties = await this.parties(tx, [...new Set(details.map((d) => d.network_id))]);
      return { total: Number(total.n), locations: details.map((d) => toOcpiLocation(d, parties.get(d.network_id) ?? { country_code: 'XX', party_id: 'XXX' })) };
    });
  }

  async ocpiLocation(id: string): Promise<OcpiLocation | undefined> {
    return this.scopes.public(undefined, async (tx) => {
      const key = await tx
        .selectFrom('locations')
        .select(['tenant_id', 'id'])
        .where('id', '=', id)
        .where('status', '=', 'ACTIVE')
        .where('publish', '=', true)
        .executeTakeFirst();
      if (!key) return undefined;
      const [detail] = await loadLocations(tx, [key]);
      if (!detail) return undefined;
      const parties = await this.parties(tx, [detail.network_id]);
      return toOcpiLocation(detail, parties.get(detail.network_id) ?? { country_code: 'XX', party_id: 'XXX' });
    });
  }

  /** AFIR static and dynamic data as GeoJSON, optionally inside a box. */
  async geojson(bbox?: [number, number, number, number]): Promise<{ type: 'FeatureCollection'; features: GeoJsonFeature[] }> {
    return this.scopes.public(undefined, async (tx) => {
      let query = tx.selectFrom('locations as l').select(['l.tenant_id', 'l.id']).where('l.status', '=', 'ACTIVE').where('l.publish', '=', true);
      if (bbox) {
        query = query
          .where('l.longitude', '>=', bbox[0])
          .where('l.latitude', '>=', bbox[1])
          .where('l.longitude', '<=', bbox[2])
          .where('l.latitude', '<=', bbox[3]);
      }
      const keys = await query.orderBy('l.id').limit(50_000).execute();
      const networks = await tx.selectFrom('networks').select(['id', 'name']).execute();
      const names = new Map(networks.map((n) => [n.id, n.name]));
      const features: GeoJsonFeature[] = [];
      // In chunks, so a country-sized feed does not build one giant IN list.
      for (let i = 0; i < keys.length; i += 500) {
        for (const l of await loadLocations(tx, keys.slice(i, i + 500))) features.push(toFeature(l, names.get(l.network_id) ?? null));
      }
      return { type: 'FeatureCollection', features };
    });
  }

  private async parties(tx: Parameters<Parameters<Scopes['public']>[1]>[0], ids: string[]) {
    if (ids.length === 0) return new Map<string, { country_code: string; party_id: string }>();
    const rows = await tx.selectFrom('networks').select(['id', 'country', 'slug']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, partyOf(r)]));
  }
}

function toFeature(l: LocationDetail, networkName: string | null): GeoJsonFeature {
  const live = l.evses.filter((e) => e.status !== 'REMOVED');
  return {
    type: 'Feature',
    id: l.id,
    geometry: { type: 'Point', coordinates: [l.coordinates.longitude, l.coordinates.latitude] },
    properties: {
      // AFIR static data
      name: l.name,
      operator: l.operator_name ?? networkName,
      network: networkName,
      address: l.address,
      city: l.city,
      postal_code: l.postal_code,
      country: l.country,
      time_zone: l.time_zone,
      opening_hours: l.opening_hours,
      max_power_kw: l.max_power_w / 1000,
      ac: l.power_types.some((p) => p !== 'DC'),
      dc: l.power_types.includes('DC'),
      connectors: live.flatMap((e) =>
        e.connectors.map((c) => ({
          evse_uid: e.uid,
          evse_id: e.evse_id,
          standard: c.standard,
          power_type: c.power_type,
          power_kw: c.max_electric_power / 1000,
          status: e.status,
        })),
      ),
      renewable: l.energy_mix.renewable_share === null ? null : l.energy_mix.renewable_share >= 100,
      renewable_share: l.energy_mix.renewable_share,
      // The drivers' reliability score (0–10) and what it rests on, or null.
      reliability: l.reliability,
      // AFIR dynamic data
      availability: l.availability,
      ad_hoc_price: l.price,
      last_updated: l.updated_at,
      attribution: l.attribution,
    },
  };
}
