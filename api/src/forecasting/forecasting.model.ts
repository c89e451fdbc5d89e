/** One hour of a station's outlook. */
export interface HourOutlook {
  starts_at: Date;
  /** Cars expected plugged in over the hour (mean). */
  expected_busy_evses: number;
  expected_free_evses: number;
  /** The chance of finding no EVSE free (a wait), 0–1. */
  chance_none_free: number;
  /** Among the three quietest hours of the next 24. */
  best: boolean;
  /**
   * What a kWh charged here in this hour emits, g CO₂: the grid's intensity less what the site's
   * PV would give one 11 kW car.
   */
  co2_g_per_kwh: number;
  /** Among the three cleanest hours of the next 24 (none marked when every hour is within 5 %). */
  greenest: boolean;
}

/** A station's next 24 hours as forecast from its own sessions. */
export interface StationOutlook {
  location_id: string;
  time_zone: string;
  evses: number;
  /** `none`: no sessions in the last eight weeks (the hours say nothing); `low`: less than two weeks of history. */
  confidence: 'high' | 'low' | 'none';
  history_days: number;
  /** The forecaster that made it. */
  model: string;
  hours: HourOutlook[];
}

/** One hour of an area's demand forecast: sums over its public stations, nothing per station or driver. */
export interface AreaHour {
  starts_at: Date;
  expected_busy_evses: number;
  expected_free_evses: number;
}

/** The next 24 hours of charging demand over an area, for cities and utilities. */
export interface AreaForecast {
  /** min_lng, min_lat, max_lng, max_lat. */
  bbox: number[];
  stations: number;
  evses: number;
  /** Stations whose forecast rests on two weeks or more of history, of `stations`. */
  stations_with_history: number;
  hours: AreaHour[];
}

/** A site's trained forecast for the next seven days, for its network. */
export interface SiteForecast {
  location_id: string;
  time_zone: string;
  evses: number;
  /** `borrowed`: under two weeks of its own history, so per EVSE from the network's similar sites. */
  confidence: 'high' | 'low' | 'borrowed' | 'none';
  model: string;
  trained_at: Date | null;
  hours: SiteForecastHour[];
}

export interface SiteForecastHour {
  starts_at: Date;
  expected_arrivals: number;
  expected_busy_evses: number;
  expected_energy_kwh: number;
  /** The chance that no EVSE is free in the hour, 0–1. */
  chance_none_free: number;
  /** EVSEs held by bookings over the hour (the forecast never goes below them). */
  booked_evses: number;
}
