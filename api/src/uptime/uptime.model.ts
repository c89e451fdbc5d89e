import type { ResourceId } from '../shared/validation.js';
import type { ExclusionReason } from './uptime.tables.js';

export interface ExclusionRequest {
  location_id: ResourceId;
  /** One EVSE; left out, the whole site. */
  evse_uid?: ResourceId;
  starts_at: Date;
  ends_at: Date;
  reason: ExclusionReason;
  /** @maxLength 500 */
  note?: string;
  /** The incident the outage was (its times are not taken from it: say them). */
  incident_id?: ResourceId;
}

export interface Exclusion {
  id: string;
  location_id: string;
  evse_uid: string | null;
  starts_at: Date;
  ends_at: Date;
  reason: ExclusionReason;
  note: string | null;
  incident_id: string | null;
  created_at: Date;
}

export interface PortUptime {
  evse_uid: string;
  /** The printed EVSE id. */
  evse_id: string | null;
  location_id: string;
  location_name: string;
  measured_minutes: number;
  outage_minutes: number;
  excluded_minutes: number;
  /** NEVI's μ; null when the port was not in service in the period. */
  uptime_percent: number | null;
  /** Below NEVI's 97 %. */
  below_target: boolean;
}

export interface SiteUptime {
  location_id: string;
  location_name: string;
  ports: number;
  /** Over all ports of the site: (ΣT − Σ(outage − excluded)) / ΣT. */
  uptime_percent: number | null;
  ports_below_target: number;
}

/** The UK Public Charge Point Regulations 2023: each rapid charge point (50 kW or more) reliable 99 % of the time. */
export interface RapidChargePointReliability {
  charge_point_id: string;
  location_id: string;
  reliability_percent: number | null;
  meets_target: boolean;
}

export interface UptimeReport {
  from: Date;
  to: Date;
  network: {
    ports: number;
    /** Ports in service at some time in the period (the others have no history to measure yet). */
    ports_measured: number;
    uptime_percent: number | null;
    ports_below_target: number;
    /** The share of measured ports under 97 %, 0–1. */
    share_below_target: number | null;
    outage_minutes: number;
    excluded_minutes: number;
  };
  sites: SiteUptime[];
  ports: PortUptime[];
  rapid_charge_points: RapidChargePointReliability[];
  exclusions: Exclusion[];
  method: string;
}
