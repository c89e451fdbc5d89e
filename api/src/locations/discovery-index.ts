import type { Logger } from 'pino';
import type { Scopes } from '../db/tenancy.js';
import { encodeCursor, type Page, type PageRequest } from '../http/pagination.js';
import { problems } from '../http/problem.js';
import type { EventBus, EvseStatusEvent } from '../realtime/events.js';
import { type DiscoveryQuery, validateQuery } from './discovery.service.js';
import type { LocationDetail, LocationSummary } from './locations.model.js';
import { isAlwaysOpen, isOpenAt } from './opening-hours.js';
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

/*
 * The EVSE and connector filters of a search must all hold for one and the same connector (the
 * SQL search states the same rule in `DiscoveryService.candidates`; a test keeps them equal).
 * Each location's connectors are packed into one flat array of the facts those filters test, so
 * a search reads a few numbers per candidate instead of walking its EVSE and connector objects
 * (scattered over the heap, those reads cost more than the rest of the search).
 */
const FACTS = 6; // standard, power (W), DC, EVSE available, EVSE capabilities (bits), energy price (−1: none)
const standardCodes = new Map<string, number>();
const capabilityBits = new Map<string, number>();
const codeOf = (codes: Map<string, number>, name: string, next: (size: number) => number) => {
  let code = codes.get(name);
  if (code === undefined) {
    code = next(codes.size);
    codes.set(name, code);
  }
  return code;
};
const standardCode = (standard: string) => codeOf(standardCodes, standard, (n) => n);
const capabilityMask = (capabilities: readonly string[]) => capabilities.reduce((mask, c) => mask | codeOf(capabilityBits, c, (n) => 2 ** n), 0);

function connectorFacts(detail: LocationDetail): Float64Array {
  const rows: number[] = [];
  for (const evse of detail.evses) {
    if (evse.status === 'REMOVED') continue;
    const capabilities = capabilityMask(evse.capabilities);
    for (const c of evse.connectors) {
      const price = c.price?.energy_per_kwh;
      rows.push(
        standardCode(c.standard),
        c.max_electric_power,
        c.power_type === 'DC' ? 1 : 0,
        evse.status === 'AVAILABLE' ? 1 : 0,
        capabilities,
        price === null || price === undefined ? -1 : price,
      );
    }
  }
  return Float64Array.from(rows);
}

/** A search's connector filters, compiled once per search; undefined when it has none. */
interface ConnectorFilter {
  standards?: number[];
  minPowerW?: number;
  powerType?: 'AC' | 'DC';
  availableNow: boolean;
  capabilities: number;
  maxPricePerKwh?: number;
}

function connectorFilterOf(q: DiscoveryQuery): ConnectorFilter | undefined {
  const filter: ConnectorFilter = {
    standards: q.connector_standard?.length ? q.connector_standard.map(standardCode) : undefined,
    minPowerW: q.min_power_kw === undefined ? undefined : Math.round(q.min_power_kw * 1000),
    powerType: q.power_type,
    availableNow: Boolean(q.available_now),
    capabilities: capabilityMask(q.capability ?? []),
    maxPricePerKwh: q.max_price_per_kwh,
  };
  const any =
    filter.standards || filter.minPowerW !== undefined || filter.powerType || filter.availableNow || filter.capabilities || filter.maxPricePerKwh !== undefined;
  return any ? filter : undefined;
}

function anyConnectorMatches(facts: Float64Array, f: ConnectorFilter): boolean {
  for (let i = 0; i < facts.length; i += FACTS) {
    if (f.standards && !f.standards.includes(facts[i] as number)) continue;
    if (f.minPowerW !== undefined && (facts[i + 1] as number) < f.minPowerW) continue;
    if (f.powerType === 'DC' && facts[i + 2] !== 1) continue;
    if (f.powerType === 'AC' && facts[i + 2] === 1) continue;
    if (f.availableNow && facts[i + 3] !== 1) continue;
    if (f.capabilities && ((facts[i + 4] as number) & f.capabilities) !== f.capabilities) continue;
    if (f.maxPricePerKwh !== undefined && ((facts[i + 5] as number) < 0 || (facts[i + 5] as number) > f.maxPricePerKwh)) continue;
    return true;
  }
  return false;
}

