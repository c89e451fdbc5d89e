import { type Expression, type SqlBool, sql } from 'kysely';
import type { Scopes, Tx } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { encodeCursor, type Page, type PageRequest } from '../shared/pagination.js';
import type { DiscoveryIndex } from './discovery-index.js';
import { type DiscoveryQuery, validateQuery } from './discovery-query.js';
import type { LocationDetail, LocationSummary } from './locations.model.js';
import { GREEN_RENEWABLE_SHARE_PCT, type LocationKey, loadLocations, summarise } from './read-model.js';

export class DiscoveryService {
  constructor(
    private readonly scopes: Scopes,
    private readonly discoveryIndex?: DiscoveryIndex,
  ) {}

  /**
   * Published locations of every sharing network plus the caller's own, nearest first. The
   * EVSE and connector filters must all hold for one and the same connector.
   */
  async search(callerTenantId: string | undefined, q: DiscoveryQuery, page: PageRequest, now = new Date()): Promise<Page<LocationSummary>> {
    // Answered from memory once the index holds what this caller sees.
    if (this.discoveryIndex?.readyFor(callerTenantId)) return this.discoveryIndex.search(q, page, now, callerTenantId);
    validateQuery(q);
    const center =
      q.lat !== undefined && q.lng !== undefined
        ? { lat: q.lat, lng: q.lng }
        : q.bbox
          ? { lat: (q.bbox[1] + q.bbox[3]) / 2, lng: (q.bbox[0] + q.bbox[2]) / 2 }
          : undefined;
    const radius = q.lat !== undefined ? (q.radius_m ?? 10_000) : undefined;
    const after = page.after as [number | null, string, string] | undefined;
    if (after && (after.length !== 3 || typeof after[1] !== 'string' || typeof after[2] !== 'string')) {
      throw fail.invalid([{ field: 'cursor', message: 'is not a cursor returned by this endpoint' }]);
    }

    return this.scopes.public(callerTenantId, async (tx) => {
      const found: { key: LocationKey; sortKey: number | null; detail: LocationDetail }[] = [];
      let position = after;
      // open_now is evaluated per location in its time zone, so rows are fetched in batches
      // until the page is full; every other filter is in SQL.
      for (let round = 0; round < 20 && found.length <= page.limit; round++) {
        const batchSize = q.open_now ? Math.max(50, (page.limit + 1) * 3) : page.limit + 1 - found.length;
        const rows = await this.candidates(tx, callerTenantId, q, center, radius, position, batchSize);
        if (rows.length === 0) break;
        const keys = rows.map((r) => ({ tenant_id: r.tenant_id, id: r.id }));
        const distances = new Map(rows.map((r) => [`${r.tenant_id}/${r.id}`, r.distance_m === null ? null : Math.round(r.distance_m)]));
        const details = await loadLocations(tx, keys, now, distances as Map<string, number>);
        for (const [i, detail] of details.entries()) {
          const row = rows[i];
          if (!row) continue;
          position = [row.sort_key, row.tenant_id, row.id];
          if (q.open_now && !detail.open_now) continue;
          found.push({ key: keys[i] as LocationKey, sortKey: row.sort_key, detail });
          if (found.length > page.limit) break;
        }
        if (rows.length < batchSize) break;
      }
      const hasMore = found.length > page.limit;
      const shown = found.slice(0, page.limit);
      const last = shown[shown.length - 1];
      return {
        data: shown.map((f) => summarise(f.detail)),
        next_cursor: hasMore && last ? encodeCursor([last.sortKey, last.key.tenant_id, last.key.id]) : null,
      };
    });
  }

  /** One location as drivers see it, or 404 when it is not visible to the caller. */
  async detail(callerTenantId: string | undefined, id: string, now = new Date()): Promise<LocationDetail> {
    const detail = await this.scopes.public(callerTenantId, async (tx) => {
      const rows = await tx.selectFrom('locations').select(['tenant_id', 'id']).where('id', '=', id).execute();
      const own = rows.find((r) => r.tenant_id === callerTenantId);
      const [found] = await loadLocations(tx, own ? [own] : rows.slice(0, 1), now);
      return found;
    });
    if (!detail || (detail.status === 'REMOVED' && detail.network_id !== callerTenantId)) throw fail.notFound('location', id);
    return detail;
  }

