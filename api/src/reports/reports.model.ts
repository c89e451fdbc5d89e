/** How much a public station was used over a period: what cities and planners ask for. */
export interface LocationUtilisation {
  location_id: string;
  network_id: string;
  name: string;
  city: string;
  evses: number;
  sessions: number;
  /** Hours EVSEs spent in sessions within the period (sessions overlapping its edges count in part). */
  charging_hours: number;
  /** Energy of those sessions (whole sessions, also where they overlap the period's edges). */
  energy_kwh: number;
  /** charging_hours ÷ (evses × hours in the period, up to now), 0–1. */
  utilisation: number;
}
