import type { ShortText } from '../shared/validation.js';

export interface WebhookEndpointRequest {
  /**
   * Where deliveries are POSTed.
   * @pattern ^https?://
   * @maxLength 2000
   */
  url: string;
  /** Event types to send (`reservation.created`, `reservation.*`); empty or absent means all. */
  events?: ShortText[];
  /** @maxLength 200 */
  description?: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  disabled: boolean;
  created_at: Date;
}

export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  /** Signs every delivery (`Voltshare-Signature`); shown in this response only. */
  secret: string;
}

export interface WebhookDelivery {
  id: string;
  event_id: string;
  event_type: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}
