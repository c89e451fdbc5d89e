import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, UpdatedAt } from '../db/column-types.js';

// The tables the webhooks module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface WebhookEndpointsTable {
  tenant_id: string;
  id: string;
  url: string;
  secret: string;
  events: ColumnType<string[], string[] | undefined, string[]>;
  description: string | null;
  disabled_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface WebhookDeliveriesTable {
  tenant_id: string;
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: ColumnType<unknown, string, string>;
  status: ColumnType<'PENDING' | 'DELIVERED' | 'FAILED', 'PENDING' | 'DELIVERED' | 'FAILED' | undefined, 'PENDING' | 'DELIVERED' | 'FAILED'>;
  attempts: ColumnType<number, number | undefined, number>;
  response_status: number | null;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A partner's endpoint: events of every network that concern the partner. */
export interface PartnerWebhookEndpointsTable {
  partner_id: string;
  id: string;
  url: string;
  secret: string;
  events: ColumnType<string[], string[] | undefined, string[]>;
  description: string | null;
  disabled_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface PartnerWebhookDeliveriesTable {
  partner_id: string;
  id: string;
  endpoint_id: string;
  tenant_id: string;
  event_id: string;
  event_type: string;
  payload: ColumnType<unknown, string, string>;
  status: ColumnType<'PENDING' | 'DELIVERED' | 'FAILED', 'PENDING' | 'DELIVERED' | 'FAILED' | undefined, 'PENDING' | 'DELIVERED' | 'FAILED'>;
  attempts: ColumnType<number, number | undefined, number>;
  response_status: number | null;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
