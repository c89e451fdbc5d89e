import { type Selectable, sql } from 'kysely';
import type { EvseStatus, EvsesTable, LocationsTable, OpeningHours } from '../db/schema.js';
import type { Tx } from '../db/tenancy.js';
import type { EvseStatusEvent } from '../realtime/events.js';
import { locationAvailability } from './availability.js';
import type {
  Capability,
  ConnectorStandard,
  ConnectorView,
  EvseView,
  Facility,
  LocationDetail,
  LocationReliability,
  ParkingType,
  PowerType,
  PriceSummary,
} from './locations.model.js';
import { isOpenAt } from './opening-hours.js';

export interface LocationKey {
  tenant_id: string;
  id: string;
}

const num = (value: string | number | null): number | null => (value === null ? null : Number(value));

/**
 * (tenant, id) pairs as two array parameters unnested, whatever their number. A list of row
 * constructors with two parameters each made PGlite fail at COMMIT ("bad buffer ID: 0") once a
 * page held ~100 locations, and would meet PostgreSQL's 65,535-parameter limit at ~32,000.
 */
function keyPairs(pairs: [string, string][]) {
  const tenants = pairs.map((p) => p[0]);
  const ids = pairs.map((p) => p[1]);
  return sql`select * from unnest(${tenants}::text[], ${ids}::text[])`;
}

