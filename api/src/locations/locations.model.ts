import type { EvseStatus, OpeningHours } from '../db/schema.js';
import type { ReviewSummary } from '../reviews/reviews.model.js';
import type { CountryCode } from '../shared/validation.js';

/** OCPI 2.2.1 ConnectorType values we accept. */
export type ConnectorStandard =
  | 'CHADEMO'
  | 'CHAOJI'
  | 'DOMESTIC_A'
  | 'DOMESTIC_B'
  | 'DOMESTIC_C'
  | 'DOMESTIC_D'
  | 'DOMESTIC_E'
  | 'DOMESTIC_F'
  | 'DOMESTIC_G'
  | 'DOMESTIC_H'
  | 'DOMESTIC_I'
  | 'DOMESTIC_J'
  | 'DOMESTIC_K'
  | 'DOMESTIC_L'
  | 'GBT_AC'
  | 'GBT_DC'
  | 'IEC_60309_2_single_16'
  | 'IEC_60309_2_three_16'
  | 'IEC_60309_2_three_32'
  | 'IEC_60309_2_three_64'
  | 'IEC_62196_T1'
  | 'IEC_62196_T1_COMBO'
  | 'IEC_62196_T2'
  | 'IEC_62196_T2_COMBO'
  | 'IEC_62196_T3A'
  | 'IEC_62196_T3C'
  | 'NEMA_5_20'
  | 'NEMA_6_30'
  | 'NEMA_6_50'
  | 'NEMA_10_30'
  | 'NEMA_10_50'
  | 'NEMA_14_30'
  | 'NEMA_14_50'
  | 'PANTOGRAPH_BOTTOM_UP'
  | 'PANTOGRAPH_TOP_DOWN'
  | 'TESLA_R'
  | 'TESLA_S';

export type ConnectorFormat = 'SOCKET' | 'CABLE';
export type PowerType = 'AC_1_PHASE' | 'AC_2_PHASE' | 'AC_2_PHASE_SPLIT' | 'AC_3_PHASE' | 'DC';

export type Capability =
  | 'CHARGING_PROFILE_CAPABLE'
  | 'CHARGING_PREFERENCES_CAPABLE'
  | 'CHIP_CARD_SUPPORT'
  | 'CONTACTLESS_CARD_SUPPORT'
  | 'CREDIT_CARD_PAYABLE'
  | 'DEBIT_CARD_PAYABLE'
  | 'PED_TERMINAL'
  | 'REMOTE_START_STOP_CAPABLE'
  | 'RESERVABLE'
  | 'RFID_READER'
  | 'START_SESSION_CONNECTOR_REQUIRED'
  | 'TOKEN_GROUP_CAPABLE'
  | 'UNLOCK_CAPABLE';

export type Facility =
  | 'HOTEL'
  | 'RESTAURANT'
  | 'CAFE'
  | 'MALL'
  | 'SUPERMARKET'
  | 'SPORT'
  | 'RECREATION_AREA'
  | 'NATURE'
  | 'MUSEUM'
  | 'BIKE_SHARING'
  | 'BUS_STOP'
  | 'TAXI_STAND'
  | 'TRAM_STOP'
  | 'METRO_STATION'
  | 'TRAIN_STATION'
  | 'AIRPORT'
  | 'PARKING_LOT'
  | 'CARPOOL_PARKING'
  | 'FUEL_STATION'
  | 'WIFI';

export type ParkingType = 'ALONG_MOTORWAY' | 'PARKING_GARAGE' | 'PARKING_LOT' | 'ON_DRIVEWAY' | 'ON_STREET' | 'UNDERGROUND_GARAGE';

export interface Coordinates {
  /**
   * @minimum -90
   * @maximum 90
   */
  latitude: number;
  /**
   * @minimum -180
   * @maximum 180
   */
  longitude: number;
}

export interface ConnectorInput {
  standard: ConnectorStandard;
  format: ConnectorFormat;
  power_type: PowerType;
  /**
   * Volts.
   * @isInt
   * @minimum 1
   * @maximum 2000
   */
  max_voltage: number;
  /**
   * Amperes.
   * @isInt
   * @minimum 1
   * @maximum 1000
   */
  max_amperage: number;
  /**
   * Watts; derived from voltage, amperage and phases when left out.
   * @isInt
   * @minimum 1
   * @maximum 2000000
   */
  max_electric_power?: number;
  /** @maxLength 64 */
  tariff_id?: string;
}

export interface EvseInput {
  /**
   * eMI3 EVSE id, e.g. LU*VOL*E0001*1.
   * @pattern ^[A-Z]{2}\*?[A-Z0-9]{3}\*?E[A-Z0-9*]{1,30}$
   * @maxLength 64
   */
  evse_id?: string;
  capabilities?: Capability[];
  /** @maxLength 16 */
  physical_reference?: string;
  /** @maxLength 4 */
  floor_level?: string;
  /** The OCPP charge point this EVSE belongs to, and its connectorId there. @maxLength 64 */
  charge_point_id?: string;
  /**
   * @isInt
   * @minimum 1
   */
  ocpp_connector_id?: number;
  /** @minItems 1 */
  connectors: ConnectorInput[];
}

