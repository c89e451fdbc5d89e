import path from 'node:path';
import type { Request } from 'express';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AccountSecurityService } from '../auth/account-security.service.js';
import { AuthService } from '../auth/auth.service.js';
import { TokenSigner } from '../auth/tokens.js';
import { ChargePointsService } from '../charge-points/charge-points.service.js';
import { ChargingService } from '../charging/charging.service.js';
import { type CommandRouter, InProcessCommandRouter } from '../charging/commands.js';
import { IdTagsService } from '../charging/id-tags.service.js';
import { MessageLog } from '../charging/message-log.js';
import { RedisCommandRouter } from '../charging/redis-commands.js';
import { SessionHistory } from '../charging/session-history.js';
import { CommunityService } from '../community/community.service.js';
import { ModerationService } from '../community/moderation.service.js';
import { FilePhotoStore, S3PhotoStore } from '../community/photo-store.js';
import { ReliabilityService } from '../community/reliability.service.js';
import type { Config } from '../config/config.js';
import type { DatabaseHandle } from '../db/database.js';
import { Scopes } from '../db/tenancy.js';
import { DriversService } from '../drivers/drivers.service.js';
import { AccountErasureFlow } from '../flows/account-erasure.flow.js';
import { ChargerActionsFlow } from '../flows/charger-actions.flow.js';
import { ChargingAdviceFlow } from '../flows/charging-advice.flow.js';
import { ChargingSessionFlow } from '../flows/charging-session.flow.js';
import { DriverChargingFlow } from '../flows/driver-charging.flow.js';
import { DynamicPricingFlow } from '../flows/dynamic-pricing.flow.js';
import { IncidentBookingsFlow } from '../flows/incident-bookings.flow.js';
import { NetworkStatusFlow } from '../flows/network-status.flow.js';
import { OffPeakNudgesFlow } from '../flows/off-peak-nudges.flow.js';
import { PartnerSharingFlow } from '../flows/partner-sharing.flow.js';
import { ProviderWebhookFlow } from '../flows/provider-webhook.flow.js';
import { RetentionFlow } from '../flows/retention.flow.js';
import { TicketActionsFlow } from '../flows/ticket-actions.flow.js';
import { ForecastingService } from '../forecasting/forecasting.service.js';
import { ensemble } from '../forecasting/models.js';
import { type Limiter, limiter, RedisSharedCounts } from '../http/rate-limit.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { JobRunner } from '../jobs/job-runner.js';
import { DiscoveryService } from '../locations/discovery.service.js';
import { DiscoveryIndex } from '../locations/discovery-index.js';
import { EvseDirectory } from '../locations/evse-directory.js';
import { LocationsService } from '../locations/locations.service.js';
import { createMailer, type Mailer } from '../mail/mailer.js';
import { NetworksService } from '../networks/networks.service.js';
import { MailNotificationSender } from '../notifications/mail-sender.js';
import { ConsoleSender, type NotificationSender, registerNotificationJobs } from '../notifications/sender.js';
import { OpenDataService } from '../open-data/open-data.service.js';
import { OverviewService } from '../operations/overview.service.js';
import { AdHocService } from '../payments/ad-hoc.service.js';
import { PaymentsService } from '../payments/payments.service.js';
import { ReservationFeesService } from '../payments/reservation-fees.service.js';
import { SandboxProvider } from '../payments/sandbox-provider.js';
import { StripeProvider } from '../payments/stripe-provider.js';
import { WalletsService } from '../payments/wallet.service.js';
import { ConsentsService } from '../privacy/consents.service.js';
import { AccountDeletionService } from '../privacy/deletion.service.js';
import { DataExportsService } from '../privacy/exports.service.js';
import { RetentionService } from '../privacy/retention.service.js';
import { QueueService } from '../queue/queue.service.js';
import { type EventBus, InProcessBus } from '../realtime/events.js';
import { RedisEventBus } from '../realtime/redis-bus.js';
import { ReportsService } from '../reports/reports.service.js';
import { ReservationsService } from '../reservations/reservations.service.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { PublicBase } from '../shared/public-base.js';
import { SiteLimitsService } from '../site-limits/site-limits.service.js';
import { SupportDeskService } from '../support/desk.service.js';
import { SupportService } from '../support/support.service.js';
import { GbCarbonIntensityApi } from '../sustainability/grid-intensity.js';
import { SustainabilityService } from '../sustainability/sustainability.service.js';
import { TariffsService } from '../tariffs/tariffs.service.js';
import { UptimeService } from '../uptime/uptime.service.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { Metrics } from './metrics.js';

