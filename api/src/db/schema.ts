/**
 * The database as Kysely sees it: every table, each declared by the module that owns it
 * (`<module>/<module>.tables.ts`, owners in `db/table-owners.ts`). This file only lists them.
 */

import type { ApiKeysTable } from '../api-keys/api-keys.tables.js';
import type { AuditEventsTable } from '../audit/audit.tables.js';
import type { AccountTokensTable, RefreshTokensTable, UsersTable } from '../auth/auth.tables.js';
import type { ChargePointsTable } from '../charge-points/charge-points.tables.js';
import type { ChargingSessionsTable, EvseFaultsTable, IdTagsTable, MeterSamplesTable, OcppMessagesTable } from '../charging/charging.tables.js';
import type {
  CommunityCheckinEditsTable,
  CommunityCheckinsTable,
  CommunityFollowsTable,
  CommunityModeratorsTable,
  CommunityPhotosTable,
  CommunityPostsTable,
  CommunityProfilesTable,
  CommunityReliabilityTable,
  CommunityReportsTable,
  CommunitySanctionsTable,
  CommunityVotesTable,
} from '../community/community.tables.js';
import type { DriversTable } from '../drivers/drivers.tables.js';
import type { SiteForecastsTable } from '../forecasting/forecasting.tables.js';
import type { IdempotencyKeysTable } from '../http/http.tables.js';
import type { IncidentsTable } from '../incidents/incidents.tables.js';
import type { JobsTable } from '../jobs/jobs.tables.js';
import type { ConnectorsTable, EvseAvailabilityChangesTable, EvsesTable, LocationsTable } from '../locations/locations.tables.js';
import type { InvitationsTable, MembershipsTable, NetworksTable } from '../networks/networks.tables.js';
import type { NotificationOutboxTable } from '../notifications/notifications.tables.js';
import type { PartnersTable } from '../partners/partners.tables.js';
import type {
  AdHocChargesTable,
  LedgerEntriesTable,
  PaymentCustomersTable,
  PaymentEventsTable,
  PaymentsTable,
  RefundsTable,
  ReservationFeesTable,
  SandboxPaymentIntentsTable,
  SandboxRepliesTable,
  WalletsTable,
  WalletTopUpsTable,
} from '../payments/payments.tables.js';
import type { AccountDeletionsTable, ConsentsTable, DataExportsTable, RetentionSettingsTable } from '../privacy/privacy.tables.js';
import type { QueueEntriesTable, QueueOffersTable } from '../queue/queue.tables.js';
import type { ReservationPoliciesTable, ReservationsTable } from '../reservations/reservations.tables.js';
import type { ReviewEditsTable, ReviewsTable } from '../reviews/reviews.tables.js';
import type { EvsePowerSharesTable, SiteEnergyContractsTable, SitePowerLimitsTable, SitePowerSamplesTable } from '../site-limits/site-limits.tables.js';
import type {
  SupportArticlesTable,
  SupportAttachmentsTable,
  SupportCannedRepliesTable,
  SupportMessagesTable,
  SupportOnCallShiftsTable,
  SupportSlaPoliciesTable,
  SupportTicketsTable,
} from '../support/support.tables.js';
import type {
  GridIntensityHoursTable,
  SessionCarbonAccountsTable,
  SiteEnergyAssetsTable,
  SiteEnergyReadingsTable,
} from '../sustainability/sustainability.tables.js';
import type { TariffDynamicRulesTable, TariffsTable } from '../tariffs/tariffs.tables.js';
import type { UptimeExclusionsTable } from '../uptime/uptime.tables.js';
import type {
  PartnerWebhookDeliveriesTable,
  PartnerWebhookEndpointsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from '../webhooks/webhooks.tables.js';

export type * from '../api-keys/api-keys.tables.js';
export type * from '../audit/audit.tables.js';
export type * from '../auth/auth.tables.js';
export type * from '../charge-points/charge-points.tables.js';
export type * from '../charging/charging.tables.js';
export type * from '../community/community.tables.js';
export type * from '../drivers/drivers.tables.js';
export type * from '../http/http.tables.js';
export type * from '../incidents/incidents.tables.js';
export type * from '../jobs/jobs.tables.js';
export type * from '../locations/locations.tables.js';
export type * from '../networks/networks.tables.js';
export type * from '../notifications/notifications.tables.js';
export type * from '../partners/partners.tables.js';
export type * from '../payments/payments.tables.js';
export type * from '../queue/queue.tables.js';
export type * from '../reservations/reservations.tables.js';
export type * from '../reviews/reviews.tables.js';
export type * from '../site-limits/site-limits.tables.js';
export type * from '../support/support.tables.js';
export type * from '../tariffs/tariffs.tables.js';
export type * from '../uptime/uptime.tables.js';
export type * from '../webhooks/webhooks.tables.js';

export interface Database {
  sandbox_payment_intents: SandboxPaymentIntentsTable;
  sandbox_replies: SandboxRepliesTable;
  reservation_policies: ReservationPoliciesTable;
  reservations: ReservationsTable;
  queue_entries: QueueEntriesTable;
  queue_offers: QueueOffersTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  partner_webhook_endpoints: PartnerWebhookEndpointsTable;
  partner_webhook_deliveries: PartnerWebhookDeliveriesTable;
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
  review_edits: ReviewEditsTable;
  community_checkins: CommunityCheckinsTable;
  community_checkin_edits: CommunityCheckinEditsTable;
  community_posts: CommunityPostsTable;
  community_votes: CommunityVotesTable;
  community_photos: CommunityPhotosTable;
  community_follows: CommunityFollowsTable;
  community_reports: CommunityReportsTable;
  community_sanctions: CommunitySanctionsTable;
  community_reliability: CommunityReliabilityTable;
  community_profiles: CommunityProfilesTable;
  community_moderators: CommunityModeratorsTable;
  incidents: IncidentsTable;
  audit_events: AuditEventsTable;
  uptime_exclusions: UptimeExclusionsTable;
  support_tickets: SupportTicketsTable;
  support_messages: SupportMessagesTable;
  support_attachments: SupportAttachmentsTable;
  support_sla_policies: SupportSlaPoliciesTable;
  support_on_call_shifts: SupportOnCallShiftsTable;
  support_canned_replies: SupportCannedRepliesTable;
  support_articles: SupportArticlesTable;
  site_power_limits: SitePowerLimitsTable;
  evse_power_shares: EvsePowerSharesTable;
  site_energy_contracts: SiteEnergyContractsTable;
  site_power_samples: SitePowerSamplesTable;
  site_energy_assets: SiteEnergyAssetsTable;
  site_energy_readings: SiteEnergyReadingsTable;
  grid_intensity_hours: GridIntensityHoursTable;
  session_carbon_accounts: SessionCarbonAccountsTable;
  reservation_fees: ReservationFeesTable;
  evse_faults: EvseFaultsTable;
  ocpp_messages: OcppMessagesTable;
  tariffs: TariffsTable;
  tariff_dynamic_rules: TariffDynamicRulesTable;
  site_forecasts: SiteForecastsTable;
  locations: LocationsTable;
  charge_points: ChargePointsTable;
  evses: EvsesTable;
  evse_availability_changes: EvseAvailabilityChangesTable;
  connectors: ConnectorsTable;
  networks: NetworksTable;
  users: UsersTable;
  drivers: DriversTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  partners: PartnersTable;
  api_keys: ApiKeysTable;
  refresh_tokens: RefreshTokensTable;
  account_tokens: AccountTokensTable;
  data_exports: DataExportsTable;
  consents: ConsentsTable;
  account_deletions: AccountDeletionsTable;
  retention_settings: RetentionSettingsTable;
  idempotency_keys: IdempotencyKeysTable;
}
