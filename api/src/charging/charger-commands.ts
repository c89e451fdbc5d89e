/**
 * What the domain asks of a charger, in its own terms: watts, connectors, tokens, instants. The
 * gateway maps each command onto the frames of the protocol the charger negotiated
 * (`ocpp-gateway/src/v16/commands.ts`) and its answer back onto a `CommandAnswer`. Commands cross
 * processes as JSON (scaled mode), so instants travel as ISO-8601 strings.
 */
export type ChargerCommand =
  /** Hold a connector for one token until `expiresAt`; the same `reservationId` replaces an earlier hold. */
  | { kind: 'reserve'; connector: number; expiresAt: string; idToken: string; reservationId: number }
  | { kind: 'cancelReservation'; reservationId: number }
  /** Cap a connector (0: the whole charger) from `from` on, until cleared; `limitId` names the cap so it can be replaced or cleared. */
  | { kind: 'limitPower'; connector: number; maxPowerW: number; limitId: number; from: string }
  | { kind: 'clearPowerLimit'; limitId: number }
  | { kind: 'remoteStart'; connector: number; idToken: string }
  /** A transaction id as the charger knows it: the platform's integer (1.6) or the charger's own string (2.0.1). */
  | { kind: 'remoteStop'; transactionId: string }
  | { kind: 'unlock'; connector: number }
  | { kind: 'reset'; hard: boolean }
  | { kind: 'changeAvailability'; connector: number; operative: boolean }
  /** Ask the charger to send a report now: its status, its boot details, a heartbeat or meter values. */
  | { kind: 'triggerReport'; report: 'status' | 'boot' | 'heartbeat' | 'meterValues'; connector?: number }
  | { kind: 'readConfiguration'; keys?: string[] }
  | { kind: 'changeConfiguration'; key: string; value: string }
  /**
   * A diagnostic escape hatch for staff: a frame of one protocol passed through as given, validated
   * by the gateway against that protocol's schema. Refused by a charger speaking another protocol.
   */
  | { kind: 'raw'; protocol: string; action: string; payload: unknown };

/** A charger's answer in domain terms. */
export interface CommandAnswer {
  /** The charger agreed to do it. */
  accepted: boolean;
  /** The charger's own word for its answer (e.g. `Accepted`, `Occupied`, `Rejected`). */
  status: string;
  /** The answer as the charger sent it: returned for raw commands and reads, where the details are the point. */
  response?: unknown;
}