/** The connectors of these EVSEs with the price summary of each one's tariff. */
function readConnectors(tx: Tx, evses: { tenant_id: string; id: string }[]) {
  if (evses.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('connectors')
    .leftJoin('tariffs', (join) => join.onRef('tariffs.tenant_id', '=', 'connectors.tenant_id').onRef('tariffs.id', '=', 'connectors.tariff_id'))
    .select([
      'connectors.tenant_id',
      'connectors.id',
      'connectors.evse_id',
      'connectors.standard',
      'connectors.format',
      'connectors.power_type',
      'connectors.max_voltage',
      'connectors.max_amperage',
      'connectors.max_electric_power',
      'connectors.tariff_id',
      'tariffs.currency',
      'tariffs.energy_price_per_kwh',
      'tariffs.flat_price',
      'tariffs.time_price_per_hour',
      'tariffs.display_text',
    ])
    .where(sql<boolean>`(connectors.tenant_id, connectors.evse_id) in (${keyPairs(evses.map((e) => [e.tenant_id, e.id]))})`)
    .orderBy('connectors.id')
    .execute();
}

type ConnectorRow = Awaited<ReturnType<typeof readConnectors>>[number];

/** Connector views, by `tenant/evse`. */
function connectorViews(connectors: ConnectorRow[]): Map<string, ConnectorView[]> {
  const connectorsByEvse = new Map<string, ConnectorView[]>();
  for (const c of connectors) {
    const price: PriceSummary | null = c.currency
      ? { currency: c.currency, energy_per_kwh: c.energy_price_per_kwh, flat: c.flat_price, time_per_hour: c.time_price_per_hour, display_text: c.display_text }
      : null;
    const view: ConnectorView = {
      id: c.id,
      standard: c.standard as ConnectorStandard,
      format: c.format,
      power_type: c.power_type,
      max_voltage: c.max_voltage,
      max_amperage: c.max_amperage,
      max_electric_power: c.max_electric_power,
      tariff_id: c.tariff_id,
      price,
    };
    const key = `${c.tenant_id}/${c.evse_id}`;
    connectorsByEvse.set(key, [...(connectorsByEvse.get(key) ?? []), view]);
  }
  return connectorsByEvse;
}

/** EVSE views with their connectors, by `tenant/location`. */
function evseViews(evses: Selectable<EvsesTable>[], connectorsByEvse: Map<string, ConnectorView[]>): Map<string, EvseView[]> {
  const evsesByLocation = new Map<string, EvseView[]>();
  for (const e of evses) {
    const view: EvseView = {
      uid: e.id,
      evse_id: e.evse_id,
      status: e.availability,
      capabilities: e.capabilities as Capability[],
      physical_reference: e.physical_reference,
      floor_level: e.floor_level,
      charge_point_id: e.charge_point_id,
      ocpp_connector_id: e.ocpp_connector_id,
      connectors: connectorsByEvse.get(`${e.tenant_id}/${e.id}`) ?? [],
      version: e.version,
      last_updated: e.updated_at > e.status_updated_at ? e.updated_at : e.status_updated_at,
    };
    const key = `${e.tenant_id}/${e.location_id}`;
    evsesByLocation.set(key, [...(evsesByLocation.get(key) ?? []), view]);
  }
  return evsesByLocation;
}

/** A location's detail from its row and its EVSEs: availability, power, standards and the cheapest price follow from them. */
function locationDetail(l: Selectable<LocationsTable>, evseViews: EvseView[], now: Date, distance: number | null): LocationDetail {
  const live = evseViews.filter((e) => e.status !== 'REMOVED');
  const allConnectors = live.flatMap((e) => e.connectors);
  const prices = allConnectors.map((c) => c.price).filter((p): p is PriceSummary => p !== null);
  const cheapest = prices.sort((a, b) => (a.energy_per_kwh ?? Number.MAX_SAFE_INTEGER) - (b.energy_per_kwh ?? Number.MAX_SAFE_INTEGER))[0] ?? null;
  const version = Math.max(l.version, ...evseViews.map((e) => e.version));
  return {
    id: l.id,
    network_id: l.tenant_id,
    name: l.name,
    address: l.address,
    city: l.city,
    postal_code: l.postal_code,
    state: l.state,
    country: l.country,
    coordinates: { latitude: l.latitude, longitude: l.longitude },
    time_zone: l.time_zone,
    opening_hours: l.opening_hours as OpeningHours,
    facilities: l.facilities as Facility[],
    parking_type: l.parking_type as ParkingType | null,
    operator_name: l.operator_name,
    owner_name: l.owner_name,
    publish: l.publish,
    status: l.status,
    energy_mix: { renewable_share: num(l.renewable_share), co2_g_per_kwh: num(l.co2_g_per_kwh) },
    green: isGreen(num(l.renewable_share)),
    reliability: reliabilityOf(l.reliability_score, l.reliability),
    attribution: l.attribution ?? null,
    distance_m: distance,
    availability: locationAvailability(evseViews.map((e) => e.status as EvseStatus)),
    max_power_w: allConnectors.reduce((max, c) => Math.max(max, c.max_electric_power), 0),
    connector_standards: [...new Set(allConnectors.map((c) => c.standard))].sort(),
    power_types: [...new Set(allConnectors.map((c) => c.power_type as PowerType))].sort(),
    price: cheapest,
    open_now: l.status === 'ACTIVE' && isOpenAt(l.opening_hours as OpeningHours, l.time_zone, now),
    version,
    updated_at: l.updated_at,
    evses: evseViews,
  };
}

/**
 * Locations as the API shows them, in the order of `keys`: three reads (locations, EVSEs,
 * connectors with their tariffs) within whatever scope the transaction has (so RLS decides what
 * is visible), then each location assembled from its rows.
 */
export async function loadLocations(tx: Tx, keys: LocationKey[], now = new Date(), distances?: Map<string, number>): Promise<LocationDetail[]> {
  if (keys.length === 0) return [];
  const pairs = keyPairs(keys.map((k) => [k.tenant_id, k.id]));
  const locations = await tx.selectFrom('locations').selectAll().where(sql<boolean>`(tenant_id, id) in (${pairs})`).execute();
  const evses = await tx.selectFrom('evses').selectAll().where(sql<boolean>`(tenant_id, location_id) in (${pairs})`).orderBy('id').execute();
  const evsesByLocation = evseViews(evses, connectorViews(await readConnectors(tx, evses)));
  const byKey = new Map(locations.map((l) => [`${l.tenant_id}/${l.id}`, l]));
  const details: LocationDetail[] = [];
  for (const key of keys) {
    const id = `${key.tenant_id}/${key.id}`;
    const l = byKey.get(id);
    if (l) details.push(locationDetail(l, evsesByLocation.get(id) ?? [], now, distances?.get(id) ?? null));
  }
  return details;
}

/** What an `evse.status` event says of one EVSE. */
export type EvseStatusChange = Pick<EvseStatusEvent['payload'], 'evse_uid' | 'status' | 'version' | 'updated_at'>;

/**
 * A location's detail after one of its EVSEs changed status, derived as `loadLocations` derives
 * it but without reading the database: `'stale'` when the detail already has that version or a
 * newer one, `undefined` when only a fresh read can tell (an unknown EVSE, or one leaving or
 * returning from `REMOVED`, which changes the location's connectors and power).
 */
export function withEvseStatus(detail: LocationDetail, change: EvseStatusChange): LocationDetail | 'stale' | undefined {
  const evse = detail.evses.find((e) => e.uid === change.evse_uid);
  if (!evse) return undefined;
  if (evse.version >= change.version) return 'stale';
  if (evse.status === 'REMOVED' || change.status === 'REMOVED') return undefined;
  const changedAt = new Date(change.updated_at);
  const evses = detail.evses.map((e) =>
    e === evse ? { ...e, status: change.status, version: change.version, last_updated: changedAt > e.last_updated ? changedAt : e.last_updated } : e,
  );
  return {
    ...detail,
    evses,
    availability: locationAvailability(evses.map((e) => e.status as EvseStatus)),
    version: Math.max(detail.version, change.version),
  };
}

/** The stored score and its basis as discovery shows them (the score itself is the community module's). */
function reliabilityOf(score: string | null, basis: unknown): LocationReliability | null {
  if (score === null || typeof basis !== 'object' || basis === null) return null;
  const b = basis as Record<string, unknown>;
  return {
    score: Number(score),
    sessions: Number(b.sessions ?? 0),
    check_ins: Number(b.check_ins ?? 0),
    uptime_percent: b.uptime_percent === null || b.uptime_percent === undefined ? null : Number(b.uptime_percent),
    window_days: Number(b.window_days ?? 30),
  };
}

/** The share of renewable energy (%) from which a station is badged green and found by `green=true`. */
export const GREEN_RENEWABLE_SHARE_PCT = 80;

export function isGreen(renewableSharePct: number | null): boolean {
  return renewableSharePct !== null && renewableSharePct >= GREEN_RENEWABLE_SHARE_PCT;
}

/** The list form: everything but the EVSE array. */
export function summarise({
  evses: _evses,
  state: _s,
  opening_hours: _o,
  facilities: _f,
  parking_type: _p,
  owner_name: _w,
  energy_mix: _e,
  attribution: _a,
  ...summary
}: LocationDetail) {
  return summary;
}
