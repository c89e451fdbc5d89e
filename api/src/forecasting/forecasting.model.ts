/** One hour of a station's outlook. */
export interface HourOutlook {
  starts_at: Date;
  /** Cars expected plugged in over the hour (mean). */
  expected_busy_evses: number;
  expected_free_evses: number;
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
