import type { QueueEntryStatus, QueueOfferStatus } from '../db/schema.js';
import type { ConnectorStandard } from '../locations/locations.model.js';

export interface JoinQueueRequest {
  /** The connector the car needs; any EVSE of the location when absent. */
  connector_standard?: ConnectorStandard;
}

export interface QueueOffer {
  id: string;
  evse_uid: string;
  /** The reservation holding the EVSE while the offer stands. */
  reservation_id: string;
  status: QueueOfferStatus;
  expires_at: Date;
}

export interface QueuePlace {
  entry_id: string;
  status: QueueEntryStatus;
  /** 1 = next in line. */
  position: number;
  connector_standard: string | null;
  estimated_wait_minutes: number | null;
  joined_at: Date;
  /** An EVSE offered to you, to accept before it expires. */
  offer: QueueOffer | null;
}

export interface QueueStatus {
  location_id: string;
  /** Drivers waiting (including one holding an offer). */
  length: number;
  /** Expected wait for a driver joining now; null when no EVSE can serve the line. */
  estimated_wait_minutes: number | null;
  /** Your own place, when you are in line. */
  you: QueuePlace | null;
}

export interface OfferDecision {
  offer: QueueOffer;
  /** Accepting gives a short reservation of the offered EVSE. */
  reservation_id: string | null;
}
