import type { EvseStatus } from '../db/schema.js';
import type { Capability, ConnectorInput, ConnectorStandard, LocationInput, PowerType } from '../locations/locations.model.js';

/** The Open Charge Map reference lists the importer needs (referencedata.json). */
export interface OcmReference {
  ConnectionTypes: { ID: number; Title: string }[];
  Countries: { ID: number; ISOCode: string; Title: string }[];
  DataProviders: { ID: number; Title: string; License?: string | null; WebsiteURL?: string | null }[];
  Operators: { ID: number; Title: string }[];
  UsageTypes: { ID: number; Title: string }[];
}

export interface ImportedEvse {
  source: string;
  status: EvseStatus;
  capabilities: Capability[];
  connector: ConnectorInput & { max_electric_power: number };
}

export interface ImportedLocation {
  source: string;
  location: Omit<LocationInput, 'evses'>;
  attribution: { provider: string; licence: string | null; url: string; ocm_id: number };
  evses: ImportedEvse[];
  skipped_connections: string[];
}

export type MappedPoi = { ok: true; value: ImportedLocation } | { ok: false; id: string; reason: string };

/** OCM connection type → OCPI standard and format. Types without an OCPI equivalent are skipped. */
const CONNECTION_TYPES: Record<number, { standard: ConnectorStandard; format: 'SOCKET' | 'CABLE'; dc?: boolean }> = {
  1: { standard: 'IEC_62196_T1', format: 'CABLE' },
  2: { standard: 'CHADEMO', format: 'CABLE', dc: true },
  13: { standard: 'DOMESTIC_C', format: 'SOCKET' },
  23: { standard: 'DOMESTIC_E', format: 'SOCKET' },
  25: { standard: 'IEC_62196_T2', format: 'SOCKET' },
  26: { standard: 'IEC_62196_T3C', format: 'SOCKET' },
  27: { standard: 'TESLA_S', format: 'CABLE', dc: true },
  28: { standard: 'DOMESTIC_F', format: 'SOCKET' },
  30: { standard: 'TESLA_S', format: 'CABLE' },
  32: { standard: 'IEC_62196_T1_COMBO', format: 'CABLE', dc: true },
  33: { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', dc: true },
  1036: { standard: 'IEC_62196_T2', format: 'CABLE' },
};

const CURRENT_TYPES: Record<number, PowerType> = { 10: 'AC_1_PHASE', 20: 'AC_3_PHASE', 30: 'DC' };

/** OCM status type → OCPI EVSE status. "Operational" says nothing about right now: UNKNOWN. */
const STATUS_TYPES: Record<number, EvseStatus> = {
  10: 'AVAILABLE',
  20: 'CHARGING',
  30: 'INOPERATIVE',
  75: 'UNKNOWN',
  100: 'OUTOFORDER',
  150: 'PLANNED',
  200: 'REMOVED',
  210: 'REMOVED',
};

/** OCM has no time zones; these are the single-zone countries a European network meets. */
export const COUNTRY_TIME_ZONES: Record<string, string> = {
  LU: 'Europe/Luxembourg',
  BE: 'Europe/Brussels',
  NL: 'Europe/Amsterdam',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  AT: 'Europe/Vienna',
  CH: 'Europe/Zurich',
  IT: 'Europe/Rome',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  IE: 'Europe/Dublin',
  GB: 'Europe/London',
  DK: 'Europe/Copenhagen',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague',
  SK: 'Europe/Bratislava',
  HU: 'Europe/Budapest',
  SI: 'Europe/Ljubljana',
  HR: 'Europe/Zagreb',
  GR: 'Europe/Athens',
  RO: 'Europe/Bucharest',
  BG: 'Europe/Sofia',
  EE: 'Europe/Tallinn',
  LV: 'Europe/Riga',
  LT: 'Europe/Vilnius',
  AD: 'Europe/Andorra',
  MC: 'Europe/Monaco',
  LI: 'Europe/Vaduz',
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

function mapConnection(c: Json, ref: OcmReference, label: string): ImportedEvse[] | string {
  const typeId = typeof c.ConnectionTypeID === 'number' ? c.ConnectionTypeID : 0;
  const type = CONNECTION_TYPES[typeId];
  const typeName = ref.ConnectionTypes.find((t) => t.ID === typeId)?.Title ?? `type ${typeId}`;
  if (!type) return `${label}: ${typeName} has no OCPI connector standard`;
  const powerKw = positive(c.PowerKW);
  let powerType: PowerType =
    (typeof c.CurrentTypeID === 'number' && CURRENT_TYPES[c.CurrentTypeID]) ||
    (type.dc ? 'DC' : powerKw !== undefined && powerKw > 7.4 ? 'AC_3_PHASE' : 'AC_1_PHASE');
  if (type.dc && powerType !== 'DC') powerType = 'DC';
  const dc = powerType === 'DC';
  let voltage = positive(c.Voltage) ?? (dc ? 400 : powerType === 'AC_3_PHASE' ? 400 : 230);
  // OCM often records phase voltage (220–240 V) for three-phase points; power tells which.
  if (dc && voltage < 200) voltage = 400;
  const phases = powerType === 'AC_3_PHASE' ? (voltage > 300 ? Math.sqrt(3) : 3) : 1;
  const amps = positive(c.Amps) ?? (powerKw ? Math.ceil((powerKw * 1000) / (voltage * phases)) : dc ? 125 : 16);
  const derivedPower = Math.round(voltage * amps * phases);
  const power = powerKw ? Math.round(powerKw * 1000) : derivedPower;
  if (power > 2_000_000 || voltage > 2000 || amps > 1000) return `${label}: implausible electrical values (${voltage} V, ${amps} A, ${power} W)`;
  const quantity = typeof c.Quantity === 'number' && Number.isInteger(c.Quantity) && c.Quantity > 0 && c.Quantity <= 50 ? c.Quantity : 1;
  const status = (typeof c.StatusTypeID === 'number' && STATUS_TYPES[c.StatusTypeID]) || 'UNKNOWN';
  const connector = {
    standard: type.standard,
    format: type.format,
    power_type: powerType,
    max_voltage: Math.round(voltage),
    max_amperage: Math.round(amps),
    // OCM power is authoritative; keep voltage × current consistent with it.
    max_electric_power: Math.min(power, Math.round(derivedPower * 1.1)),
  };
  return Array.from({ length: quantity }, (_, i) => ({ source: `${label}#${i + 1}`, status, capabilities: [], connector }));
}

/** Maps one OCM POI record to our model, or says why it cannot be imported. Pure. */
export function mapPoi(poi: unknown, ref: OcmReference): MappedPoi {
  if (!isObject(poi) || typeof poi.ID !== 'number') return { ok: false, id: '?', reason: 'not an OCM POI object (no numeric ID)' };
  const id = `ocm:${poi.ID}`;
  const fail = (reason: string): MappedPoi => ({ ok: false, id, reason });
  const address = poi.AddressInfo;
  if (!isObject(address)) return fail('no AddressInfo');
  const lat = address.Latitude;
  const lng = address.Longitude;
  if (typeof lat !== 'number' || typeof lng !== 'number' || Math.abs(lat) > 90 || Math.abs(lng) > 180 || (lat === 0 && lng === 0))
    return fail('no valid coordinates');
  const name = text(address.Title);
  if (!name) return fail('no title');
  const country = ref.Countries.find((c) => c.ID === address.CountryID)?.ISOCode;
  if (!country || !/^[A-Z]{2}$/.test(country)) return fail(`unknown country id ${String(address.CountryID)}`);
  const timeZone = COUNTRY_TIME_ZONES[country];
  if (!timeZone) return fail(`no time zone known for country ${country}`);
  if (poi.StatusTypeID === 200 || poi.StatusTypeID === 210) return fail('removed in Open Charge Map');

  const connections = Array.isArray(poi.Connections) ? poi.Connections : [];
  const evses: ImportedEvse[] = [];
  const skipped: string[] = [];
  for (const c of connections) {
    if (!isObject(c)) {
      skipped.push(`${id}: a connection is not an object`);
      continue;
    }
    const mapped = mapConnection(c, ref, `${id}/${typeof c.ID === 'number' ? c.ID : evses.length + skipped.length}`);
    if (typeof mapped === 'string') skipped.push(mapped);
    else evses.push(...mapped);
  }
  if (evses.length === 0) return fail(connections.length === 0 ? 'no connections' : `no importable connections (${skipped.join('; ')})`);

  const usage = typeof poi.UsageTypeID === 'number' ? poi.UsageTypeID : 0;
  const provider = ref.DataProviders.find((p) => p.ID === poi.DataProviderID);
  const operator = ref.Operators.find((o) => o.ID === poi.OperatorID)?.Title;
  const line = [text(address.AddressLine1), text(address.AddressLine2)].filter(Boolean).join(', ');
  return {
    ok: true,
    value: {
      source: id,
      location: {
        name: name.slice(0, 255),
        address: (line || name).slice(0, 255),
        city: (text(address.Town) ?? text(address.StateOrProvince) ?? 'Unknown').slice(0, 100),
        postal_code: text(address.Postcode)?.slice(0, 10),
        country,
        coordinates: { latitude: lat, longitude: lng },
        time_zone: timeZone,
        opening_hours: { twentyfourseven: true },
        operator_name: operator && !operator.startsWith('(') ? operator : undefined,
        // "Private - Restricted Access" is not for the public map.
        publish: usage !== 2,
      },
      attribution: {
        provider: provider?.Title ?? 'Open Charge Map',
        licence: provider?.License ?? null,
        url: `https://openchargemap.org/site/poi/details/${poi.ID}`,
        ocm_id: poi.ID,
      },
      evses,
      skipped_connections: skipped,
    },
  };
}