interface Entry {
  tenantId: string;
  id: string;
  lat: number;
  lng: number;
  cell: number;
  /** `isAlwaysOpen`: no need to ask the opening hours at each search. */
  alwaysOpen: boolean;
  detail: LocationDetail;
  /** The list form, without the per-search fields (distance, open now). */
  summary: Omit<LocationSummary, 'distance_m' | 'open_now'>;
  /** The same as JSON, members only (no braces), so a page is written without re-serialising it. */
  summaryJson: string;
  connectors: Float64Array;
}

interface Found {
  entry: Entry;
  distance: number | null;
  open: boolean;
}

const CELL_COLUMNS = Math.ceil(360 / CELL_DEG) + 1;
const cellRow = (lat: number) => Math.floor((lat + 90) / CELL_DEG);
const cellColumn = (lng: number) => Math.floor((lng + 180) / CELL_DEG);
const cellOf = (lat: number, lng: number) => cellRow(lat) * CELL_COLUMNS + cellColumn(lng);
/** Locations are keyed `tenant/location` throughout the index. */
const locationKey = (tenantId: string, locationId: string) => `${tenantId}/${locationId}`;
const compareKeys = (a: Entry, b: Entry) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The locations of one grid cell, with their coordinates also side by side in typed arrays so a
 * search scans a few contiguous numbers and touches only the locations inside its box.
 */
class Cell {
  readonly entries: Entry[] = [];
  private lats = new Float64Array(0);
  private lngs = new Float64Array(0);
  private stale = false;

  add(entry: Entry): void {
    this.entries.push(entry);
    this.stale = true;
  }

  remove(entry: Entry): void {
    const at = this.entries.indexOf(entry);
    if (at === -1) return;
    this.entries[at] = this.entries[this.entries.length - 1] as Entry;
    this.entries.pop();
    this.stale = true;
  }

  collect(minLat: number, minLng: number, maxLat: number, maxLng: number, keep: (e: Entry) => boolean, out: Entry[]): void {
    if (this.stale) {
      this.lats = Float64Array.from(this.entries, (e) => e.lat);
      this.lngs = Float64Array.from(this.entries, (e) => e.lng);
      this.stale = false;
    }
    const { lats, lngs, entries } = this;
    for (let i = 0; i < entries.length; i++) {
      const lat = lats[i] as number;
      const lng = lngs[i] as number;
      if (lat < minLat || lat > maxLat || lng < minLng || lng > maxLng) continue;
      const entry = entries[i] as Entry;
      if (keep(entry)) out.push(entry);
    }
  }
}

/** Locations on a 0.1° grid, by `tenant/location` key. */
class LocationGrid {
  readonly entries = new Map<string, Entry>();
  private readonly cells = new Map<number, Cell>();

  /** Replaces (or, with no entry, removes) the location under `key`. */
  put(key: string, entry: Entry | undefined): void {
    const old = this.entries.get(key);
    if (old) {
      this.cells.get(old.cell)?.remove(old);
      this.entries.delete(key);
    }
    if (entry) {
      this.entries.set(key, entry);
      let cell = this.cells.get(entry.cell);
      if (!cell) {
        cell = new Cell();
        this.cells.set(entry.cell, cell);
      }
      cell.add(entry);
    }
  }

  inBox(minLat: number, minLng: number, maxLat: number, maxLng: number, keep: (e: Entry) => boolean, out: Entry[]): void {
    const [fromLat, toLat, fromLng, toLng] = [cellRow(minLat), cellRow(maxLat), cellColumn(minLng), cellColumn(maxLng)];
    // A box wider than the grid is cheaper to answer by scanning everything.
    if ((toLat - fromLat + 1) * (toLng - fromLng + 1) > this.cells.size) {
      for (const cell of this.cells.values()) cell.collect(minLat, minLng, maxLat, maxLng, keep, out);
      return;
    }
    for (let row = fromLat; row <= toLat; row++) {
      for (let column = fromLng; column <= toLng; column++) this.cells.get(row * CELL_COLUMNS + column)?.collect(minLat, minLng, maxLat, maxLng, keep, out);
    }
  }
}

