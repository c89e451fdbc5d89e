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
  /**
   * EVSEs charging a car now: the one figure the console shows as "charging now", equal to
   * `evses.by_status.CHARGING` (the bar) — a session the charger has not reported as charging,
   * or a charger that reports charging without a session, counts as the charger says.
   */
  charging_now: number;
  /** `active`: sessions open on the platform (a charger may hold one while the car is paused). */
  sessions: { active: number; started_last_24h: number; energy_last_24h_wh: number };
  reservations: { active: number; upcoming_24h: number };
  /** The last 24 hours, oldest first, one entry per hour. */
  hourly: HourOfActivity[];
  /** EVSEs out of order or inoperative, longest first (at most 20). */
  faults: FaultyEvse[];
}

export interface ActivityBucket {
  start: Date;
  end: Date;
  sessions_started: number;
  /** Energy of the sessions that ended in this bucket (Wh). */
  energy_wh: number;
  /** Priced cost of the sessions that ended in this bucket, VAT included, minor units per currency. */
  revenue: Record<string, number>;
  /** Share of the network's EVSE time occupied by sessions (0–100). */
  utilisation_percent: number;
}

/** The network's activity over a chosen period, per hour or per local day: the console's charts. */
export interface NetworkActivity {
  bucket: 'hour' | 'day';
  time_zone: string;
  /** EVSEs the utilisation is measured against (as they are now). */
  evses: number;
  buckets: ActivityBucket[];
}
