export interface PowerLimitInput {
  /**
   * The most the whole site may draw for charging, in watts.
   * @isInt
   * @minimum 0
   * @maximum 100000000
   */
  max_power_w: number;
  /** From when (default: now). */
  starts_at?: Date;
  /** Until when (default: until removed). */
  ends_at?: Date | null;
}

export interface GridSignalInput extends PowerLimitInput {
  /** The site, which its network names you grid operator of. @maxLength 64 */
  location_id: string;
}

export interface PowerLimit {
  id: string;
  location_id: string;
  max_power_w: number;
  /** `network`: set by the site's network; `grid`: pushed by its grid operator. */
  source: 'network' | 'grid';
  partner_id: string | null;
  starts_at: Date;
  ends_at: Date | null;
  created_at: Date;
}

/** What one charger was told, and what it answered. */
export interface LimitApplication {
  charge_point_id: string;
  evse_uid: string;
  /** The EVSE's share of the site limit in watts; null when the limit was lifted. */
  max_power_w: number | null;
  /** The charger's answer (`Accepted`, `Rejected`), or `offline` / `timeout` / `error` (told again when it reconnects). */
  result: string;
}

export interface SitePowerState {
  location_id: string;
  /** The limit in force now (the lowest of those in force), or null. */
  max_power_w: number | null;
  limits: PowerLimit[];
  applied: LimitApplication[];
}

export interface GridOperatorInput {
  /** A utility partner's id, or null to name none. @maxLength 64 */
  partner_id: string | null;
}

/** A limit as the network's list shows it: with its site's name and whether it is in force now. */
export interface NetworkPowerLimit extends PowerLimit {
  location_name: string;
  in_force: boolean;
}

/** Your session's share of its site's power: what the plan gives the car now and by when. */
export interface SessionPlan {
  /** Whether the site's power is shared under a limit now (otherwise the car takes what it can). */
  limited: boolean;
  /** The power the charger was told for this car, W. */
  power_w: number | null;
  /** The energy the plan delivers by `by`, Wh (counting from now). */
  planned_wh: number | null;
  /** The departure the plan works to: the driver's, or the site's estimate. */
  by: Date | null;
}

/** One EVSE's share of its site's limit, and why it has it. */
export interface EvseShare {
  evse_uid: string;
  /** The eMI3 id printed on the charger, if it has one. */
  evse_id: string | null;
  charge_point_id: string;
  /** The charger's OCPP identity, as operators know it. */
  charger_identity: string;
  /** What the charger was told, W; null when it was not told (no limit, or it was offline). */
  share_w: number | null;
  /** What its car draws now (the last meter value), W; null without a car or a reading. */
  measured_w: number | null;
  /** What the plan gives its car by `planned_by`, Wh. */
  planned_wh: number | null;
  planned_by: Date | null;
  /**
   * `idle`: keeps enough to start a car; `planned`: from the driver's energy wanted or departure;
   * `shared_alike`: nothing stated, shares with the others; `ignores_limit`: draws over its share
   * (flagged as a fault, the others reduced); `not_told`.
   */
  reason: 'idle' | 'planned' | 'shared_alike' | 'ignores_limit' | 'not_told';
}

/** A site's power as operators see it: the limits, each EVSE's share and why, and what the site draws. */
export interface SitePowerView extends Omit<SitePowerState, 'applied'> {
  shares: EvseShare[];
  /** The sum of what the site's cars draw now, W. */
  measured_w: number;
}

/** A time-of-use window of a site's energy contract, in the site's local time. */
export interface EnergyPriceWindow {
  /** ISO weekdays it applies on, 1 (Monday) to 7 (Sunday). @minItems 1 @maxItems 7 */
  days: number[];
  /** Local start, `HH:MM`. @pattern ^([01]\d|2[0-3]):[0-5]\d$ @maxLength 5 */
  start: string;
  /** Local end, `HH:MM` (`24:00` for midnight), after `start`. @pattern ^(([01]\d|2[0-3]):[0-5]\d|24:00)$ @maxLength 5 */
  end: string;
  /** @minimum 0 @maximum 10 */
  price_per_kwh: number;
}

/** What a site pays for its energy and how its power is planned. */
export interface EnergyContractInput {
  /**
   * `most_energy` (default): the most energy to every car by its departure, fairly; `least_cost`:
   * the most the site earns, weighing each kWh's price now and later and the demand charge on the
   * month's peak against what a delivered kWh earns; `least_carbon`: all the energy it can, at the
   * hours the grid is cleanest (and on the site's PV); `solar_first`: all the energy it can, as
   * much as possible from the site's own PV. Sessions the driver marked flexible are shifted
   * furthest; the others only a little. Prices are kept for the reports whatever the objective.
   */
  objective: 'most_energy' | 'least_cost' | 'least_carbon' | 'solar_first';
  /** ISO 4217. @pattern ^[A-Z]{3}$ @maxLength 3 */
  currency: string;
  /** Price per kWh outside the windows. @minimum 0 @maximum 10 */
  base_price_per_kwh: number;
  /** Time-of-use prices; where windows overlap the first wins. @maxItems 48 */
  windows?: EnergyPriceWindow[];
  /** Per kW of the highest draw in a calendar month (local). @minimum 0 @maximum 1000 */
  demand_charge_per_kw?: number;
  /** What a delivered kWh earns the network (its drivers' energy price, before VAT). @minimum 0 @maximum 10 */
  value_per_kwh: number;
}

export interface EnergyContract extends Required<EnergyContractInput> {
  location_id: string;
  updated_at: Date;
}

/** One planning step at a site: its cap, what the plan sent and what its cars drew. */
export interface SitePowerSample {
  at: Date;
  cap_w: number | null;
  planned_w: number;
  measured_w: number;
}

/** A site's power over time, for the operators' chart. */
export interface SitePowerHistory {
  location_id: string;
  samples: SitePowerSample[];
  /** The highest draw measured this calendar month (local), W: what the demand charge is on. */
  peak_this_month_w: number;
}
