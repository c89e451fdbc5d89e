import type { Logger } from 'pino';
import type { Scopes } from '../db/tenancy.js';
import type { EventBus, EvseStatusEvent } from '../realtime/events.js';
import { fail } from '../shared/errors.js';
import { encodeCursor, type Page, type PageRequest } from '../shared/pagination.js';
import { connectorFacts, networkCode } from './discovery-facts.js';
import {
  type Candidate,
  cellOf,
  compareKeys,
  type Entry,
  earthDistance,
  type Found,
  LocationGrid,
  locationKey,
  type Probe,
  probeOf,
} from './discovery-grid.js';
import { bodies, CLOSED, COMMA, jsonHeadOf, OPEN, PAGE_HEAD } from './discovery-page-bytes.js';
import { type DiscoveryQuery, reliabilityKey, validateQuery } from './discovery-query.js';
import type { LocationDetail, LocationSummary } from './locations.model.js';
import { isAlwaysOpen, isOpenAt } from './opening-hours.js';
import { loadLocations, summarise, withEvseStatus } from './read-model.js';

export { earthDistance };

// PGlite 0.5 fails ("bad buffer ID") on much larger batches of this read.
const LOAD_BATCH = 100;

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
    // Near a point or in a box: by distance; by reliability when asked; otherwise by key alone.
    const spatial = probe.centre !== undefined;
    const byReliability = q.sort === 'reliability';
    const sortKey = (f: { entry: Entry; distance: number | null }) =>
      byReliability ? reliabilityKey(f.entry.detail.reliability?.score) : spatial ? (f.distance as number) : 0;
    found.sort((a, b) => sortKey(a) - sortKey(b) || compareKeys(a.entry, b.entry));
    if (after) {
      const [k, tenant, id] = after;
      const afterEntry = { tenantId: tenant, id } as Entry;
      found = found.filter((f) =>
        spatial || byReliability
          ? sortKey(f) > (k ?? 0) || (sortKey(f) === (k ?? 0) && compareKeys(f.entry, afterEntry) > 0)
          : compareKeys(f.entry, afterEntry) > 0,
      );
    }
    const shown: Found[] = [];
    for (const f of found) {
      const open = f.entry.alwaysOpen || isOpenAt(f.entry.detail.opening_hours, f.entry.detail.time_zone, now);
      if (q.open_now && !open) continue;
      if (q.green && !f.entry.detail.green) continue;
      if (q.min_reliability !== undefined && !((f.entry.detail.reliability?.score ?? -1) >= q.min_reliability)) continue;
      shown.push({ entry: f.entry, distance: f.distance, open });
      if (shown.length > page.limit) break;
    }
    const hasMore = shown.length > page.limit;
    const pageRows = shown.slice(0, page.limit);
    const last = pageRows[pageRows.length - 1];
    const cursorKey = last ? (byReliability ? sortKey(last) : last.distance) : null;
    return { rows: pageRows, next_cursor: hasMore && last ? encodeCursor([cursorKey, last.entry.tenantId, last.entry.id]) : null };
  }
}
