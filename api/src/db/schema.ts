import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables; JSON names are the public snake_case names, so rows map 1:1. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface NetworksTable {
  id: string;
  /** A network is its own tenant; generated from id so every tenant-owned table has the column. */
  tenant_id: ColumnType<string, never, never>;
  name: string;
  slug: string;
  country: string;
  currency: string;
  public_sharing: ColumnType<boolean, boolean | undefined, boolean>;
  is_demo: ColumnType<boolean, boolean | undefined, boolean>;
  billing_address: ColumnType<string | null, string | null | undefined, string | null>;
  vat_number: ColumnType<string | null, string | null | undefined, string | null>;
  payment_hold_amount: ColumnType<number, number | undefined, number>;
  stripe_account_id: ColumnType<string | null, string | null | undefined, string | null>;
  application_fee_percent: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  locale: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  disabled_at: NullableTimestamp;
}

export interface DriversTable {
  user_id: string;
  created_at: CreatedAt;
}

export type StaffRole = 'owner' | 'admin' | 'operator' | 'support' | 'viewer';

export interface MembershipsTable {
  tenant_id: string;
  user_id: string;
  role: StaffRole;
  created_at: CreatedAt;
}

export interface InvitationsTable {
  tenant_id: string;
  id: string;
  email: string;
  role: StaffRole;
  token_hash: string;
  invited_by: string;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  created_at: CreatedAt;
}

export type PartnerKind = 'automaker' | 'city' | 'utility';

export interface PartnersTable {
  id: string;
  name: string;
  kind: PartnerKind;
  created_at: CreatedAt;
}

export type ApiKeyKind = 'secret' | 'publishable';

export interface ApiKeysTable {
  id: string;
  /** Set for a network's keys; null for a partner's keys. */
  tenant_id: string | null;
  partner_id: string | null;
  kind: ApiKeyKind;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  allowed_origins: string[];
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  /** All tokens descended from one login; reuse of a rotated token revokes the family. */
  family_id: string;
  tenant_id: string | null;
  token_hash: string;
  expires_at: Timestamp;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number | null;
  response: unknown;
  created_at: CreatedAt;
}

