import type { Logger } from 'pino';
import type { Scopes } from '../db/tenancy.js';
import { encodeCursor, type Page, type PageRequest } from '../http/pagination.js';
import type { EventBus, EvseStatusEvent } from '../realtime/events.js';
import { fail } from '../shared/errors.js';
import { type DiscoveryQuery, validateQuery } from './discovery-query.js';
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
const networkCodes = new Map<string, number>();
const networkCode = (networkId: string) => codeOf(networkCodes, networkId, (n) => n);
const NO_NETWORK = -1;
const UNKNOWN_NETWORK = -2;
/** A network's code for a filter: a network the index has never held matches nothing. */
const networkFilterCode = (networkId: string | undefined) => (networkId === undefined ? NO_NETWORK : (networkCodes.get(networkId) ?? UNKNOWN_NETWORK));
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

/** A search's connector filters, compiled once per search with neutral values for those it lacks; undefined when it has none. */
interface ConnectorFilter {
  /** Indexed by standard code: 1 where the standard is wanted. */
  standards: Uint8Array | undefined;
  minPowerW: number;
  /** 1: DC only, 0: AC only, −1: either. */
  dc: number;
  availableNow: boolean;
  capabilities: number;
  maxPricePerKwh: number;
}

function connectorFilterOf(q: DiscoveryQuery): ConnectorFilter | undefined {
  const any =
    q.connector_standard?.length ||
    q.min_power_kw !== undefined ||
    q.power_type ||
    q.available_now ||
    q.capability?.length ||
    q.max_price_per_kwh !== undefined;
  if (!any) return undefined;
  let standards: Uint8Array | undefined;
  if (q.connector_standard?.length) {
    const codes = q.connector_standard.map(standardCode);
    standards = new Uint8Array(Math.max(...codes) + 1);
    for (const code of codes) standards[code] = 1;
  }
  return {
    standards,
    minPowerW: q.min_power_kw === undefined ? -1 : Math.round(q.min_power_kw * 1000),
    dc: q.power_type === 'DC' ? 1 : q.power_type === 'AC' ? 0 : -1,
    availableNow: Boolean(q.available_now),
    capabilities: capabilityMask(q.capability ?? []),
    maxPricePerKwh: q.max_price_per_kwh ?? Number.POSITIVE_INFINITY,
  };
}

/** Whether one connector among facts[from] … facts[to] meets every filter at once. */
function anyConnectorMatches(facts: Float64Array, from: number, to: number, f: ConnectorFilter): boolean {
  const { standards, minPowerW, dc, availableNow, capabilities, maxPricePerKwh } = f;
  for (let i = from; i < to; i += FACTS) {
    if (standards !== undefined && standards[facts[i] as number] !== 1) continue;
    if ((facts[i + 1] as number) < minPowerW) continue;
    if (dc !== -1 && facts[i + 2] !== dc) continue;
    if (availableNow && facts[i + 3] !== 1) continue;
    if (((facts[i + 4] as number) & capabilities) !== capabilities) continue;
    // No price (−1) fails a price limit.
    if (maxPricePerKwh !== Number.POSITIVE_INFINITY && ((facts[i + 5] as number) < 0 || (facts[i + 5] as number) > maxPricePerKwh)) continue;
    return true;
  }
  return false;
}

/** What one search looks for, compiled once; the grid tests it cell by cell. */
interface Probe {
  minLat: number;
  minLng: number;
  maxLat: number;
  maxLng: number;
  /** Distances are measured from here; none for a search without a place. */
  centre: { lat: number; lng: number } | undefined;
  /** Only locations this close to the centre (infinite: the whole box). */
  radius: number;
  /** Leave out this network (the caller's own, answered from its own layer), or NO_NETWORK. */
  exclude: number;
  /** Only this network (`network_id`), or NO_NETWORK for any. */
  only: number;
  filter: ConnectorFilter | undefined;
}

interface Candidate {
  entry: Entry;
  distance: number | null;
}

/** Near a point: the box around the circle; in a box: distances from its centre; neither: everything. */
function probeOf(q: DiscoveryQuery): Probe {
  const filters = { exclude: NO_NETWORK, only: networkFilterCode(q.network_id), filter: connectorFilterOf(q) };
  if (q.lat !== undefined && q.lng !== undefined) {
    const { lat, lng } = q;
    const radius = q.radius_m ?? 10_000;
    const dLat = radius / (EARTH_RADIUS_M * RAD) + 1e-6;
    const cos = Math.max(Math.cos(Math.min(89.9, Math.abs(lat) + dLat) * RAD), 1e-6);
    const dLng = Math.min(180, radius / (EARTH_RADIUS_M * RAD * cos) + 1e-6);
    return { minLat: lat - dLat, minLng: lng - dLng, maxLat: lat + dLat, maxLng: lng + dLng, centre: { lat, lng }, radius, ...filters };
  }
  if (q.bbox) {
    const [minLng, minLat, maxLng, maxLat] = q.bbox;
    const centre = { lat: (minLat + maxLat) / 2, lng: (minLng + maxLng) / 2 };
    return { minLat, minLng, maxLat, maxLng, centre, radius: Number.POSITIVE_INFINITY, ...filters };
  }
  return { minLat: -90, minLng: -180, maxLat: 90, maxLng: 180, centre: undefined, radius: Number.POSITIVE_INFINITY, ...filters };
}

