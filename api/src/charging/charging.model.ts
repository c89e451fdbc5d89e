import type { EvseStatus, IdTagStatus } from '../db/schema.js';
import type { SessionPaymentStatus } from '../payments/payments.model.js';
import type { Money } from '../shared/money.js';
import type { SessionCarbon } from '../sustainability/sustainability.model.js';
import type { SessionCost } from '../tariffs/pricing.js';

export interface Authorization {
  status: IdTagStatus;
  expiresAt?: Date;
  driverId?: string;
}

export interface StatusReport {
  /** 0 means the charge point as a whole. */
  connectorId: number;
  status: EvseStatus;
  fault?: { errorCode: string; info?: string; vendorId?: string; vendorErrorCode?: string };
  at: Date;
}

/**
 * Which transaction a charger means: the integer the platform issued when it started (OCPP 1.6),
 * or the charger's own string id (OCPP 2.0.1).
 */
export type TransactionRef = number | string;

export interface MeterSample {
  at: Date;
  energyWh?: number;
  powerW?: number;
  socPercent?: number;
}

export interface ChargingSession {
  id: string;
  network_id: string;
  transaction_id: number;
  /** The charger's own transaction id, when its protocol has one (OCPP 2.0.1); null otherwise. */
  charger_transaction_id: string | null;
  charge_point_id: string;
  evse_uid: string | null;
  connector_id: number;
  id_tag: string;
  driver_id: string | null;
  status: 'ACTIVE' | 'COMPLETED';
  started_at: Date;
  stopped_at: Date | null;
  meter_start_wh: number;
  meter_stop_wh: number | null;
  /** Energy delivered so far (Wh). */
  energy_wh: number;
  power_w: number | null;
  soc_percent: number | null;
  stop_reason: string | null;
  /** When the driver said they will leave (used for queue ETAs). */
  departure_at: Date | null;
  /** How much energy the driver asked for (Wh); null when they did not say. */
  energy_wanted_wh: number | null;
  /** The driver lets the site shift this session's charging, as long as the car gets its energy by departure. */
  flexible: boolean;
  /** What the session costs (so far, while active), VAT included; null without a tariff. */
  cost: Money | null;
  /** The CDR-style breakdown: cost lines per tariff element, charging periods, totals, VAT. */
  cost_breakdown: SessionCost | null;
  /** Read on one session: where its payment stands (`paid` once captured). */
  payment_status?: SessionPaymentStatus;
  /** Once completed and accounted (seconds after it ends): energy by source, CO₂ and CO₂ avoided. */
  carbon?: SessionCarbon | null;
  version: number;
  updated_at: Date;
}

/** A fault a charger reported, as operators read it. */
export interface ChargerFault {
  id: string;
  /** 0: the charger as a whole. */
  connector_id: number;
  evse_uid: string | null;
  /** The EVSE's printed id, as on the charger. */
  evse_id: string | null;
  /** The OCPP error code, e.g. `GroundFailure`. */
  error_code: string;
  /** What it means, e.g. *Earth fault*. */
  name: string;
  info: string | null;
  vendor_error_code: string | null;
  occurred_at: Date;
}

export interface OcppMessage {
  id: number;
  direction: 'in' | 'out';
  frame: unknown;
  created_at: Date;
}