/** The domain services one app instance runs with; controllers get them through the IoC hook. */
export interface Services {
  config: Config;
  database: DatabaseHandle;
  scopes: Scopes;
  logger: Logger;
  signer: TokenSigner;
  auth: AuthService;
  networks: NetworksService;
  drivers: DriversService;
  apiKeys: ApiKeysService;
  bus: EventBus;
  locations: LocationsService;
  discovery: DiscoveryService;
  /** Demand outlooks per station from its own sessions. */
  forecasting: ForecastingService;
  /** Public discovery from memory (loaded and kept current by `startPlatform`). */
  discoveryIndex: DiscoveryIndex;
  reviews: ReviewsService;
  /** Check-ins, tips and questions, photos, follows and profiles: what drivers share about stations. */
  community: CommunityService;
  /** Reports, held contributions and moderators' actions. */
  moderation: ModerationService;
  /** Each station's and EVSE's reliability score, kept current. */
  reliability: ReliabilityService;
  /** Tickets, their conversation and SLAs: the 24/7 support desk of each network. */
  support: SupportService;
  /** The desk's rota, canned replies and help articles. */
  supportDesk: SupportDeskService;
  /** Faults, outages and reports become incidents by themselves (and resolve when the charger recovers). */
  incidents: IncidentsService;
  /** Uptime (NEVI) and reliability (UK) reports, with recorded exclusions. */
  uptime: UptimeService;
  /** What staff did: the append-only audit trail. */
  audit: AuditService;
  reservationFees: ReservationFeesService;
  reports: ReportsService;
  siteLimits: SiteLimitsService;
  /** Where each site's energy comes from, what it emits, and every session's carbon account. */
  sustainability: SustainabilityService;
  /** The per-IP budget of public endpoints, shared by Express and the discovery fast path. */
  publicLimiter: Limiter;
  /** The per-IP budget of sign-in, sign-up and invitation endpoints. */
  authLimiter: Limiter;
  tariffs: TariffsService;
  chargePoints: ChargePointsService;
  idTags: IdTagsService;
  openData: OpenDataService;
  charging: ChargingService;
  /** Sessions from before the platform (a network's old system, the demo's replayed history). */
  sessionHistory: SessionHistory;
  reservations: ReservationsService;
  overview: OverviewService;
  payments: PaymentsService;
  adHoc: AdHocService;
  /** Steps that span modules and are started from outside (the others are handed to the service they run in). */
  flows: {
    providerWebhook: ProviderWebhookFlow;
    driverCharging: DriverChargingFlow;
    chargingAdvice: ChargingAdviceFlow;
    partnerSharing: PartnerSharingFlow;
    dynamicPricing: DynamicPricingFlow;
    offPeakNudges: OffPeakNudgesFlow;
    networkStatus: NetworkStatusFlow;
    ticketActions: TicketActionsFlow;
    chargerActions: ChargerActionsFlow;
  };
  evses: EvseDirectory;
  queue: QueueService;
  webhooks: WebhooksService;
  /** Slot starts, no-shows, queue offers, webhook and notification deliveries. */
  jobs: JobRunner;
  notifications: NotificationSender;
  /** Where remote commands go; the embedded gateway registers its sockets on the in-process router. */
  commands: CommandRouter & Partial<Pick<InProcessCommandRouter, 'register'>>;
  /** Prometheus metrics of this process, served at /metrics. */
  metrics: Metrics;
  /** Set by `startPlatform` once migrated, seeded and listening; cleared when it stops. */
  started: boolean;
  /** Closes connections the services hold (Redis in scaled mode). */
  /** Where the platform's email goes (SMTP, or the embedded mailbox). */
  mailer: Mailer;
  /** Email verification, password reset and change, a person's active logins. */
  accountSecurity: AccountSecurityService;
  /** Drivers' exports of their data (GDPR access and portability). */
  dataExports: DataExportsService;
  /** What each person agreed to, per purpose, and whether they still do. */
  consents: ConsentsService;
  /** Deleting an account, with its grace period. */
  accountDeletion: AccountDeletionService;
  /** How long each network keeps each class of data, enforced nightly. */
  retention: RetentionService;
  /** The public address links in emails point to. */
  publicBase: PublicBase;
  close(): Promise<void>;
}

