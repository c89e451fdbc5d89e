import { sql } from 'kysely';
import type { ChargePointIdentity } from '../charge-points/charge-points.model.js';
import type { BootInfo, ChargePointsService } from '../charge-points/charge-points.service.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import type { LocationsService } from '../locations/locations.service.js';
import { writeThenPublish } from '../realtime/after-commit.js';
import type { EventBus } from '../realtime/events.js';
import { nextVersion } from '../realtime/version.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import { priceSession, type SessionCost } from '../tariffs/pricing.js';
import type { TariffTerms } from '../tariffs/tariff-elements.js';
import type { TariffsService } from '../tariffs/tariffs.service.js';
import type { Authorization, ChargerFault, ChargingSession, MeterSample, OcppMessage, StatusReport, TransactionRef } from './charging.model.js';
import type { IdTokenType } from './charging.tables.js';
import { faultName } from './fault-codes.js';
import type { IdTagsService } from './id-tags.service.js';
import type { MessageLog } from './message-log.js';
import type { SessionRow, SessionSteps } from './session-steps.js';
import { StatusReports } from './status-reports.js';

function toSession(r: SessionRow): ChargingSession {
  return {
    id: r.id,
    network_id: r.tenant_id,
    transaction_id: r.transaction_id,
    charger_transaction_id: r.charger_transaction_id,
    charge_point_id: r.charge_point_id,
    evse_uid: r.evse_uid,
    connector_id: r.connector_id,
    id_tag: r.id_tag,
    driver_id: r.driver_id,
    status: r.status,
    started_at: r.started_at,
    stopped_at: r.stopped_at,
    meter_start_wh: Number(r.meter_start_wh),
    meter_stop_wh: r.meter_stop_wh === null ? null : Number(r.meter_stop_wh),
    energy_wh: Math.max(0, Number(r.meter_stop_wh ?? r.meter_last_wh) - Number(r.meter_start_wh)),
    power_w: r.power_w,
    soc_percent: r.soc_percent,
    stop_reason: r.stop_reason,
    departure_at: r.departure_at,
    energy_wanted_wh: r.energy_wanted_wh,
    flexible: r.flexible,
    cost: r.cost ? { amount: (r.cost as SessionCost).amount, currency: (r.cost as SessionCost).currency } : null,
    cost_breakdown: (r.cost as SessionCost | null) ?? null,
    version: r.version,
    updated_at: r.updated_at,
  };
}

/**
 * What charge points do, in domain terms: connect, report status, authorise, charge. The OCPP
 * gateway translates each protocol version onto these calls; nothing here knows OCPP.
 */
/** What charging needs of reservations: who may start on a reserved EVSE, and releasing the rest of a slot. */
export class ChargingService {
  constructor(
    private readonly scopes: Scopes,
    private readonly locations: LocationsService,
    private readonly tariffs: TariffsService,
    private readonly bus: EventBus | undefined,
    readonly messageLog: MessageLog,
    private readonly idTags: IdTagsService,
    private readonly chargePoints: ChargePointsService,
    private readonly steps: SessionSteps,
  ) {
    this.statusReports = new StatusReports(scopes, locations, bus);
  }

  private readonly statusReports: StatusReports;

  private announce(session: ChargingSession): void {
    this.bus?.publish({
      type: 'session.updated',
      audience: { tenant_id: session.network_id, driver_id: session.driver_id },
      payload: {
        session_id: session.id,
        status: session.status,
        energy_wh: session.energy_wh,
        power_w: session.power_w,
        soc_percent: session.soc_percent,
        version: session.version,
        updated_at: session.updated_at.toISOString(),
      },
    });
  }

  /** The one cross-tenant lookup the gateway needs: who is this identity? */
  findChargePoint(identity: string): Promise<ChargePointIdentity | undefined> {
    return this.chargePoints.findByIdentity(identity);
  }

  async setConnected(tenantId: string, chargePointId: string, online: boolean): Promise<void> {
    await this.chargePoints.markConnected(tenantId, chargePointId, online);
    await this.locations.refreshChargePoint(tenantId, chargePointId);
    if (online) await this.steps.reconnected(tenantId, chargePointId);
  }

  async seen(tenantId: string, chargePointId: string): Promise<void> {
    await this.chargePoints.markSeen(tenantId, [chargePointId]);
  }

  /** Marks many of a network's charge points seen now, in one statement (traffic from thousands of chargers). */
  seenMany(tenantId: string, chargePointIds: string[]): Promise<void> {
    return this.chargePoints.markSeen(tenantId, chargePointIds);
  }

