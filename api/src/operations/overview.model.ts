export interface HourOfActivity {
  /** Start of the hour (UTC). */
  hour: Date;
  sessions_started: number;
  /** Energy of the sessions that ended in this hour (Wh). */
  energy_wh: number;
}

export interface FaultyEvse {
  evse_uid: string;
  evse_id: string | null;
  location_id: string;
  location_name: string;
  status: string;
  since: Date;
}

export interface OfflineChargePoint {
  id: string;
  identity: string;
  last_seen_at: Date | null;
}

/** What an operator looks at first: the network right now and over the last day. */
export interface NetworkOverview {
  generated_at: Date;
  /** EVSEs by the status drivers see (availability, computed in one place). */
  evses: { total: number; by_status: Record<string, number> };
  charge_points: { total: number; online: number; offline: OfflineChargePoint[] };
  sessions: { active: number; started_last_24h: number; energy_last_24h_wh: number };
  reservations: { active: number; upcoming_24h: number };
  /** The last 24 hours, oldest first, one entry per hour. */
  hourly: HourOfActivity[];
  /** EVSEs out of order or inoperative, longest first (at most 20). */
  faults: FaultyEvse[];
}
