import { type DomainFieldError, fail } from '../shared/errors.js';
import type { Capability, ConnectorStandard } from './locations.model.js';

// A public search's question and its checks, shared by the database search, the in-memory index
// and the fast path (each imports this; none imports another for it).

export interface DiscoveryQuery {
  /** Near a point... */
  lat?: number;
  lng?: number;
  radius_m?: number;
  /** ...or inside a box: min_lng, min_lat, max_lng, max_lat. */
  bbox?: [number, number, number, number];
  connector_standard?: ConnectorStandard[];
  min_power_kw?: number;
  power_type?: 'AC' | 'DC';
  available_now?: boolean;
  open_now?: boolean;
  network_id?: string;
  capability?: Capability[];
  /** Minor units per kWh, VAT included. */
  max_price_per_kwh?: number;
  /** Only stations badged green (mostly renewable energy). */
  green?: boolean;
  /** Only stations whose reliability score is at least this (0–10); stations without a score are left out. */
  min_reliability?: number;
  /** Nearest first (the default near a point or in a box), or the most reliable first. */
  sort?: 'distance' | 'reliability';
}

/**
 * The first element of a result's position (and cursor): its distance, or when sorting by
 * reliability the score negated, so that ascending order is the most reliable first and
 * stations without a score (1) come last.
 */
export const reliabilityKey = (score: number | null | undefined) => (score === null || score === undefined ? 1 : -score);

const MAX_RADIUS_M = 200_000;

export function parseBbox(raw: string | undefined): [number, number, number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map(Number);
  const [minLng, minLat, maxLng, maxLat] = parts;
  if (
    parts.length !== 4 ||
    parts.some((n) => !Number.isFinite(n)) ||
    minLng === undefined ||
    minLat === undefined ||
    maxLng === undefined ||
    maxLat === undefined ||
    minLat < -90 ||
    maxLat > 90 ||
    minLng < -180 ||
    maxLng > 180 ||
    minLat >= maxLat ||
    minLng >= maxLng
  ) {
    throw fail.invalid([{ field: 'bbox', message: 'must be min_lng,min_lat,max_lng,max_lat with min < max, in degrees' }]);
  }
  return [minLng, minLat, maxLng, maxLat];
}

export function validateQuery(q: DiscoveryQuery): void {
  const errors: DomainFieldError[] = [];
  const near = q.lat !== undefined || q.lng !== undefined;
  if (near && (q.lat === undefined || q.lng === undefined))
    errors.push({ field: q.lat === undefined ? 'query.lat' : 'query.lng', message: 'lat and lng go together' });
  if (q.lat !== undefined && (q.lat < -90 || q.lat > 90)) errors.push({ field: 'lat', message: 'must be between -90 and 90' });
  if (q.lng !== undefined && (q.lng < -180 || q.lng > 180)) errors.push({ field: 'lng', message: 'must be between -180 and 180' });
  if (q.radius_m !== undefined && (q.radius_m <= 0 || q.radius_m > MAX_RADIUS_M))
    errors.push({ field: 'radius_m', message: `must be between 1 and ${MAX_RADIUS_M}` });
  if (q.radius_m !== undefined && !near) errors.push({ field: 'radius_m', message: 'needs lat and lng' });
  if (q.min_reliability !== undefined && !(q.min_reliability >= 0 && q.min_reliability <= 10))
    errors.push({ field: 'min_reliability', message: 'must be between 0 and 10' });
  if (near && q.bbox) errors.push({ field: 'bbox', message: 'search near a point or in a box, not both' });
  if (q.min_power_kw !== undefined && (q.min_power_kw < 0 || q.min_power_kw > 2000))
    errors.push({ field: 'min_power_kw', message: 'must be between 0 and 2000' });
  if (q.max_price_per_kwh !== undefined && q.max_price_per_kwh < 0) errors.push({ field: 'max_price_per_kwh', message: 'must not be negative' });
  if (errors.length) throw fail.invalid(errors);
}