/**
 * One set of locations the index keeps current: the public one (every published location of
 * every sharing network, read with no network's rights), or a network's own (all its active
 * locations, read under that network's row-level security and shown to its callers only).
 */
class Layer {
  grid = new LocationGrid();
  ready = false;
  loading?: Promise<void>;
  /** Locations to re-read, and those being read right now. */
  readonly pending = new Set<string>();
  readonly reading = new Set<string>();
  /** Locations changed while a full load was running: re-read after it. */
  touchedDuringLoad?: Set<string>;
  /** Last search by one of its callers (own layers are dropped when idle). */
  usedAt = Date.now();

  constructor(readonly viewer: string | undefined) {}

  holds(detail: LocationDetail): boolean {
    if (detail.status !== 'ACTIVE') return false;
    return this.viewer === undefined ? detail.publish : detail.network_id === this.viewer;
  }
}

/**
 * Discovery from memory: the public layer answers callers without a network (drivers, partners'
 * keys); a network's callers get the public layer (less their own network) plus their network's
 * own layer, loaded on their first search. Kept current by the domain events (status changes
 * applied in place, location changes re-read in batches) plus a periodic full reload (tariff and
 * sharing changes raise no event). Answers exactly like the SQL search; until a layer is loaded,
 * its searches go to the database.
 */
export class DiscoveryIndex {
  private readonly publicLayer = new Layer(undefined);
  private own = new Map<string, Layer>();
  private flushing?: Promise<void>;
  /** Locations re-read from the database after events (for tests and metrics). */
  reads = 0;

  constructor(
    private readonly scopes: Scopes,
    private readonly logger: Logger,
  ) {}

  /** Whether the public layer is loaded. */
  get ready(): boolean {
    return this.publicLayer.ready;
  }

  get size(): number {
    return this.publicLayer.grid.entries.size;
  }

  /**
   * Whether searches by this caller (a network's id, or none) can be answered here. For a network
   * whose own layer is not loaded yet it starts loading it and says no until it is done.
   */
  readyFor(viewer: string | undefined): boolean {
    if (!this.publicLayer.ready) return false;
    if (viewer === undefined) return true;
    let layer = this.own.get(viewer);
    if (!layer) {
      layer = new Layer(viewer);
      this.own.set(viewer, layer);
      const loading = this.load(layer);
      loading.catch((error: unknown) => {
        this.logger.error({ err: error, network_id: viewer }, 'network discovery layer load failed');
        if (this.own.get(viewer) === layer) this.own.delete(viewer);
      });
    }
    layer.usedAt = Date.now();
    return layer.ready;
  }

  /** Loads every public location; the index answers public searches from then on. */
  loadAll(now = new Date()): Promise<void> {
    return this.load(this.publicLayer, now);
  }

  /** (Re)loads a layer in full, keeping it in service meanwhile. */
  private load(layer: Layer, now = new Date()): Promise<void> {
    layer.loading ??= (async () => {
      const touched = new Set<string>();
      layer.touchedDuringLoad = touched;
      try {
        const grid = new LocationGrid();
        let after = '';
        for (;;) {
          const batch = await this.scopes.public(layer.viewer, async (tx) => {
            const keys = await tx
              .selectFrom('locations')
              .select(['tenant_id', 'id'])
              .where('status', '=', 'ACTIVE')
              .$if(layer.viewer === undefined, (q) => q.where('publish', '=', true))
              .$if(layer.viewer !== undefined, (q) => q.where('tenant_id', '=', layer.viewer as string))
              .where('id', '>', after)
              .orderBy('id')
              .limit(LOAD_BATCH)
              .execute();
            return { keys, details: await loadLocations(tx, keys, now) };
          });
          for (const detail of batch.details) if (layer.holds(detail)) grid.put(locationKey(detail.network_id, detail.id), this.entryOf(detail));
          if (batch.keys.length < LOAD_BATCH) break;
          after = batch.keys[batch.keys.length - 1]?.id as string;
        }
        layer.grid = grid;
        layer.touchedDuringLoad = undefined;
        // A change that landed while the batches were read may be missing from them.
        const keys = [...touched];
        for (let i = 0; i < keys.length; i += LOAD_BATCH) await this.refresh(layer, keys.slice(i, i + LOAD_BATCH), now);
        layer.ready = true;
      } finally {
        layer.touchedDuringLoad = undefined;
        layer.loading = undefined;
      }
    })();
    return layer.loading;
  }

