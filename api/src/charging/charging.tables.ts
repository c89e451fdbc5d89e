import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp, UpdatedAt, Version } from '../db/column-types.js';

// The tables the charging module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

export interface IdTagsTable {
  id_tag: string;
  driver_id: string | null;
  status: ColumnType<IdTagStatus, IdTagStatus | undefined, IdTagStatus>;
  expires_at: NullableTimestamp;
  created_at: CreatedAt;
  /** The token's type when it was registered with one (OCPP 2.0.1); null: any type, as a 1.6 idTag. */
  token_type: ColumnType<IdTokenType | null, IdTokenType | null | undefined, IdTokenType | null>;
}

/** OCPP 2.0.1's kinds of id token; a 1.6 idTag has none. */
export type IdTokenType = 'ISO14443' | 'ISO15693' | 'eMAID' | 'Central' | 'KeyCode' | 'Local' | 'MacAddress' | 'NoAuthorization';

export interface ChargingSessionsTable {
  tenant_id: string;
  id: string;
  transaction_id: number;
  /** The charger's own id for the transaction (OCPP 2.0.1); null when the platform issued it (1.6). */
  charger_transaction_id: string | null;
  /** The type of the id token the session started with (OCPP 2.0.1); null for a 1.6 idTag. */
  id_token_type: ColumnType<IdTokenType | null, IdTokenType | null | undefined, IdTokenType | null>;
  charge_point_id: string;
  evse_uid: string | null;
  connector_id: number;
  id_tag: string;
  driver_id: string | null;
  status: ColumnType<'ACTIVE' | 'COMPLETED', 'ACTIVE' | 'COMPLETED' | undefined, 'ACTIVE' | 'COMPLETED'>;
  started_at: Timestamp;
  stopped_at: NullableTimestamp;
  meter_start_wh: number;
  meter_last_wh: number;
  meter_stop_wh: number | null;
  power_w: number | null;
  soc_percent: number | null;
  stop_reason: string | null;
  authorization_status: string;
  cost: ColumnType<unknown, string | null | undefined, string | null>;
  tariff: ColumnType<unknown, string | null | undefined, string | null>;
  departure_at: NullableTimestamp;
  energy_wanted_wh: ColumnType<number | null, number | null | undefined, number | null>;
  flexible: ColumnType<boolean, boolean | undefined, boolean>;
  version: Version;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MeterSamplesTable {
  tenant_id: string;
  session_id: string;
  at: Timestamp;
  /** Delivered since the session started. */
  energy_wh: ColumnType<number, number, number>;
  power_w: number | null;
}

export interface EvseFaultsTable {
  tenant_id: string;
  id: string;
  charge_point_id: string;
  connector_id: number;
  error_code: string;
  info: string | null;
  vendor_id: string | null;
  vendor_error_code: string | null;
  occurred_at: Timestamp;
  created_at: CreatedAt;
}

export interface OcppMessagesTable {
  tenant_id: string;
  id: ColumnType<number, never, never>;
  charge_point_id: string;
  direction: 'in' | 'out';
  frame: ColumnType<unknown, string, never>;
  created_at: CreatedAt;
}