export interface EnergyMix {
  /**
   * Percent of renewable energy.
   * @minimum 0
   * @maximum 100
   */
  renewable_share?: number | null;
  /**
   * g CO₂ per kWh.
   * @minimum 0
   */
  co2_g_per_kwh?: number | null;
}

export interface LocationInput {
  /**
   * @minLength 1
   * @maxLength 255
   */
  name: string;
  /**
   * @minLength 1
   * @maxLength 255
   */
  address: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  city: string;
  /** @maxLength 10 */
  postal_code?: string;
  /** @maxLength 100 */
  state?: string;
  // The rule is stated on the field too: PATCH's partial type would lose the alias's.
  /**
   * ISO 3166-1 alpha-2.
   * @pattern ^[A-Z]{2}$
   * @maxLength 2
   * @example "LU"
   */
  country: CountryCode;
  coordinates: Coordinates;
  /**
   * IANA time zone.
   * @maxLength 64
   * @example "Europe/Luxembourg"
   */
  time_zone: string;
  opening_hours?: OpeningHours;
  facilities?: Facility[];
  parking_type?: ParkingType;
  /** @maxLength 255 */
  operator_name?: string;
  /** @maxLength 255 */
  owner_name?: string;
  /** Share this location in public discovery and open data. */
  publish?: boolean;
  energy_mix?: EnergyMix;
  evses?: EvseInput[];
}

export type LocationUpdate = Partial<Omit<LocationInput, 'evses'>>;

export interface EvseUpdate {
  capabilities?: Capability[];
  /** @maxLength 16 */
  physical_reference?: string;
  /** @maxLength 4 */
  floor_level?: string;
  /** Staff may take an EVSE out of service or remove it; chargers report the rest over OCPP. */
  status?: 'AVAILABLE' | 'INOPERATIVE' | 'OUTOFORDER' | 'BLOCKED' | 'PLANNED' | 'REMOVED';
  /** The tariff that prices every connector of this EVSE (null: none); running sessions keep theirs. @maxLength 64 */
  tariff_id?: string | null;
}

export interface PriceSummary {
  currency: string;
  /** Minor units per kWh, VAT included; null when not charged per kWh. */
  energy_per_kwh: number | null;
  /** Minor units per session. */
  flat: number | null;
  /** Minor units per hour of charging. */
  time_per_hour: number | null;
  display_text: string | null;
}

export interface ConnectorView {
  id: string;
  standard: ConnectorStandard;
  format: ConnectorFormat;
  power_type: PowerType;
  max_voltage: number;
  max_amperage: number;
  max_electric_power: number;
  tariff_id: string | null;
  price: PriceSummary | null;
}

export interface EvseView {
  /** Our id (OCPI `uid`). */
  uid: string;
  /** eMI3 EVSE id, printed on the charger. */
  evse_id: string | null;
  /** Availability as drivers should see it (see availability rules). */
  status: EvseStatus;
  capabilities: Capability[];
  physical_reference: string | null;
  floor_level: string | null;
  charge_point_id: string | null;
  ocpp_connector_id: number | null;
  connectors: ConnectorView[];
  version: number;
  last_updated: Date;
}

export interface AvailabilitySummary {
  counts: Partial<Record<EvseStatus, number>>;
  total: number;
  available: number;
  available_now: boolean;
}

export interface LocationSummary {
  id: string;
  network_id: string;
  name: string;
  address: string;
  city: string;
  postal_code: string | null;
  country: string;
  coordinates: Coordinates;
  time_zone: string;
  operator_name: string | null;
  publish: boolean;
  status: 'ACTIVE' | 'REMOVED';
  /** Metres from the search point, when searching near a point. */
  distance_m: number | null;
  availability: AvailabilitySummary;
  /** Highest connector power in W. */
  max_power_w: number;
  connector_standards: ConnectorStandard[];
  power_types: PowerType[];
  /** The cheapest per-kWh price at this location, shown before start. */
  price: PriceSummary | null;
  open_now: boolean;
  /** Mostly renewable energy: at least 80 % over the last 90 days of charging (market-based: what the network buys counts), or as the network declares. */
  green: boolean;
  /** The drivers' reliability score and what it rests on; null until there is anything to go on. */
  reliability: LocationReliability | null;
  version: number;
  updated_at: Date;
}

/** "8.6 from 42 sessions and 9 check-ins in the last 30 days". */
export interface LocationReliability {
  /** 0–10, one decimal. */
  score: number;
  sessions: number;
  check_ins: number;
  uptime_percent: number | null;
  window_days: number;
}

export interface LocationDetail extends LocationSummary {
  state: string | null;
  opening_hours: OpeningHours;
  facilities: Facility[];
  parking_type: ParkingType | null;
  owner_name: string | null;
  energy_mix: { renewable_share: number | null; co2_g_per_kwh: number | null };
  attribution: unknown;
  evses: EvseView[];
}

/** A location as `GET /v1/locations/{id}` shows it: the detail plus its reviews in short. */
export interface LocationWithReviews extends LocationDetail {
  reviews: ReviewSummary;
}