  /** Re-reads locations (`tenant/location` keys) of a layer in one transaction; those it no longer holds leave it. */
  private async refresh(layer: Layer, keys: string[], now = new Date()): Promise<void> {
    for (const key of keys) layer.touchedDuringLoad?.add(key);
    const locationKeys = keys.map((key) => {
      const [tenant_id, id] = key.split('/') as [string, string];
      return { tenant_id, id };
    });
    const details = await this.scopes.public(layer.viewer, (tx) => loadLocations(tx, locationKeys, now));
    this.reads += keys.length;
    const found = new Map(details.map((d) => [locationKey(d.network_id, d.id), d]));
    for (const key of keys) {
      const detail = found.get(key);
      layer.grid.put(key, detail && layer.holds(detail) ? this.entryOf(detail) : undefined);
    }
  }

  /**
   * Follows the bus; returns the function that stops following. Every `reloadEveryMs` the public
   * layer is reloaded in full (tariff edits and sharing switches raise no event) and networks'
   * own layers unused since the last reload are dropped (the others reload too).
   */
  follow(bus: EventBus, reloadEveryMs = 10 * 60_000): () => void {
    const unsubscribe = bus.subscribe((event) => {
      if (event.type !== 'evse.status' && event.type !== 'location.updated') return;
      const key = locationKey(event.audience.tenant_id, event.audience.location_id);
      const own = this.own.get(event.audience.tenant_id);
      for (const layer of own ? [this.publicLayer, own] : [this.publicLayer]) {
        if (event.type === 'evse.status') this.applyStatus(layer, key, event);
        else this.queueRead(layer, key);
      }
    });
    const timer = setInterval(() => {
      const cutoff = Date.now() - reloadEveryMs;
      for (const [viewer, layer] of this.own) if (layer.usedAt < cutoff) this.own.delete(viewer);
      for (const layer of [this.publicLayer, ...this.own.values()]) {
        this.load(layer).catch((error: unknown) => this.logger.error({ err: error, network_id: layer.viewer }, 'discovery index reload failed'));
      }
    }, reloadEveryMs);
    timer.unref();
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }

  /** Waits until every event received so far is in the index, and layers being loaded are loaded. */
  async settled(): Promise<void> {
    for (;;) {
      const busy = [this.flushing, this.publicLayer.loading, ...[...this.own.values()].map((l) => l.loading)].filter(Boolean);
      if (busy.length === 0) return;
      await Promise.allSettled(busy);
    }
  }

  private applyStatus(layer: Layer, key: string, event: EvseStatusEvent): void {
    layer.touchedDuringLoad?.add(key);
    // A read that is queued or under way may predate this change: read (again) after it.
    if (layer.pending.has(key) || layer.reading.has(key)) {
      this.queueRead(layer, key);
      return;
    }
    const entry = layer.grid.entries.get(key);
    if (!entry) {
      // A status never makes a location visible; a public one missing here is read (sharing switched on).
      if (layer.viewer === undefined && event.audience.public) this.queueRead(layer, key);
      return;
    }
    const next = withEvseStatus(entry.detail, event.payload);
    if (next === undefined) this.queueRead(layer, key);
    else if (next !== 'stale') layer.grid.put(key, this.entryOf(next));
  }

  private queueRead(layer: Layer, key: string): void {
    layer.pending.add(key);
    this.flushing ??= Promise.resolve().then(() => this.flush());
  }