type Version = ColumnType<number, never, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface TariffsTable {
  tenant_id: string;
  id: string;
  currency: string;
  elements: ColumnType<unknown, string | undefined, string>;
  vat_percent: ColumnType<number, number | undefined, number>;
  energy_price_per_kwh: number | null;
  flat_price: number | null;
  time_price_per_hour: number | null;
  display_text: string | null;
  min_price: ColumnType<number | null, number | null | undefined, number | null>;
  max_price: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/**
 * A time of day (`HH:MM`) or an ISO-8601 instant, as OCPI's opening hours use them.
 * @maxLength 32
 */
export type PeriodBound = string;

export interface OpeningHours {
  twentyfourseven: boolean;
  regular_hours?: { weekday: number; period_begin: PeriodBound; period_end: PeriodBound }[];
  exceptional_openings?: { period_begin: PeriodBound; period_end: PeriodBound }[];
  exceptional_closings?: { period_begin: PeriodBound; period_end: PeriodBound }[];
}

export interface LocationsTable {
  /** Kept by triggers (migration 0005); read by the public_read policies. */
  is_public: ColumnType<boolean, never, never>;
  tenant_id: string;
  id: string;
  name: string;
  address: string;
  city: string;
  postal_code: string | null;
  state: string | null;
  country: string;
  latitude: number;
  longitude: number;
  time_zone: string;
  opening_hours: ColumnType<OpeningHours, string | undefined, string>;
  facilities: ColumnType<string[], string[] | undefined, string[]>;
  parking_type: string | null;
  operator_name: string | null;
  owner_name: string | null;
  images: ColumnType<unknown[], string | undefined, string>;
  publish: ColumnType<boolean, boolean | undefined, boolean>;
  renewable_share: ColumnType<string | null, number | null | undefined, number | null>;
  co2_g_per_kwh: ColumnType<string | null, number | null | undefined, number | null>;
  status: ColumnType<'ACTIVE' | 'REMOVED', 'ACTIVE' | 'REMOVED' | undefined, 'ACTIVE' | 'REMOVED'>;
  source: string | null;
  grid_operator_id: ColumnType<string | null, string | null | undefined, string | null>;
  attribution: ColumnType<unknown, string | null | undefined, string | null>;
  version: Version;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ChargePointsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  identity: string;
  password_hash: string | null;
  has_password: ColumnType<boolean, never, never>;
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  ocpp_version: ColumnType<string, string | undefined, string>;
  online: ColumnType<boolean, boolean | undefined, boolean>;
  last_seen_at: NullableTimestamp;
  status: ColumnType<'ACTIVE' | 'REMOVED', 'ACTIVE' | 'REMOVED' | undefined, 'ACTIVE' | 'REMOVED'>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type EvseStatus = 'AVAILABLE' | 'BLOCKED' | 'CHARGING' | 'INOPERATIVE' | 'OUTOFORDER' | 'PLANNED' | 'REMOVED' | 'RESERVED' | 'UNKNOWN';

export interface EvsesTable {
  /** Kept by triggers (migration 0005); read by the public_read policies. */
  is_public: ColumnType<boolean, never, never>;
  tenant_id: string;
  id: string;
  location_id: string;
  evse_id: string | null;
  charge_point_id: string | null;
  ocpp_connector_id: number | null;
  status: ColumnType<EvseStatus, EvseStatus | undefined, EvseStatus>;
  availability: ColumnType<EvseStatus, EvseStatus | undefined, EvseStatus>;
  status_updated_at: UpdatedAt;
  capabilities: ColumnType<string[], string[] | undefined, string[]>;
  physical_reference: string | null;
  floor_level: string | null;
  source: string | null;
  version: Version;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ConnectorsTable {
  /** Kept by triggers (migration 0005); read by the public_read policies. */
  is_public: ColumnType<boolean, never, never>;
  tenant_id: string;
  id: string;
  evse_id: string;
  standard: string;
  format: 'SOCKET' | 'CABLE';
  power_type: 'AC_1_PHASE' | 'AC_2_PHASE' | 'AC_2_PHASE_SPLIT' | 'AC_3_PHASE' | 'DC';
  max_voltage: number;
  max_amperage: number;
  max_electric_power: number;
  tariff_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

export interface IdTagsTable {
  id_tag: string;
  driver_id: string | null;
  status: ColumnType<IdTagStatus, IdTagStatus | undefined, IdTagStatus>;
  expires_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface ChargingSessionsTable {
  tenant_id: string;
  id: string;
  transaction_id: number;
  /** The charger's own id for the transaction (OCPP 2.0.1); null when the platform issued it (1.6). */
  charger_transaction_id: string | null;
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

export type PaymentStatus = 'pending' | 'authorized' | 'requires_action' | 'captured' | 'released' | 'failed' | 'payment_failed';

export interface PaymentCustomersTable {
  driver_id: string;
  provider: string;
  customer_id: string;
  default_payment_method: string | null;
  created_at: CreatedAt;
}

export interface PaymentsTable {
  tenant_id: string;
  id: string;
  session_id: string;
  driver_id: string | null;
  provider: string;
  intent_id: string | null;
  status: PaymentStatus;
  currency: string;
  hold_amount: ColumnType<number, number, number>;
  captured_amount: ColumnType<number, number | undefined, number>;
  refunded_amount: ColumnType<number, number | undefined, number>;
  failure_code: string | null;
  capture_attempts: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RefundsTable {
  tenant_id: string;
  id: string;
  payment_id: string;
  amount: ColumnType<number, number, number>;
  reason: string | null;
  provider_refund_id: string | null;
  requested_by: string;
  created_at: CreatedAt;
}

export interface PaymentEventsTable {
  provider: string;
  event_id: string;
  type: string;
  received_at: CreatedAt;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  transaction_id: string;
  account: string;
  currency: string;
  amount: ColumnType<number, number, never>;
  kind: string;
  reference: string | null;
  created_at: CreatedAt;
}

export interface WalletsTable {
  driver_id: string;
  currency: string;
  pay_sessions_from_wallet: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface WalletTopUpsTable {
  id: string;
  driver_id: string;
  amount: ColumnType<number, number, never>;
  currency: string;
  provider: string;
  intent_id: string | null;
  status: 'pending' | 'succeeded' | 'failed';
  failure_code: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AdHocChargesTable {
  tenant_id: string;
  id: string;
  evse_uid: string;
  id_tag: string;
  provider: string;
  intent_id: string | null;
  hold_amount: ColumnType<number, number, never>;
  currency: string;
  email: string | null;
  token_hash: string;
  status: 'starting' | 'charging' | 'failed';
  failure_code: string | null;
  session_id: string | null;
  created_at: CreatedAt;
}

export interface SitePowerLimitsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  max_power_w: number;
  source: 'network' | 'grid';
  partner_id: string | null;
  starts_at: Timestamp;
  ends_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface EvsePowerSharesTable {
  tenant_id: string;
  evse_uid: string;
  share_w: number | null;
  told_at: Timestamp;
}

export interface ReservationFeesTable {
  tenant_id: string;
  id: string;
  reservation_id: string;
  driver_id: string;
  kind: 'booking' | 'no_show';
  amount: ColumnType<number, number, never>;
  currency: string;
  provider: string | null;
  intent_id: string | null;
  status: 'pending' | 'paid' | 'failed';
  failure_code: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ReviewsTable {
  tenant_id: string;
  id: string;
  location_id: string;
  driver_id: string;
  rating: number;
  comment: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
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

export interface ReservationPoliciesTable {
  tenant_id: string;
  max_days_ahead: ColumnType<number, number | undefined, number>;
  min_duration_minutes: ColumnType<number, number | undefined, number>;
  max_duration_minutes: ColumnType<number, number | undefined, number>;
  grace_minutes: ColumnType<number, number | undefined, number>;
  reservation_fee: ColumnType<number, number | undefined, number>;
  no_show_fee: ColumnType<number, number | undefined, number>;
  queue_offer_minutes: ColumnType<number, number | undefined, number>;
  queue_hold_minutes: ColumnType<number, number | undefined, number>;
  block_unpaid_fees: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: UpdatedAt;
}

export type ReservationStatus = 'OFFERED' | 'CONFIRMED' | 'ACTIVE' | 'FULFILLED' | 'CANCELLED' | 'NO_SHOW' | 'EXPIRED';
export type ChargerReservationStatus = 'none' | 'not_reservable' | 'accepted' | 'rejected' | 'offline' | 'no_id_tag' | 'cancelled';

export interface ReservationsTable {
  tenant_id: string;
  id: string;
  ocpp_reservation_id: ColumnType<number, never, never>;
  driver_id: string;
  location_id: string;
  evse_uid: string;
  connector_standard: string | null;
  kind: ColumnType<'booking' | 'queue', 'booking' | 'queue' | undefined, never>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  grace_until: Timestamp;
  status: ReservationStatus;
  charger_status: ColumnType<ChargerReservationStatus, ChargerReservationStatus | undefined, ChargerReservationStatus>;
  session_id: string | null;
  fee_amount: ColumnType<number, number | undefined, number>;
  no_show_fee_amount: ColumnType<number, number | undefined, number>;
  currency: string;
  ended_at: NullableTimestamp;
  version: Version;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type QueueEntryStatus = 'WAITING' | 'OFFERED' | 'ACCEPTED' | 'LEFT' | 'DECLINED' | 'EXPIRED';

export interface QueueEntriesTable {
  tenant_id: string;
  id: string;
  location_id: string;
  driver_id: string;
  connector_standard: string | null;
  status: ColumnType<QueueEntryStatus, QueueEntryStatus | undefined, QueueEntryStatus>;
  line_key: ColumnType<Date, Date | string | undefined, Date | string>;
  snoozed_until: NullableTimestamp;
  joined_at: CreatedAt;
  ended_at: NullableTimestamp;
  updated_at: UpdatedAt;
}

export type QueueOfferStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'SNOOZED' | 'EXPIRED';

export interface QueueOffersTable {
  tenant_id: string;
  id: string;
  entry_id: string;
  reservation_id: string;
  evse_uid: string;
  status: ColumnType<QueueOfferStatus, QueueOfferStatus | undefined, QueueOfferStatus>;
  expires_at: Timestamp;
  decided_at: NullableTimestamp;
  created_at: CreatedAt;
}

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

export interface NotificationOutboxTable {
  tenant_id: string;
  id: string;
  driver_id: string;
  channel: 'email' | 'push';
  template: string;
  data: ColumnType<unknown, string, string>;
  status: ColumnType<'PENDING' | 'SENT' | 'FAILED', 'PENDING' | 'SENT' | 'FAILED' | undefined, 'PENDING' | 'SENT' | 'FAILED'>;
  sent_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface JobsTable {
  id: ColumnType<number, never, never>;
  kind: string;
  key: string | null;
  tenant_id: string | null;
  payload: ColumnType<unknown, string | undefined, string>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  status: ColumnType<'pending' | 'running' | 'done' | 'failed', 'pending' | undefined, 'pending' | 'running' | 'done' | 'failed'>;
  attempts: ColumnType<number, never, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
  last_error: string | null;
  created_at: CreatedAt;
  finished_at: NullableTimestamp;
}

/** The sandbox payment provider's own state (not a tenant's: it stands in for the provider's side). */
export interface SandboxPaymentIntentsTable {
  id: string;
  amount: number;
  status: 'requires_capture' | 'succeeded' | 'canceled';
  captured: Generated<number>;
  refunded: Generated<number>;
  created_at: Generated<Date>;
}

export interface SandboxRepliesTable {
  key: string;
  reply: unknown;
  created_at: Generated<Date>;
}

export interface Database {
  sandbox_payment_intents: SandboxPaymentIntentsTable;
  sandbox_replies: SandboxRepliesTable;
  reservation_policies: ReservationPoliciesTable;
  reservations: ReservationsTable;
  queue_entries: QueueEntriesTable;
  queue_offers: QueueOffersTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  notification_outbox: NotificationOutboxTable;
  jobs: JobsTable;
  id_tags: IdTagsTable;
  charging_sessions: ChargingSessionsTable;
  meter_samples: MeterSamplesTable;
  payment_customers: PaymentCustomersTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  payment_events: PaymentEventsTable;
  ledger_entries: LedgerEntriesTable;
  wallets: WalletsTable;
  wallet_top_ups: WalletTopUpsTable;
  ad_hoc_charges: AdHocChargesTable;
  reviews: ReviewsTable;
  site_power_limits: SitePowerLimitsTable;
  evse_power_shares: EvsePowerSharesTable;
  reservation_fees: ReservationFeesTable;
  evse_faults: EvseFaultsTable;
  ocpp_messages: OcppMessagesTable;
  tariffs: TariffsTable;
  locations: LocationsTable;
  charge_points: ChargePointsTable;
  evses: EvsesTable;
  connectors: ConnectorsTable;
  networks: NetworksTable;
  users: UsersTable;
  drivers: DriversTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  partners: PartnersTable;
  api_keys: ApiKeysTable;
  refresh_tokens: RefreshTokensTable;
  idempotency_keys: IdempotencyKeysTable;
}
