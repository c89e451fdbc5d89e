import type { LocationDetail } from '../locations/locations.model.js';
import { ALPHA3 } from './countries.js';

/** OCPI 2.2.1 Location module objects (sender side), mapped from our model. */
export interface OcpiLocation {
  country_code: string;
  party_id: string;
  id: string;
  publish: boolean;
  name?: string;
  address: string;
  city: string;
  postal_code?: string;
  state?: string;
  country: string;
  coordinates: { latitude: string; longitude: string };
  evses: OcpiEvse[];
  operator?: { name: string };
  owner?: { name: string };
  facilities?: string[];
  parking_type?: string;
  time_zone: string;
  opening_times: LocationDetail['opening_hours'];
  energy_mix?: { is_green_energy: boolean };
  last_updated: string;
}

export interface OcpiEvse {
  uid: string;
  evse_id?: string;
  status: string;
  capabilities?: string[];
  connectors: OcpiConnector[];
  physical_reference?: string;
  floor_level?: string;
  last_updated: string;
}

export interface OcpiConnector {
  id: string;
  standard: string;
  format: string;
  power_type: string;
  max_voltage: number;
  max_amperage: number;
  max_electric_power?: number;
  tariff_ids?: string[];
  last_updated: string;
}

/** OCPI strings have hard maxima; cut at a character boundary rather than send an invalid object. */
const cut = (value: string, max: number) => (value.length <= max ? value : value.slice(0, max));
const coordinate = (value: number) => value.toFixed(6);
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** CPO identity: the network's country and a 3-character party id derived from its slug. */
export function partyOf(network: { country: string; slug: string }): { country_code: string; party_id: string } {
  const letters = network.slug.replace(/[^a-z0-9]/gi, '').toUpperCase();
  return { country_code: network.country, party_id: (letters + 'XXX').slice(0, 3) };
}

export function toOcpiLocation(l: LocationDetail, party: { country_code: string; party_id: string }): OcpiLocation {
  const updated = [l.updated_at, ...l.evses.map((e) => e.last_updated)].reduce((a, b) => (a > b ? a : b));
  return {
    ...party,
    id: l.id,
    publish: l.publish,
    name: cut(l.name, 255),
    address: cut(l.address, 45),
    city: cut(l.city, 45),
    ...(l.postal_code ? { postal_code: cut(l.postal_code, 10) } : {}),
    ...(l.state ? { state: cut(l.state, 20) } : {}),
    country: ALPHA3[l.country] ?? l.country,
    coordinates: { latitude: coordinate(l.coordinates.latitude), longitude: coordinate(l.coordinates.longitude) },
    evses: l.evses.map((e) => ({
      uid: e.uid,
      ...(e.evse_id ? { evse_id: e.evse_id } : {}),
      status: e.status,
      ...(e.capabilities.length ? { capabilities: e.capabilities } : {}),
      connectors: e.connectors.map((c) => ({
        id: c.id,
        standard: c.standard,
        format: c.format,
        power_type: c.power_type,
        max_voltage: c.max_voltage,
        max_amperage: c.max_amperage,
        max_electric_power: c.max_electric_power,
        ...(c.tariff_id ? { tariff_ids: [c.tariff_id] } : {}),
        last_updated: iso(e.last_updated),
      })),
      ...(e.physical_reference ? { physical_reference: e.physical_reference } : {}),
      ...(e.floor_level ? { floor_level: e.floor_level } : {}),
      last_updated: iso(e.last_updated),
    })),
    ...(l.operator_name ? { operator: { name: cut(l.operator_name, 100) } } : {}),
    ...(l.owner_name ? { owner: { name: cut(l.owner_name, 100) } } : {}),
    ...(l.facilities.length ? { facilities: l.facilities } : {}),
    ...(l.parking_type ? { parking_type: l.parking_type } : {}),
    time_zone: l.time_zone,
    opening_times: l.opening_hours,
    ...(l.energy_mix.renewable_share !== null ? { energy_mix: { is_green_energy: l.energy_mix.renewable_share >= 100 } } : {}),
    last_updated: iso(updated),
  };
}
