import { anyConnectorMatches, type ConnectorFilter, connectorFilterOf, NO_NETWORK, networkFilterCode } from './discovery-facts.js';
import type { DiscoveryQuery } from './discovery-query.js';
import type { LocationDetail, LocationSummary } from './locations.model.js';

/** PostgreSQL earthdistance's sphere (`earth()`), so distances match the database's. */
export const EARTH_RADIUS_M = 6_378_168;
export const RAD = Math.PI / 180;
export const CELL_DEG = 0.1;
export function earthDistance(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const h = Math.sin(((lat2 - lat1) * RAD) / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(((lng2 - lng1) * RAD) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** What one search looks for, compiled once; the grid tests it cell by cell. */
export interface Probe {
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

export interface Candidate {
  entry: Entry;
  distance: number | null;
}

/** Near a point: the box around the circle; in a box: distances from its centre; neither: everything. */
export function probeOf(q: DiscoveryQuery): Probe {
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

export interface Entry {
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

export interface Found extends Candidate {
  open: boolean;
}

export const CELL_COLUMNS = Math.ceil(360 / CELL_DEG) + 1;
export const cellRow = (lat: number) => Math.floor((lat + 90) / CELL_DEG);
export const cellColumn = (lng: number) => Math.floor((lng + 180) / CELL_DEG);
export const cellOf = (lat: number, lng: number) => cellRow(lat) * CELL_COLUMNS + cellColumn(lng);
/** Locations are keyed `tenant/location` throughout the index. */
export const locationKey = (tenantId: string, locationId: string) => `${tenantId}/${locationId}`;
export const compareKeys = (a: Entry, b: Entry) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The locations of one grid cell, with what a search tests (coordinates, network, connector
 * facts) also packed side by side in typed arrays: a search reads a few contiguous arrays per
 * cell and touches only the locations it returns. Scattered over the heap, reading each
 * candidate's own objects cost more than the rest of the search.
 */
export class Cell {
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
export class LocationGrid {
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