interface Entry {
  tenantId: string;
  /** `networkCode(tenantId)`. */
  network: number;
  id: string;
  lat: number;
  lng: number;
  cell: number;
  /** `isAlwaysOpen`: no need to ask the opening hours at each search. */
  alwaysOpen: boolean;
  detail: LocationDetail;
  /** The list form, without the per-search fields (distance, open now). */
  summary: Omit<LocationSummary, 'distance_m' | 'open_now'>;
  /**
   * The same as UTF-8 JSON up to its distance (`{…,"distance_m":`), so a page is copied together,
   * not serialised. Encoded on first use (`jsonHeadOf`): under a flood of status changes most
   * entries are replaced before any search shows them.
   */
  jsonHead: Buffer | undefined;
  connectors: Float64Array;
}

interface Found extends Candidate {
  open: boolean;
}

/**
 * Page bodies are cut from 64 KB slabs: most pages are over Buffer's 4 KB pooling limit, and a
 * separate allocation for each cost more than assembling it. A slab is never reused, only
 * replaced; its memory is freed once the last page cut from it is.
 */
class BodySlab {
  private static readonly BYTES = 64 * 1024;
  private slab = Buffer.allocUnsafeSlow(BodySlab.BYTES);
  private used = 0;

  /** Uninitialised memory: the caller writes every byte. */
  take(size: number): Buffer {
    if (size > BodySlab.BYTES / 4) return Buffer.allocUnsafe(size);
    if (this.used + size > BodySlab.BYTES) {
      this.slab = Buffer.allocUnsafeSlow(BodySlab.BYTES);
      this.used = 0;
    }
    const body = this.slab.subarray(this.used, this.used + size);
    this.used += (size + 7) & ~7;
    return body;
  }
}
const bodies = new BodySlab();

/**
 * UTF-8 in memory of its own, not a slice of Buffer's shared 8 KB pool: entries are replaced at
 * every status change, and one long-lived slice would keep a whole pool chunk alive.
 */
function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

const jsonHeadOf = (entry: Entry): Buffer => (entry.jsonHead ??= ownBytes(`${JSON.stringify(entry.summary).slice(0, -1)},"distance_m":`));

const PAGE_HEAD = Buffer.from('{"data":[');
const OPEN = ',"open_now":true}';
const CLOSED = ',"open_now":false}';
const COMMA = 0x2c;

const CELL_COLUMNS = Math.ceil(360 / CELL_DEG) + 1;
const cellRow = (lat: number) => Math.floor((lat + 90) / CELL_DEG);
const cellColumn = (lng: number) => Math.floor((lng + 180) / CELL_DEG);
const cellOf = (lat: number, lng: number) => cellRow(lat) * CELL_COLUMNS + cellColumn(lng);
/** Locations are keyed `tenant/location` throughout the index. */
const locationKey = (tenantId: string, locationId: string) => `${tenantId}/${locationId}`;
const compareKeys = (a: Entry, b: Entry) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The locations of one grid cell, with what a search tests (coordinates, network, connector
 * facts) also packed side by side in typed arrays: a search reads a few contiguous arrays per
 * cell and touches only the locations it returns. Scattered over the heap, reading each
 * candidate's own objects cost more than the rest of the search.
 */
class Cell {
  readonly entries: Entry[] = [];
  private lats = new Float64Array(0);
  private lngs = new Float64Array(0);
  private networks = new Int32Array(0);
  /** Entry i's connector facts are facts[factsAt[i]] up to facts[factsAt[i + 1]]. */
  private factsAt = new Uint32Array(1);
  private facts = new Float64Array(0);
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

  private pack(): void {
    const { entries } = this;
    const n = entries.length;
    this.lats = new Float64Array(n);
    this.lngs = new Float64Array(n);
    this.networks = new Int32Array(n);
    this.factsAt = new Uint32Array(n + 1);
    this.facts = new Float64Array(entries.reduce((size, e) => size + e.connectors.length, 0));
    let at = 0;
    for (let i = 0; i < n; i++) {
      const entry = entries[i] as Entry;
      this.lats[i] = entry.lat;
      this.lngs[i] = entry.lng;
      this.networks[i] = entry.network;
      this.factsAt[i] = at;
      this.facts.set(entry.connectors, at);
      at += entry.connectors.length;
    }
    this.factsAt[n] = at;
    this.stale = false;
  }

