import type { IncidentCause } from './incidents.tables.js';

export interface LoggedMessage {
  at: Date;
  direction: 'in' | 'out';
  /** The OCPP-J frame as sent. */
  frame: unknown;
}

export interface Incident {
  id: string;
  location_id: string;
  location_name: string;
  /** Null for an incident of the whole site. */
  evse_uid: string | null;
  /** The printed EVSE id (as on the charger); null for a site. */
  evse_id: string | null;
  scope: 'evse' | 'site';
  status: 'open' | 'resolved';
  causes: IncidentCause[];
  /** The EVSEs it covers, by printed id where they have one. */
  affected_evses: { evse_uid: string; evse_id: string | null }[];
  /** The charger's last error code (OCPP), with a name people understand. */
  fault: { code: string; name: string; info: string | null; vendor_error_code: string | null } | null;
  opened_at: Date;
  last_signal_at: Date;
  resolved_at: Date | null;
  resolution: 'recovered' | 'staff' | 'merged' | null;
  /** How many support tickets are tied to it. */
  tickets: number;
}

export interface IncidentDetail extends Incident {
  message_log: LoggedMessage[];
  ticket_ids: string[];
}

/** What a network shows the public of its open incidents: where and since when, nothing more. */
export interface PublicIncident {
  location_id: string;
  location_name: string;
  city: string;
  scope: 'evse' | 'site';
  evse_id: string | null;
  evses_affected: number;
  since: Date;
}

export interface NetworkStatus {
  network: { name: string; slug: string };
  /** `operational` without open incidents, `degraded` with some, `outage` when a whole site is down. */
  status: 'operational' | 'degraded' | 'outage';
  open_incidents: PublicIncident[];
  /** NEVI uptime of the network's ports over the last 30 days; null without history. */
  uptime_30d_percent: number | null;
  updated_at: Date;
}