  private candidates(
    tx: Tx,
    callerTenantId: string | undefined,
    q: DiscoveryQuery,
    center: { lat: number; lng: number } | undefined,
    radius: number | undefined,
    after: [number | null, string, string] | undefined,
    limit: number,
  ) {
    // Spatial candidates come from the index (see migration 0004); joining them back to
    // `locations` puts every row under row-level security again.
    const spatial =
      center && radius !== undefined
        ? sql`locations_within(${center.lat}, ${center.lng}, ${radius})`
        : q.bbox
          ? sql`locations_in_box(${q.bbox[0]}, ${q.bbox[1]}, ${q.bbox[2]}, ${q.bbox[3]})`
          : undefined;
    const byReliability = q.sort === 'reliability';
    // What results are ordered by before their keys break ties: reliability (see `reliabilityKey`), distance, or nothing.
    const sortKey = byReliability
      ? sql<number>`coalesce(-l.reliability_score, 1)::float8`
      : spatial
        ? sql<number>`w.distance_m`
        : sql<number | null>`null::float8`;
    const from = spatial
      ? tx
          .selectFrom(sql<{ tenant_id: string; id: string; distance_m: number }>`${spatial}`.as('w'))
          .innerJoin('locations as l', (join) => join.onRef('l.tenant_id', '=', 'w.tenant_id').onRef('l.id', '=', 'w.id'))
          .select(['l.tenant_id', 'l.id', sql<number | null>`w.distance_m`.as('distance_m'), sortKey.as('sort_key')])
      : tx.selectFrom('locations as l').select(['l.tenant_id', 'l.id', sql<number | null>`null::float8`.as('distance_m'), sortKey.as('sort_key')]);
    let query = from
      .where('l.status', '=', 'ACTIVE')
      // Also enforced by row-level security; said here so the query means what it reads.
      .where((eb) => eb.or([eb('l.publish', '=', true), eb('l.tenant_id', '=', callerTenantId ?? '')]));
    if (q.network_id) query = query.where('l.tenant_id', '=', q.network_id);
    if (q.green) query = query.where('l.renewable_share', '>=', GREEN_RENEWABLE_SHARE_PCT as never);
    if (q.min_reliability !== undefined) query = query.where('l.reliability_score', '>=', q.min_reliability as never);

    const conditions: Expression<SqlBool>[] = [];
    if (q.connector_standard?.length) conditions.push(sql<SqlBool>`c.standard = any(${q.connector_standard})`);
    if (q.min_power_kw !== undefined) conditions.push(sql<SqlBool>`c.max_electric_power >= ${Math.round(q.min_power_kw * 1000)}`);
    if (q.power_type === 'DC') conditions.push(sql<SqlBool>`c.power_type = 'DC'`);
    if (q.power_type === 'AC') conditions.push(sql<SqlBool>`c.power_type <> 'DC'`);
    if (q.available_now) conditions.push(sql<SqlBool>`e.availability = 'AVAILABLE'`);
    for (const capability of q.capability ?? []) conditions.push(sql<SqlBool>`${capability} = any(e.capabilities)`);
    if (q.max_price_per_kwh !== undefined) {
      conditions.push(
        sql<SqlBool>`exists (select 1 from tariffs t where t.tenant_id = c.tenant_id and t.id = c.tariff_id and t.energy_price_per_kwh <= ${q.max_price_per_kwh})`,
      );
    }
    if (conditions.length) {
      query = query.where(
        sql<SqlBool>`exists (
          select 1 from evses e join connectors c on c.tenant_id = e.tenant_id and c.evse_id = e.id
          where e.tenant_id = l.tenant_id and e.location_id = l.id and e.availability <> 'REMOVED'
            and ${sql.join(conditions, sql` and `)})`,
      );
    }
    if (after) {
      const [k, tenant, id] = after;
      query =
        spatial || byReliability
          ? query.where(sql<SqlBool>`(${sortKey}, l.tenant_id, l.id) > (${k ?? 0}::float8, ${tenant}, ${id})`)
          : query.where(sql<SqlBool>`(l.tenant_id, l.id) > (${tenant}, ${id})`);
    }
    return query.orderBy(sql`4`).orderBy('l.tenant_id').orderBy('l.id').limit(limit).execute();
  }
}