  private async flush(): Promise<void> {
    try {
      for (;;) {
        const layer = [this.publicLayer, ...this.own.values()].find((l) => l.pending.size > 0);
        if (!layer) break;
        const keys = [...layer.pending].slice(0, LOAD_BATCH);
        for (const key of keys) {
          layer.pending.delete(key);
          layer.reading.add(key);
        }
        await this.refresh(layer, keys)
          .catch((error: unknown) => this.logger.error({ err: error, locations: keys.length }, 'discovery index refresh failed'))
          .finally(() => {
            for (const key of keys) layer.reading.delete(key);
          });
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private entryOf(detail: LocationDetail): Entry {
    const { latitude: lat, longitude: lng } = detail.coordinates;
    const { distance_m: _d, open_now: _o, ...summary } = summarise(detail);
    return {
      tenantId: detail.network_id,
      id: detail.id,
      lat,
      lng,
      cell: cellOf(lat, lng),
      alwaysOpen: isAlwaysOpen(detail.opening_hours),
      detail,
      summary,
      summaryJson: JSON.stringify(summary).slice(1, -1),
      connectors: connectorFacts(detail),
    };
  }

  /** Locations in the box that `viewer` sees: the public ones of other networks, and all of its own. */
  private inBox(viewer: string | undefined, minLat: number, minLng: number, maxLat: number, maxLng: number): Entry[] {
    const out: Entry[] = [];
    const own = viewer === undefined ? undefined : this.own.get(viewer);
    this.publicLayer.grid.inBox(minLat, minLng, maxLat, maxLng, own ? (e) => e.tenantId !== viewer : () => true, out);
    own?.grid.inBox(minLat, minLng, maxLat, maxLng, () => true, out);
    return out;
  }

  private everything(viewer: string | undefined): Entry[] {
    const own = viewer === undefined ? undefined : this.own.get(viewer);
    const out = [...this.publicLayer.grid.entries.values()].filter((e) => !own || e.tenantId !== viewer);
    if (own) out.push(...own.grid.entries.values());
    return out;
  }

  /** The same answer as `DiscoveryService.search` for `viewer` (a network's id, or none); check `readyFor(viewer)` first. */
  search(q: DiscoveryQuery, page: PageRequest, now = new Date(), viewer?: string): Page<LocationSummary> {
    const { rows, next_cursor } = this.find(q, page, now, viewer);
    return {
      data: rows.map(({ entry, distance, open }) => ({ ...entry.summary, distance_m: distance === null ? null : Math.round(distance), open_now: open })),
      next_cursor,
    };
  }

  /** `search` as the JSON text of the page, assembled from each location's serialised summary. */
  searchJson(q: DiscoveryQuery, page: PageRequest, now = new Date(), viewer?: string): string {
    const { rows, next_cursor } = this.find(q, page, now, viewer);
    const data = rows.map(
      ({ entry, distance, open }) => `{${entry.summaryJson},"distance_m":${distance === null ? 'null' : Math.round(distance)},"open_now":${open}}`,
    );
    return `{"data":[${data.join(',')}],"next_cursor":${next_cursor === null ? 'null' : JSON.stringify(next_cursor)}}`;
  }

  private find(q: DiscoveryQuery, page: PageRequest, now: Date, viewer: string | undefined): { rows: Found[]; next_cursor: string | null } {
    if (viewer !== undefined && !this.own.get(viewer)?.ready) throw new Error(`the discovery index has not loaded network ${viewer}`);
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
      for (const entry of this.inBox(viewer, lat - dLat, lng - dLng, lat + dLat, lng + dLng)) {
        const distance = earthDistance(entry.lat, entry.lng, lat, lng);
        if (distance <= radius) found.push({ entry, distance });
      }
    } else if (q.bbox) {
      const [minLng, minLat, maxLng, maxLat] = q.bbox;
      const cLat = (minLat + maxLat) / 2;
      const cLng = (minLng + maxLng) / 2;
      found = this.inBox(viewer, minLat, minLng, maxLat, maxLng).map((entry) => ({ entry, distance: earthDistance(entry.lat, entry.lng, cLat, cLng) }));
    } else {
      found = this.everything(viewer).map((entry) => ({ entry, distance: null }));
    }
    const connectorFilter = connectorFilterOf(q);
    found = found.filter(
      ({ entry }) => (!q.network_id || entry.tenantId === q.network_id) && (!connectorFilter || anyConnectorMatches(entry.connectors, connectorFilter)),
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
      const open = f.entry.alwaysOpen || isOpenAt(f.entry.detail.opening_hours, f.entry.detail.time_zone, now);
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