  collect(p: Probe, out: Candidate[]): void {
    if (this.stale) this.pack();
    const { lats, lngs, networks, factsAt, facts, entries } = this;
    for (let i = 0; i < entries.length; i++) {
      const lat = lats[i] as number;
      const lng = lngs[i] as number;
      if (lat < p.minLat || lat > p.maxLat || lng < p.minLng || lng > p.maxLng) continue;
      const network = networks[i] as number;
      if (network === p.exclude || (p.only !== NO_NETWORK && network !== p.only)) continue;
      // The box's corners lie outside the circle: measure first, test the connectors on what is inside.
      const distance = p.centre ? earthDistance(lat, lng, p.centre.lat, p.centre.lng) : null;
      if (distance !== null && distance > p.radius) continue;
      if (p.filter && !anyConnectorMatches(facts, factsAt[i] as number, factsAt[i + 1] as number, p.filter)) continue;
      out.push({ entry: entries[i] as Entry, distance });
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

  collect(p: Probe, out: Candidate[]): void {
    const fromLat = cellRow(p.minLat);
    const toLat = cellRow(p.maxLat);
    const fromLng = cellColumn(p.minLng);
    const toLng = cellColumn(p.maxLng);
    // A box wider than the grid is cheaper to answer by scanning everything.
    if ((toLat - fromLat + 1) * (toLng - fromLng + 1) > this.cells.size) {
      for (const cell of this.cells.values()) cell.collect(p, out);
      return;
    }
    for (let row = fromLat; row <= toLat; row++) {
      for (let column = fromLng; column <= toLng; column++) this.cells.get(row * CELL_COLUMNS + column)?.collect(p, out);
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
 * applied in place, location changes re-read in batches; a network switching its sharing renews
 * every location) plus a periodic full reload as a safety net (Redis pub/sub does not redeliver
 * what a process missed while disconnected). Answers exactly like the SQL search; until a layer is loaded,
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
   * layer is reloaded in full (in case events were missed) and networks'
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
      network: networkCode(detail.network_id),
      id: detail.id,
      lat,
      lng,
      cell: cellOf(lat, lng),
      alwaysOpen: isAlwaysOpen(detail.opening_hours),
      detail,
      summary,
      jsonHead: undefined,
      connectors: connectorFacts(detail),
    };
  }

  /** What `viewer` sees that the probe finds: the public locations of other networks, and all of its own. */
  private candidates(viewer: string | undefined, probe: Probe): Candidate[] {
    const out: Candidate[] = [];
    const own = viewer === undefined ? undefined : this.own.get(viewer);
    this.publicLayer.grid.collect(own ? { ...probe, exclude: networkCode(viewer as string) } : probe, out);
    own?.grid.collect(probe, out);
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

  /**
   * `search` as the UTF-8 JSON body of the page, copied together from each location's encoded
   * summary: building the text and encoding it would cost the hot path more than the search.
   */
  searchBody(q: DiscoveryQuery, page: PageRequest, now = new Date(), viewer?: string): Buffer {
    const { rows, next_cursor } = this.find(q, page, now, viewer);
    const heads: Buffer[] = [];
    // What follows each head: the distance and whether it is open (ASCII, so one byte a character).
    const tails: string[] = [];
    let size = PAGE_HEAD.length + Math.max(0, rows.length - 1);
    for (const { entry, distance, open } of rows) {
      const head = jsonHeadOf(entry);
      const tail = `${distance === null ? 'null' : Math.round(distance)}${open ? OPEN : CLOSED}`;
      heads.push(head);
      tails.push(tail);
      size += head.length + tail.length;
    }
    const end = `],"next_cursor":${next_cursor === null ? 'null' : JSON.stringify(next_cursor)}}`;
    size += Buffer.byteLength(end);
    const body = bodies.take(size);
    body.set(PAGE_HEAD, 0);
    let at = PAGE_HEAD.length;
    for (let i = 0; i < heads.length; i++) {
      if (i > 0) body[at++] = COMMA;
      const head = heads[i] as Buffer;
      body.set(head, at);
      at += head.length;
      at += body.write(tails[i] as string, at, 'latin1');
    }
    at += body.write(end, at);
    if (at !== size) throw new Error(`discovery page assembled ${at} of ${size} bytes`);
    return body;
  }

  private find(q: DiscoveryQuery, page: PageRequest, now: Date, viewer: string | undefined): { rows: Found[]; next_cursor: string | null } {
    if (viewer !== undefined && !this.own.get(viewer)?.ready) throw new Error(`the discovery index has not loaded network ${viewer}`);
    validateQuery(q);
    const after = page.after as [number | null, string, string] | undefined;
    if (after && (after.length !== 3 || typeof after[1] !== 'string' || typeof after[2] !== 'string')) {
      throw fail.invalid([{ field: 'cursor', message: 'is not a cursor returned by this endpoint' }]);
    }
    const probe = probeOf(q);
    let found = this.candidates(viewer, probe);
    // Near a point or in a box: by distance; otherwise by key alone.
    const spatial = probe.centre !== undefined;
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
      shown.push({ entry: f.entry, distance: f.distance, open });
      if (shown.length > page.limit) break;
    }
    const hasMore = shown.length > page.limit;
    const pageRows = shown.slice(0, page.limit);
    const last = pageRows[pageRows.length - 1];
    return { rows: pageRows, next_cursor: hasMore && last ? encodeCursor([last.distance, last.entry.tenantId, last.entry.id]) : null };
  }
}