  recordBoot(tenantId: string, chargePointId: string, info: BootInfo): Promise<void> {
    return this.chargePoints.recordBoot(tenantId, chargePointId, info);
  }

  /**
   * A connector's status: faults are kept; the EVSE's status goes through the availability rule.
   * Resolves once the report is committed (reports arriving together are batched: see StatusReports).
   */
  reportStatus(tenantId: string, chargePointId: string, report: StatusReport): Promise<void> {
    return this.statusReports.report(tenantId, chargePointId, report);
  }

  /** Id tags are platform-wide: a driver's card works at every network. */
  authorize(idTag: string, type?: IdTokenType): Promise<Authorization> {
    return this.idTags.authorize(idTag, type);
  }

  /**
   * Opens a session for a transaction the charger starts. A retried message (same connector, tag, meter and
   * time) returns the session it already created instead of a second one.
   */
  async startSession(
    tenantId: string,
    chargePointId: string,
    start: {
      connectorId: number;
      idTag: string;
      /** The token's type, when the protocol gives one (2.0.1). */
      idTokenType?: IdTokenType;
      meterStartWh: number;
      at: Date;
      reservationId?: number;
      /** The charger's own transaction id (2.0.1). */
      chargerTransactionId?: string;
    },
  ): Promise<{ transactionId: number; authorization: Authorization; session: ChargingSession }> {
    let authorization = await this.authorize(start.idTag, start.idTokenType);
    const session = await writeThenPublish(this.scopes, this.bus, tenantId, async (tx, emit) => {
      const existing = await tx
        .selectFrom('charging_sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('charge_point_id', '=', chargePointId)
        .where('connector_id', '=', start.connectorId)
        .where('id_tag', '=', start.idTag)
        .where('meter_start_wh', '=', start.meterStartWh)
        .where('started_at', '=', start.at)
        .executeTakeFirst();
      if (existing) return existing;
      const evse = await tx
        .selectFrom('evses')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('charge_point_id', '=', chargePointId)
        .where('ocpp_connector_id', '=', start.connectorId)
        .executeTakeFirst();
      const sessionId = newId('ses');
      // The tariff in force now prices the whole session, whatever changes later.
      const terms = evse ? await this.tariffs.termsForEvse(tx, tenantId, evse.id) : undefined;
      let authorizationStatus: string = authorization.status;
      if (evse && authorization.status === 'Accepted') {
        const claim = await this.steps.claimEvse(
          tx,
          tenantId,
          evse.id,
          { driverId: authorization.driverId, chargerReservationId: start.reservationId, sessionId, at: start.at },
          emit,
        );
        if (claim === 'reserved-for-another') {
          // The charger stops a transaction whose id tag comes back Invalid.
          authorization = { status: 'Invalid', driverId: authorization.driverId };
          authorizationStatus = 'ReservedForAnother';
        }
      }
      const row = await tx
        .insertInto('charging_sessions')
        .values({
          tenant_id: tenantId,
          id: sessionId,
          transaction_id: sql<number>`nextval('ocpp_transaction_id_seq')`,
          charger_transaction_id: start.chargerTransactionId ?? null,
          id_token_type: start.idTokenType ?? null,
          charge_point_id: chargePointId,
          evse_uid: evse?.id ?? null,
          connector_id: start.connectorId,
          id_tag: start.idTag,
          driver_id: authorization.driverId ?? null,
          started_at: start.at,
          meter_start_wh: start.meterStartWh,
          meter_last_wh: start.meterStartWh,
          authorization_status: authorizationStatus,
          tariff: terms ? JSON.stringify(terms) : null,
        })
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'charge_point_id', 'connector_id', 'id_tag', 'meter_start_wh', 'started_at'])
            .doUpdateSet({ updated_at: sql`charging_sessions.updated_at` } as never),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.steps.started(tx, row as SessionRow);
      return row;
    });
    const started = toSession(session as SessionRow);
    this.announce(started);
    this.steps.changed(tenantId, chargePointId);
    return { transactionId: session.transaction_id, authorization, session: started };
  }

  /** Meter values move a session's progress forward; samples older than the last are kept out. */
  async addMeterValues(
    tenantId: string,
    chargePointId: string,
    transactionId: TransactionRef | undefined,
    samples: MeterSample[],
  ): Promise<ChargingSession | undefined> {
    if (transactionId === undefined) return undefined;
    const updated = await this.scopes.tenant(tenantId, async (tx) => {
      const session = await this.sessionByTransaction(tx, tenantId, chargePointId, transactionId);
      if (session?.status !== 'ACTIVE') return undefined;
      const latest = [...samples].sort((a, b) => a.at.getTime() - b.at.getTime());
      let energy = Number(session.meter_last_wh);
      let power = session.power_w;
      let soc = session.soc_percent;
      for (const s of latest) {
        if (s.energyWh !== undefined && s.energyWh >= energy) energy = Math.round(s.energyWh);
        if (s.powerW !== undefined) power = Math.round(s.powerW);
        if (s.socPercent !== undefined) soc = Math.round(s.socPercent);
      }
      const readings = latest
        .filter((s) => s.energyWh !== undefined && s.energyWh >= Number(session.meter_start_wh) && s.at >= session.started_at)
        .map((s) => ({
          tenant_id: tenantId,
          session_id: session.id,
          at: s.at,
          energy_wh: Math.round((s.energyWh as number) - Number(session.meter_start_wh)),
          power_w: s.powerW === undefined ? null : Math.round(s.powerW),
        }));
      // Kept for pricing; a resent reading (same time) is kept once.
      if (readings.length)
        await tx
          .insertInto('meter_samples')
          .values(readings)
          .onConflict((oc) => oc.doNothing())
          .execute();
      const row = await tx
        .updateTable('charging_sessions')
        .set({ meter_last_wh: energy, power_w: power, soc_percent: soc, updated_at: new Date(), version: nextVersion() } as never)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', session.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSession(row as SessionRow);
    });
    if (updated) this.announce(updated);
    return updated;
  }

  /**
   * Ends a session. Late messages from a charger that was offline carry their own times and are
   * reconciled; a stop for a transaction we never saw is logged and accepted so the
   * charger can clear its queue.
   */
  async stopSession(
    tenantId: string,
    chargePointId: string,
    stop: { transactionId: TransactionRef; meterStopWh: number; at: Date; reason?: string; idTag?: string },
  ): Promise<{ known: boolean; session?: ChargingSession; authorization?: Authorization }> {
    const authorization = stop.idTag ? await this.authorize(stop.idTag) : undefined;
    const session = await this.scopes.tenant(tenantId, async (tx) => {
      const current = await this.sessionByTransaction(tx, tenantId, chargePointId, stop.transactionId);
      if (!current) return undefined;
      if (current.status === 'COMPLETED') return current;
      const stoppedAt = stop.at < current.started_at ? current.started_at : stop.at;
      await this.steps.ending(tx, tenantId, current.id, stoppedAt);
      const meterStop = Math.max(stop.meterStopWh, Number(current.meter_start_wh));
      const cost = await this.price(tx, current, stoppedAt, meterStop);
      const stopped = await tx
        .updateTable('charging_sessions')
        .set({
          status: 'COMPLETED',
          stopped_at: stoppedAt,
          meter_stop_wh: meterStop,
          meter_last_wh: meterStop,
          cost: cost ? JSON.stringify(cost) : null,
          stop_reason: stop.reason ?? 'Local',
          power_w: 0,
          updated_at: new Date(),
          version: nextVersion(),
        } as never)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.steps.ended(tx, stopped as SessionRow);
      return stopped;
    });
    const stopped = session ? toSession(session as SessionRow) : undefined;
    if (stopped) {
      this.announce(stopped);
      this.steps.changed(tenantId, chargePointId);
    }
    return { known: Boolean(session), session: stopped, authorization };
  }

  /**
   * The session's cost with the tariff it started under, up to `until` — its stop, when the meter
   * read `meterWh` — or up to its last reading while it is live.
   */
  private async price(tx: Tx, session: SessionRow, until: Date | 'last-reading', meterWh: number): Promise<SessionCost | undefined> {
    const terms = session.tariff as TariffTerms | null;
    if (!terms) return undefined;
    const samples = await tx
      .selectFrom('meter_samples')
      .select(['at', 'energy_wh'])
      .where('tenant_id', '=', session.tenant_id)
      .where('session_id', '=', session.id)
      .$if(until !== 'last-reading', (q) => q.where('at', '<=', until as Date))
      .orderBy('at')
      .execute();
    const readings = samples.map((s) => ({ at: s.at, energyWh: Number(s.energy_wh) }));
    const end = until === 'last-reading' ? (readings.at(-1)?.at ?? session.started_at) : until;
    readings.push({ at: end, energyWh: Math.max(0, meterWh - Number(session.meter_start_wh)) });
    return priceSession(terms, session.started_at, end, readings);
  }

  /** Queues a frame for the message log (written in batches; see MessageLog). */
  logFrame(tenantId: string, chargePointId: string, direction: 'in' | 'out', frame: unknown): void {
    this.messageLog.append(tenantId, chargePointId, direction, frame);
  }

  /** Writes queued frames now (also before reads and on shutdown). */
  flushFrames(): Promise<void> {
    return this.messageLog.flush();
  }

  /** Drops message-log entries older than the retention period. */
  pruneMessages(olderThan: Date): Promise<number> {
    return this.messageLog.prune(olderThan);
  }

  /** A charge point's frames, newest first. */
  messages(tenantId: string, chargePointId: string, page: PageRequest): Promise<Page<OcppMessage>> {
    return this.messageLog.page(tenantId, chargePointId, page);
  }

  /** The faults a charger reported, newest first, with their names and the EVSE they hit. */
  faults(tenantId: string, chargePointId: string, page: PageRequest): Promise<Page<ChargerFault>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('evse_faults')
            .leftJoin('evses', (j) =>
              j
                .onRef('evses.tenant_id', '=', 'evse_faults.tenant_id')
                .onRef('evses.charge_point_id', '=', 'evse_faults.charge_point_id')
                .onRef('evses.ocpp_connector_id', '=', 'evse_faults.connector_id'),
            )
            .select([
              'evse_faults.id',
              'evse_faults.connector_id',
              'evses.id as evse_uid',
              'evses.evse_id',
              'evse_faults.error_code',
              'evse_faults.info',
              'evse_faults.vendor_error_code',
              'evse_faults.occurred_at',
            ])
            .where('evse_faults.tenant_id', '=', tenantId)
            .where('evse_faults.charge_point_id', '=', chargePointId)
            .$if(before !== undefined, (q) => q.where('evse_faults.id', '<', before as string))
            .orderBy('evse_faults.id', 'desc')
            .limit(limit)
            .execute(),
        ),
      (row): ChargerFault => ({ ...row, evse_uid: row.evse_uid ?? null, evse_id: row.evse_id ?? null, name: faultName(row.error_code) }),
    );
  }

  /** The session charging on an EVSE now, if any: its transaction as the charger knows it. */
  activeSessionOn(tenantId: string, evseUid: string): Promise<{ id: string; transaction_id: number; charger_transaction_id: string | null } | undefined> {
    return this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('charging_sessions')
        .select(['id', 'transaction_id', 'charger_transaction_id'])
        .where('tenant_id', '=', tenantId)
        .where('evse_uid', '=', evseUid)
        .where('status', '=', 'ACTIVE')
        .orderBy('started_at', 'desc')
        .executeTakeFirst(),
    );
  }

  async session(tenantId: string, id: string): Promise<ChargingSession> {
    const session = await this.scopes.tenant(tenantId, async (tx) => {
      const row = await tx.selectFrom('charging_sessions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && this.withCostSoFar(tx, row as SessionRow);
    });
    if (!session) throw fail.notFound('session', id);
    return session;
  }

  /** A live session read on its own carries its cost up to now (lists do not, to stay cheap). */
  private async withCostSoFar(tx: Tx, row: SessionRow): Promise<ChargingSession> {
    const session = toSession(row);
    if (row.status !== 'ACTIVE') return session;
    // Up to the last reading: between readings the car is charging, not idling.
    const cost = await this.price(tx, row, 'last-reading', Number(row.meter_last_wh));
    return cost ? { ...session, cost: { amount: cost.amount, currency: cost.currency }, cost_breakdown: cost } : session;
  }

  networkSessions(
    tenantId: string,
    filter: { status?: 'ACTIVE' | 'COMPLETED'; charge_point_id?: string; location_id?: string; from?: Date; to?: Date },
    page: PageRequest,
  ): Promise<Page<ChargingSession>> {
    if (filter.from && filter.to && filter.to <= filter.from) throw fail.invalid([{ field: 'to', message: 'must be after from' }]);
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(
          tenantId,
          (tx) =>
            tx
              .selectFrom('charging_sessions')
              .selectAll()
              .where('tenant_id', '=', tenantId)
              .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status as 'ACTIVE' | 'COMPLETED'))
              .$if(filter.charge_point_id !== undefined, (q) => q.where('charge_point_id', '=', filter.charge_point_id as string))
              .$if(filter.location_id !== undefined, (q) =>
                // A charger stands at one site; its sessions are that site's, with or without an EVSE.
                q.where('charge_point_id', 'in', (sub) =>
                  sub
                    .selectFrom('charge_points')
                    .select('charge_points.id')
                    .where('charge_points.tenant_id', '=', tenantId)
                    .where('charge_points.location_id', '=', filter.location_id as string),
                ),
              )
              .$if(filter.from !== undefined, (q) => q.where('started_at', '>=', filter.from as Date))
              .$if(filter.to !== undefined, (q) => q.where('started_at', '<', filter.to as Date))
              .$if(before !== undefined, (q) => q.where('id', '<', before as string))
              .orderBy('id', 'desc')
              .limit(limit)
              .execute() as Promise<SessionRow[]>,
        ),
      toSession,
    );
  }

  /** One of a driver's own sessions, at any network. */
  async driverSession(driverId: string, id: string): Promise<ChargingSession | undefined> {
    return this.scopes.system(async (tx) => {
      const row = await tx.selectFrom('charging_sessions').selectAll().where('driver_id', '=', driverId).where('id', '=', id).executeTakeFirst();
      return row && this.withCostSoFar(tx, row as SessionRow);
    });
  }

  /** The driver's own plan for a live session: departure time (queue ETAs use it) and energy wanted; a field left out is kept. */
  async planSession(
    driverId: string,
    id: string,
    plan: { departureAt?: Date | null; energyWantedWh?: number | null; flexible?: boolean },
  ): Promise<ChargingSession> {
    const { departureAt, energyWantedWh, flexible } = plan;
    const own = await this.driverSession(driverId, id);
    if (!own) throw fail.notFound('session', id);
    if (own.status !== 'ACTIVE') throw fail.conflict('This session has ended.', 'session-ended');
    if (departureAt && departureAt.getTime() < Date.now() - 60_000) throw fail.invalid([{ field: 'departure_at', message: 'is in the past' }]);
    const row = await this.scopes.tenant(own.network_id, (tx) =>
      tx
        .updateTable('charging_sessions')
        .set({
          ...(departureAt !== undefined && { departure_at: departureAt }),
          ...(energyWantedWh !== undefined && { energy_wanted_wh: energyWantedWh }),
          ...(flexible !== undefined && { flexible }),
          updated_at: new Date(),
        })
        .where('tenant_id', '=', own.network_id)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    // What the driver wants changes the site's plan.
    this.steps.changed(own.network_id, own.charge_point_id);
    return toSession(row);
  }

  /** Where a driver charges most (the last eight weeks, any network): up to three stations, most used first. */
  async usualStations(driverId: string, now = new Date()): Promise<{ network_id: string; location_id: string; sessions: number }[]> {
    const rows = await this.scopes.system((tx) =>
      tx
        .selectFrom('charging_sessions as s')
        .innerJoin('charge_points as cp', (j) => j.onRef('cp.tenant_id', '=', 's.tenant_id').onRef('cp.id', '=', 's.charge_point_id'))
        .select(['s.tenant_id', 'cp.location_id'])
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('s.driver_id', '=', driverId)
        .where('s.started_at', '>', new Date(now.getTime() - 56 * 86_400_000))
        .groupBy(['s.tenant_id', 'cp.location_id'])
        .orderBy('n', 'desc')
        .limit(3)
        .execute(),
    );
    return rows.map((r) => ({ network_id: r.tenant_id, location_id: r.location_id, sessions: Number(r.n) }));
  }

  /** A driver's sessions at every network (drivers are platform-wide). */
  driverSessions(driverId: string, page: PageRequest): Promise<Page<ChargingSession>> {
    return this.driversSessions([driverId], page);
  }

  /** The sessions of these drivers at every network, newest first (what a partner they chose to share with sees). */
  driversSessions(driverIds: string[], page: PageRequest): Promise<Page<ChargingSession>> {
    if (!driverIds.length) return Promise.resolve({ data: [], next_cursor: null });
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.system(
          (tx) =>
            tx
              .selectFrom('charging_sessions')
              .selectAll()
              .where('driver_id', 'in', driverIds)
              .$if(before !== undefined, (q) => q.where('id', '<', before as string))
              .orderBy('id', 'desc')
              .limit(limit)
              .execute() as Promise<SessionRow[]>,
        ),
      toSession,
    );
  }

  private sessionByTransaction(tx: Tx, tenantId: string, chargePointId: string, transactionId: TransactionRef) {
    return tx
      .selectFrom('charging_sessions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('charge_point_id', '=', chargePointId)
      .$call((q) => (typeof transactionId === 'string' ? q.where('charger_transaction_id', '=', transactionId) : q.where('transaction_id', '=', transactionId)))
      .forUpdate()
      .executeTakeFirst();
  }
}
