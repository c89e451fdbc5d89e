import type { DiscoveryQuery } from './discovery-query.js';
import type { LocationDetail } from './locations.model.js';

/*
 * The EVSE and connector filters of a search must all hold for one and the same connector (the
 * SQL search states the same rule in `DiscoveryService.candidates`; a test keeps them equal).
 * Each location's connectors are packed into one flat array of the facts those filters test, so
 * a search reads a few numbers per candidate instead of walking its EVSE and connector objects
 * (scattered over the heap, those reads cost more than the rest of the search).
 */
export const FACTS = 6; // standard, power (W), DC, EVSE available, EVSE capabilities (bits), energy price (−1: none)
export const standardCodes = new Map<string, number>();
export const capabilityBits = new Map<string, number>();
export const codeOf = (codes: Map<string, number>, name: string, next: (size: number) => number) => {
  let code = codes.get(name);
  if (code === undefined) {
    code = next(codes.size);
    codes.set(name, code);
  }
  return code;
};
export const standardCode = (standard: string) => codeOf(standardCodes, standard, (n) => n);
export const networkCodes = new Map<string, number>();
export const networkCode = (networkId: string) => codeOf(networkCodes, networkId, (n) => n);
export const NO_NETWORK = -1;
export const UNKNOWN_NETWORK = -2;
/** A network's code for a filter: a network the index has never held matches nothing. */
export const networkFilterCode = (networkId: string | undefined) => (networkId === undefined ? NO_NETWORK : (networkCodes.get(networkId) ?? UNKNOWN_NETWORK));
export const capabilityMask = (capabilities: readonly string[]) => capabilities.reduce((mask, c) => mask | codeOf(capabilityBits, c, (n) => 2 ** n), 0);

export function connectorFacts(detail: LocationDetail): Float64Array {
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
export interface ConnectorFilter {
  /** Indexed by standard code: 1 where the standard is wanted. */
  standards: Uint8Array | undefined;
  minPowerW: number;
  /** 1: DC only, 0: AC only, −1: either. */
  dc: number;
  availableNow: boolean;
  capabilities: number;
  maxPricePerKwh: number;
}

export function connectorFilterOf(q: DiscoveryQuery): ConnectorFilter | undefined {
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
export function anyConnectorMatches(facts: Float64Array, from: number, to: number, f: ConnectorFilter): boolean {
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
