import type { Logger } from 'pino';
import type { Scopes } from '../db/tenancy.js';
import { encodeCursor, type Page, type PageRequest } from '../http/pagination.js';
import { problems } from '../http/problem.js';
import type { EventBus, EvseStatusEvent } from '../realtime/events.js';
import { type DiscoveryQuery, validateQuery } from './discovery.service.js';
import type { ConnectorView, EvseView, LocationDetail, LocationSummary } from './locations.model.js';
import { isOpenAt } from './opening-hours.js';
import { loadLocations, summarise, withEvseStatus } from './read-model.js';

/** PostgreSQL earthdistance's sphere (`earth()`), so distances match the database's. */
const EARTH_RADIUS_M = 6_378_168;
const RAD = Math.PI / 180;
const CELL_DEG = 0.1;
// PGlite 0.5 fails ("bad buffer ID") on much larger batches of this read.
const LOAD_BATCH = 100;

export function earthDistance(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const h = Math.sin(((lat2 - lat1) * RAD) / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(((lng2 - lng1) * RAD) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The EVSE and connector filters of a search, for one connector: all must hold for the same
 * one. The SQL search states the same rule in `DiscoveryService.candidates`; a test keeps them equal.
 */
export function connectorMatches(q: DiscoveryQuery, evse: EvseView, c: ConnectorView): boolean {
  if (evse.status === 'REMOVED') return false;
  if (q.connector_standard?.length && !q.connector_standard.includes(c.standard)) return false;
  if (q.min_power_kw !== undefined && c.max_electric_power < Math.round(q.min_power_kw * 1000)) return false;
  if (q.power_type === 'DC' && c.power_type !== 'DC') return false;
  if (q.power_type === 'AC' && c.power_type === 'DC') return false;
  if (q.available_now && evse.status !== 'AVAILABLE') return false;
  if (q.capability?.some((cap) => !evse.capabilities.includes(cap))) return false;
  if (
    q.max_price_per_kwh !== undefined &&
    !(c.price?.energy_per_kwh !== null && c.price?.energy_per_kwh !== undefined && c.price.energy_per_kwh <= q.max_price_per_kwh)
  )
    return false;
  return true;
}

const hasConnectorFilter = (q: DiscoveryQuery) =>
  Boolean(q.connector_standard?.length) ||
  q.min_power_kw !== undefined ||
  q.power_type !== undefined ||
  Boolean(q.available_now) ||
  Boolean(q.capability?.length) ||
  q.max_price_per_kwh !== undefined;

interface Entry {
  key: string;
  tenantId: string;
  id: string;
  lat: number;
  lng: number;
  cell: string;
  detail: LocationDetail;
  /** The list form, without the per-search fields (distance, open now). */
  summary: Omit<LocationSummary, 'distance_m' | 'open_now'>;
  /** The same as JSON, members only (no braces), so a page is written without re-serialising it. */
  summaryJson: string;
}

interface Found {
  entry: Entry;
  distance: number | null;
  open: boolean;
}

const cellOf = (lat: number, lng: number) => `${Math.floor(lat / CELL_DEG)}:${Math.floor(lng / CELL_DEG)}`;
const compareKeys = (a: Entry, b: Entry) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Discovery for callers who see public data only (drivers, keys without a network): every
 * published location of every sharing network, held in memory on a 0.1° grid and kept current
 * by the domain events (status and location changes) plus a periodic full reload (tariff and
 * sharing changes). Answers exactly like `DiscoveryService.search`, without a database round trip;
 * until the first load is done, searches go to the database.
 */
export class PublicLocationIndex {
  private entries = new Map<string, Entry>();
  private grid = new Map<string, Set<Entry>>();
  private pending = new Set<string>();
  /** Locations being read right now. */
  private reading = new Set<string>();
  private flushing?: Promise<void>;
  /** Locations refreshed while a full load was running: refreshed again after it. */
  private touchedDuringLoad?: Set<string>;
  ready = false;
  /** Locations re-read from the database after events (for tests and metrics). */
  reads = 0;

  constructor(
    private readonly scopes: Scopes,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Loads every public location; the index answers searches from then on. */
  async loadAll(now = new Date()): Promise<void> {
    const touched = new Set<string>();
    this.touchedDuringLoad = touched;
    const next = new Map<string, Entry>();
    let after = '';
    for (;;) {
      const batch = await this.scopes.public(undefined, async (tx) => {
        const keys = await tx
          .selectFrom('locations')
          .select(['tenant_id', 'id'])
          .where('status', '=', 'ACTIVE')
          .where('publish', '=', true)
          .where('id', '>', after)
          .orderBy('id')
          .limit(LOAD_BATCH)
          .execute();
        return { keys, details: await loadLocations(tx, keys, now) };
      });
      for (const detail of batch.details) {
        const entry = this.entryOf(detail);
        next.set(entry.key, entry);
      }
      if (batch.keys.length < LOAD_BATCH) break;
      after = batch.keys[batch.keys.length - 1]?.id as string;
    }
    this.entries = next;
    this.grid = new Map();
    for (const entry of next.values()) this.addToGrid(entry);
    this.touchedDuringLoad = undefined;
    // A change that landed while the batches were read may be missing from them.
    const keys = [...touched];
    for (let i = 0; i < keys.length; i += LOAD_BATCH) await this.refresh(keys.slice(i, i + LOAD_BATCH), now);
    this.ready = true;
  }

  /** Re-reads locations (`tenant/location` keys) in one transaction; those no longer public leave the index. */
  async refresh(keys: string[], now = new Date()): Promise<void> {
    for (const key of keys) this.touchedDuringLoad?.add(key);
    const locationKeys = keys.map((key) => {
      const [tenant_id, id] = key.split('/') as [string, string];
      return { tenant_id, id };
    });
    const details = await this.scopes.public(undefined, (tx) => loadLocations(tx, locationKeys, now));
    this.reads += keys.length;
    const found = new Map(details.map((d) => [`${d.network_id}/${d.id}`, d]));
    for (const key of keys) {
      const detail = found.get(key);
      this.put(key, detail && detail.status === 'ACTIVE' && detail.publish ? this.entryOf(detail) : undefined);
    }
  }

  /**
   * Follows the bus; returns the function that stops following. A status change is applied in
   * place from the event (a gateway reports thousands a second); location changes are re-read in
   * batches. Tariff edits and sharing switches raise no event, so a full reload every
   * `reloadEveryMs` catches those up.
   */
  follow(bus: EventBus, reloadEveryMs = 10 * 60_000): () => void {
    const unsubscribe = bus.subscribe((event) => {
      if (event.type === 'evse.status') this.applyStatus(event);
      else if (event.type === 'location.updated') this.queueRead(`${event.audience.tenant_id}/${event.audience.location_id}`);
    });
    const timer = setInterval(() => {
      this.loadAll().catch((error: unknown) => this.logger.error({ err: error }, 'public index reload failed'));
    }, reloadEveryMs);
    timer.unref();
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }

  /** Waits until every event received so far is in the index. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private applyStatus(event: EvseStatusEvent): void {
    const key = `${event.audience.tenant_id}/${event.audience.location_id}`;
    this.touchedDuringLoad?.add(key);
    // A read that is queued or under way may predate this change: read (again) after it.
    if (this.pending.has(key) || this.reading.has(key)) {
      this.queueRead(key);
      return;
    }
    const entry = this.entries.get(key);
    if (!entry) {
      // A status never makes a location public; a public one missing here is read (sharing switched on).
      if (event.audience.public) this.queueRead(key);
      return;
    }
    const next = withEvseStatus(entry.detail, event.payload);
    if (next === undefined) this.queueRead(key);
    else if (next !== 'stale') this.put(key, this.entryOf(next));
  }

  private queueRead(key: string): void {
    this.pending.add(key);
    this.flushing ??= Promise.resolve().then(() => this.flush());
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.size) {
        const keys = [...this.pending].slice(0, LOAD_BATCH);
        for (const key of keys) {
          this.pending.delete(key);
          this.reading.add(key);
        }
        await this.refresh(keys)
          .catch((error: unknown) => this.logger.error({ err: error, locations: keys.length }, 'public index refresh failed'))
          .finally(() => {
            for (const key of keys) this.reading.delete(key);
          });
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Replaces (or, with no entry, removes) the location under `key`. */
  private put(key: string, entry: Entry | undefined): void {
    const old = this.entries.get(key);
    if (old) {
      this.grid.get(old.cell)?.delete(old);
      this.entries.delete(key);
    }
    if (entry) {
      this.entries.set(key, entry);
      this.addToGrid(entry);
    }
  }

  private entryOf(detail: LocationDetail): Entry {
    const { latitude: lat, longitude: lng } = detail.coordinates;
    const { distance_m: _d, open_now: _o, ...summary } = summarise(detail);
    return {
      key: `${detail.network_id}/${detail.id}`,
      tenantId: detail.network_id,
      id: detail.id,
      lat,
      lng,
      cell: cellOf(lat, lng),
      detail,
      summary,
      summaryJson: JSON.stringify(summary).slice(1, -1),
    };
  }

  private addToGrid(entry: Entry): void {
    let cell = this.grid.get(entry.cell);
    if (!cell) {
      cell = new Set();
      this.grid.set(entry.cell, cell);
    }
    cell.add(entry);
  }

  private inBox(minLat: number, minLng: number, maxLat: number, maxLng: number): Entry[] {
    const out: Entry[] = [];
    const cells = (Math.floor(maxLat / CELL_DEG) - Math.floor(minLat / CELL_DEG) + 1) * (Math.floor(maxLng / CELL_DEG) - Math.floor(minLng / CELL_DEG) + 1);
    // A box wider than the grid is cheaper to answer by scanning everything.
    if (cells > this.grid.size) {
      for (const e of this.entries.values()) if (e.lat >= minLat && e.lat <= maxLat && e.lng >= minLng && e.lng <= maxLng) out.push(e);
      return out;
    }
    for (let la = Math.floor(minLat / CELL_DEG); la <= Math.floor(maxLat / CELL_DEG); la++) {
      for (let ln = Math.floor(minLng / CELL_DEG); ln <= Math.floor(maxLng / CELL_DEG); ln++) {
        for (const e of this.grid.get(`${la}:${ln}`) ?? []) if (e.lat >= minLat && e.lat <= maxLat && e.lng >= minLng && e.lng <= maxLng) out.push(e);
      }
    }
    return out;
  }

  /** The same answer as `DiscoveryService.search` for a caller without a network. */
  search(q: DiscoveryQuery, page: PageRequest, now = new Date()): Page<LocationSummary> {
    const { rows, next_cursor } = this.find(q, page, now);
    return {
      data: rows.map(({ entry, distance, open }) => ({ ...entry.summary, distance_m: distance === null ? null : Math.round(distance), open_now: open })),
      next_cursor,
    };
  }

  /** `search` as the JSON text of the page, assembled from each location's serialised summary. */
  searchJson(q: DiscoveryQuery, page: PageRequest, now = new Date()): string {
    const { rows, next_cursor } = this.find(q, page, now);
    const data = rows.map(
      ({ entry, distance, open }) => `{${entry.summaryJson},"distance_m":${distance === null ? 'null' : Math.round(distance)},"open_now":${open}}`,
    );
    return `{"data":[${data.join(',')}],"next_cursor":${next_cursor === null ? 'null' : JSON.stringify(next_cursor)}}`;
  }

  private find(q: DiscoveryQuery, page: PageRequest, now: Date): { rows: Found[]; next_cursor: string | null } {
    validateQuery(q);
    const after = page.after as [number | null, string, string] | undefined;
    if (after && (after.length !== 3 || typeof after[1] !== 'string' || typeof after[2] !== 'string')) {
      throw problems.validation([{ field: 'query.cursor', message: 'is not a cursor returned by this endpoint' }]);
    }
    let found: { entry: Entry; distance: number | null }[];
    if (q.lat !== undefined && q.lng !== undefined) {
      const { lat, lng } = q;
      const radius = q.radius_m ?? 10_000;
      const dLat = radius / (EARTH_RADIUS_M * RAD) + 1e-6;
      const cos = Math.max(Math.cos(Math.min(89.9, Math.abs(lat) + dLat) * RAD), 1e-6);
      const dLng = Math.min(180, radius / (EARTH_RADIUS_M * RAD * cos) + 1e-6);
      found = [];
      for (const entry of this.inBox(lat - dLat, lng - dLng, lat + dLat, lng + dLng)) {
        const distance = earthDistance(entry.lat, entry.lng, lat, lng);
        if (distance <= radius) found.push({ entry, distance });
      }
    } else if (q.bbox) {
      const [minLng, minLat, maxLng, maxLat] = q.bbox;
      const cLat = (minLat + maxLat) / 2;
      const cLng = (minLng + maxLng) / 2;
      found = this.inBox(minLat, minLng, maxLat, maxLng).map((entry) => ({ entry, distance: earthDistance(entry.lat, entry.lng, cLat, cLng) }));
    } else {
      found = [...this.entries.values()].map((entry) => ({ entry, distance: null }));
    }
    const connectorFilter = hasConnectorFilter(q);
    found = found.filter(
      ({ entry }) =>
        (!q.network_id || entry.tenantId === q.network_id) &&
        (!connectorFilter || entry.detail.evses.some((evse) => evse.connectors.some((c) => connectorMatches(q, evse, c)))),
    );
    const spatial = q.lat !== undefined || q.bbox !== undefined;
    found.sort((a, b) => (spatial && a.distance !== b.distance ? (a.distance as number) - (b.distance as number) : compareKeys(a.entry, b.entry)));
    if (after) {
      const [d, tenant, id] = after;
      const afterEntry = { tenantId: tenant, id } as Entry;
      found = found.filter(({ entry, distance }) =>
        spatial
          ? (distance as number) > (d ?? 0) || ((distance as number) === (d ?? 0) && compareKeys(entry, afterEntry) > 0)
          : compareKeys(entry, afterEntry) > 0,
      );
    }
    const shown: Found[] = [];
    for (const f of found) {
      const open = isOpenAt(f.entry.detail.opening_hours, f.entry.detail.time_zone, now);
      if (q.open_now && !open) continue;
      shown.push({ ...f, open });
      if (shown.length > page.limit) break;
    }
    const hasMore = shown.length > page.limit;
    const pageRows = shown.slice(0, page.limit);
    const last = pageRows[pageRows.length - 1];
    return { rows: pageRows, next_cursor: hasMore && last ? encodeCursor([last.distance, last.entry.tenantId, last.entry.id]) : null };
  }
}