export function createServices(config: Config, database: DatabaseHandle, logger: Logger): Services {
  const scopes = new Scopes(database.db);
  const signer = new TokenSigner(config.jwtSecret, config.accessTokenTtlSeconds);
  const auth = new AuthService(scopes, signer, config.refreshTokenTtlSeconds);
  // Scaled mode: events and commands cross processes through Redis.
  const bus = config.redisUrl ? new RedisEventBus(config.redisUrl) : new InProcessBus();
  const commands = config.redisUrl ? new RedisCommandRouter(config.redisUrl) : new InProcessCommandRouter();
  // Rate-limit counts too, so a client's budget does not grow with the number of processes.
  const countsRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  countsRedis?.on('error', () => {}); // reported by the limiter when its counts cannot be shared
  const shared = countsRedis ? new RedisSharedCounts(countsRedis) : undefined;
  const publicLimiter = limiter({ name: 'public', ...config.publicRateLimit, shared, logger });
  const authLimiter = limiter({ name: 'auth', ...config.authRateLimit, shared, logger });
  const locations = new LocationsService(scopes, bus);
  const discoveryIndex = new DiscoveryIndex(scopes, logger);
  const discovery = new DiscoveryService(scopes, discoveryIndex);
  const tariffs = new TariffsService(scopes);
  const messageLog = new MessageLog(scopes, logger.child({ component: 'message-log' }));
  const provider = config.stripe ? new StripeProvider(config.stripe) : new SandboxProvider(database.db);
  const payments = new PaymentsService(scopes, provider, new WalletsService(scopes, provider, logger), logger);
  const reservationFees = new ReservationFeesService(scopes, payments, bus, logger);
  const idTags = new IdTagsService(scopes);
  const reservations = new ReservationsService(scopes, locations, discovery, commands, bus, logger, reservationFees, idTags);
  const queue = new QueueService(scopes, reservations, locations, discovery, bus, logger);
  const drivers = new DriversService(scopes);
  const sustainability = new SustainabilityService(
    scopes,
    logger,
    locations,
    discovery,
    config.gbCarbonIntensityUrl ? [new GbCarbonIntensityApi(config.gbCarbonIntensityUrl)] : [],
  );
  const forecasting = new ForecastingService(scopes, discovery, ensemble, sustainability);
  const siteLimits = new SiteLimitsService(scopes, commands, logger, locations, drivers, sustainability);
  const chargePoints = new ChargePointsService(scopes);
  const uptime = new UptimeService(scopes);
  const reliability = new ReliabilityService(scopes, bus, locations, uptime);
  const sessionFlow = new ChargingSessionFlow(reservations, queue, payments, siteLimits, sustainability, forecasting, reliability);
  const charging = new ChargingService(scopes, locations, tariffs, bus, messageLog, idTags, chargePoints, sessionFlow);
  const evses = new EvseDirectory(scopes);
  const supportDesk = new SupportDeskService(scopes);
  const support = new SupportService(scopes, evses, bus, logger.child({ component: 'support' }), supportDesk);
  const adHoc = new AdHocService(scopes, tariffs, payments, charging, idTags, evses, commands, logger);
  const overview = new OverviewService(scopes);
  const webhooks = new WebhooksService(scopes);
  const mailer = createMailer(config.mail);
  const notifications = new MailNotificationSender(scopes, mailer, new ConsoleSender(logger));
  const publicBase = new PublicBase(config.publicUrl);
  const accountSecurity = new AccountSecurityService(scopes, mailer, publicBase);
  const dataExports = new DataExportsService(scopes, mailer, publicBase, path.join(config.dataDir, 'exports'));
  const consents = new ConsentsService(scopes);
  const jobs = new JobRunner(database.db, logger, { pollMs: config.jobPollMs });
  reservations.registerJobs(jobs);
  queue.registerJobs(jobs);
  webhooks.registerJobs(jobs);
  payments.registerJobs(jobs);
  reservationFees.registerJobs(jobs);
  siteLimits.registerJobs(jobs);
  sustainability.registerJobs(jobs);
  forecasting.registerJobs(jobs);
  support.registerJobs(jobs);
  const incidents = new IncidentsService(scopes, bus, support, logger.child({ component: 'incidents' }), { offlineAfterMs: config.incidentOfflineAfterMs });
  support.connectFaultReports(incidents);
  incidents.registerJobs(jobs);
  new IncidentBookingsFlow(incidents, reservations, discovery, logger).registerJobs(jobs);
  const audit = new AuditService(scopes);
  const retention = new RetentionService(scopes, audit, new RetentionFlow(scopes));
  const photoStore = config.photos.kind === 's3' ? new S3PhotoStore(config.photos) : new FilePhotoStore(config.photos.dir);
  const community = new CommunityService(scopes, bus, discovery, reliability, photoStore, logger.child({ component: 'community' }));
  const accountDeletion = new AccountDeletionService(
    scopes,
    new AccountErasureFlow(scopes, payments, dataExports, photoStore, logger.child({ component: 'erasure' })),
  );
  const moderation = new ModerationService(scopes, discovery, audit, reliability);
  reliability.registerJobs(jobs);
  community.registerJobs(jobs);
  const networks = new NetworksService(scopes, bus, locations);
  const dynamicPricing = new DynamicPricingFlow(tariffs, forecasting, siteLimits, logger);
  dynamicPricing.registerJobs(jobs);
  const offPeakNudges = new OffPeakNudgesFlow(scopes, forecasting, logger);
  offPeakNudges.registerJobs(jobs);
  registerNotificationJobs(jobs, scopes, notifications);
  accountSecurity.registerJobs(jobs);
  dataExports.registerJobs(jobs);
  accountDeletion.registerJobs(jobs);
  retention.registerJobs(jobs);
  return {
    config,
    database,
    scopes,
    logger,
    signer,
    auth,
    networks,
    incidents,
    uptime,
    audit,
    drivers,
    apiKeys: new ApiKeysService(scopes, () => auth.forgetKeys()),
    bus,
    locations,
    discovery,
    forecasting,
    discoveryIndex,
    reviews: new ReviewsService(scopes, discovery),
    community,
    moderation,
    reliability,
    support,
    supportDesk,
    reservationFees,
    reports: new ReportsService(scopes),
    siteLimits,
    sustainability,
    publicLimiter,
    authLimiter,
    tariffs,
    chargePoints,
    idTags,
    openData: new OpenDataService(scopes),
    charging,
    sessionHistory: new SessionHistory(scopes, tariffs),
    mailer,
    accountSecurity,
    dataExports,
    consents,
    accountDeletion,
    retention,
    publicBase,
    reservations,
    overview,
    payments,
    adHoc,
    flows: {
      providerWebhook: new ProviderWebhookFlow(payments, reservationFees),
      chargingAdvice: new ChargingAdviceFlow(discovery, forecasting, tariffs, charging, consents),
      partnerSharing: new PartnerSharingFlow(consents, charging, audit),
      dynamicPricing,
      offPeakNudges,
      networkStatus: new NetworkStatusFlow(networks, incidents, uptime),
      ticketActions: new TicketActionsFlow(scopes, support, charging, idTags, payments, commands, audit),
      chargerActions: new ChargerActionsFlow(chargePoints, commands, audit),
      driverCharging: new DriverChargingFlow(evses, reservations, payments, idTags, charging, chargePoints, commands, logger),
    },
    evses,
    queue,
    webhooks,
    jobs,
    notifications,
    commands,
    metrics: new Metrics(database, messageLog),
    started: false,
    async close() {
      if (bus instanceof RedisEventBus) await bus.close();
      if (commands instanceof RedisCommandRouter) await commands.close();
      await Promise.all([publicLimiter.settled(), authLimiter.settled()]);
      publicLimiter.close();
      mailer.close();
      authLimiter.close();
      countsRedis?.disconnect(); // everything counted was sent by settled(); a down Redis must not hold up the shutdown
    },
  };
}

export function servicesOf(req: Request): Services {
  return req.app.locals.services as Services;
}
