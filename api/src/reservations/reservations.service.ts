import type { Logger } from 'pino';
import type { CommandRouter } from '../charging/commands.js';
import type { IdTagsService } from '../charging/id-tags.service.js';
import type { EvseStatus, ReservationStatus } from '../db/schema.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import { OUT_OF_SERVICE } from '../locations/availability.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import type { LocationsService } from '../locations/locations.service.js';
import { isOpenAt } from '../locations/opening-hours.js';
import { recordDriverEvent } from '../notifications/outbox.js';
import { queueDispatchJob } from '../queue/dispatch-job.js';
import { type Emit, writeThenPublish } from '../realtime/after-commit.js';
import type { DriverEventType, EventBus } from '../realtime/events.js';
import { nextVersion } from '../realtime/version.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import { ReservationChargerSync } from './charger-sync.js';
import { dayAvailability } from './day-availability.js';
import { DEFAULT_POLICY, overlapOf, type ReservationRow, type SessionClaim, slotTaken, toReservation } from './reservation-rows.js';
import { CLAIMABLE, graceUntil, HOLDS_SLOT, TERMINAL } from './reservation-rules.js';
import type { DayAvailability, Reservation, ReservationChange, ReservationPolicy, ReservationRequest } from './reservations.model.js';

export { DEFAULT_POLICY, overlapOf, type ReservationRow, type SessionClaim, slotTaken, toReservation };

const MINUTE = 60_000;
/** Clock skew a client may have when it books "now". */
const PAST_TOLERANCE_MS = 60_000;
/** A driver arriving this early still fulfils their own reservation. */
const EARLY_ARRIVAL_MS = 15 * MINUTE;

const driverBusy = () => fail.conflict('You already hold a reservation that overlaps this slot.', 'overlapping-reservation');

interface Candidate {
  tenant_id: string;
  evse_uid: string;
  location_id: string;
  availability: EvseStatus;
  capabilities: string[];
  standards: string[];
  power: number;
}

/** What reservations tell payments: a booking or no-show fee is owed. */
export interface ReservationFeeHook {
  due(
    tx: Tx,
    fee: { tenant_id: string; reservation_id: string; driver_id: string; kind: 'booking' | 'no_show'; amount: number; currency: string },
  ): Promise<void>;
}

/**
 * Reservations: a driver holds an EVSE for `[start, end)`. The database makes double booking
 * impossible (exclusion constraints on the EVSE's and the driver's slots); this service decides
 * everything else: policy, visibility, the slot's lifecycle (start, no-show), what the charger
 * is told (reserve / cancel commands through jobs), and which session fulfils it.
 */
export class ReservationsService {
  constructor(
    private readonly scopes: Scopes,
    private readonly locations: LocationsService,
    private readonly discovery: DiscoveryService,
    commands: CommandRouter,
    private readonly bus: EventBus,
    logger: Logger,
    /** Payments hear of the fees a reservation owes, in the reservation's own transaction. */
    private readonly fees: ReservationFeeHook,
    /** The token a driver is known by at chargers, to reserve a connector for it. */
    idTags: Pick<IdTagsService, 'primaryOf'>,
  ) {
    this.chargerSync = new ReservationChargerSync(scopes, commands, logger, idTags);
  }

  private readonly chargerSync: ReservationChargerSync;

  private write<T>(tenantId: string, work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    return writeThenPublish(this.scopes, this.bus, tenantId, work);
  }

  // ---- policy ---------------------------------------------------------------------------------

  async policy(tenantId: string, tx?: Tx): Promise<ReservationPolicy> {
    const read = (t: Tx) => t.selectFrom('reservation_policies').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    const row = tx ? await read(tx) : await this.scopes.tenant(tenantId, read);
    if (!row) return DEFAULT_POLICY;
    const { tenant_id: _t, updated_at: _u, ...policy } = row;
    return policy;
  }

  async setPolicy(tenantId: string, policy: ReservationPolicy): Promise<ReservationPolicy> {
    if (policy.min_duration_minutes > policy.max_duration_minutes)
      throw fail.invalid([{ field: 'min_duration_minutes', message: 'must not exceed max_duration_minutes' }]);
    await this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('reservation_policies')
        .values({ tenant_id: tenantId, ...policy, block_unpaid_fees: policy.block_unpaid_fees ?? false })
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...policy, block_unpaid_fees: policy.block_unpaid_fees ?? false, updated_at: new Date() }))
        .execute(),
    );
    return this.policy(tenantId);
  }

  // ---- booking --------------------------------------------------------------------------------

  /** Books a slot for a driver; 409 when the slot is taken (decided by the database), 422 when the request breaks the policy. */
  async create(driverId: string, callerTenantId: string | undefined, input: ReservationRequest, now = new Date()): Promise<Reservation> {
    const byEvse = input.evse_id !== undefined;
    if (byEvse === (input.location_id !== undefined))
      throw fail.invalid([{ field: 'body', message: 'give either evse_id, or location_id with connector_standard' }]);
    if (!byEvse && !input.connector_standard) throw fail.invalid([{ field: 'connector_standard', message: 'is required when booking any EVSE of a location' }]);
    const candidates = await this.candidates(callerTenantId, input);
    if (candidates.length === 0) {
      throw byEvse ? fail.notFound('EVSE', input.evse_id) : fail.notFound('location', input.location_id);
    }
    const { tenant_id: tenantId, location_id: locationId } = candidates[0] as Candidate;
    const { policy, location, currency, unpaid } = await this.scopes.tenant(tenantId, async (tx) => {
      const policy = await this.policy(tenantId, tx);
      return {
        policy,
        // Read only when the network refuses bookings over them.
        unpaid: policy.block_unpaid_fees
          ? await tx
              .selectFrom('reservation_fees')
              .select(['id', 'reservation_id', 'kind', 'amount', 'currency'])
              .where('tenant_id', '=', tenantId)
              .where('driver_id', '=', driverId)
              .where('status', '=', 'failed')
              .orderBy('created_at')
              .execute()
          : [],
        location: await tx
          .selectFrom('locations')
          .select(['time_zone', 'opening_hours'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', locationId)
          .executeTakeFirstOrThrow(),
        currency: (await tx.selectFrom('networks').select('currency').where('id', '=', tenantId).executeTakeFirstOrThrow()).currency,
      };
    });
    if (unpaid.length > 0) {
      throw fail.paymentRequired('unpaid-fees', 'This network takes new bookings once your unpaid fees are paid (retry each fee).', {
        fees: unpaid.map((f) => ({ id: f.id, reservation_id: f.reservation_id, kind: f.kind, amount: Number(f.amount), currency: f.currency })),
      });
    }
    this.validateSlot(input.start, input.end, policy, now);
    const closed = [input.start, new Date(input.end.getTime() - 1)].some((t) => !isOpenAt(location.opening_hours, location.time_zone, t));
    if (closed) throw fail.invalid([{ field: 'start', message: 'the location is closed during part of this slot' }]);

    const compatible = candidates.filter((c) => !input.connector_standard || c.standards.includes(input.connector_standard));
    if (compatible.length === 0) throw fail.invalid([{ field: 'connector_standard', message: `no ${input.connector_standard} connector there` }]);
    const usable = compatible.filter((c) => !OUT_OF_SERVICE.includes(c.availability));
    if (usable.length === 0) throw fail.conflict('That EVSE is out of service.', 'evse-unavailable');
    // A slot starting now needs an EVSE that is free now, not only unbooked.
    const immediate = input.start.getTime() <= now.getTime() + policy.grace_minutes * MINUTE;
    const ready = immediate ? usable.filter((c) => c.availability === 'AVAILABLE') : usable;
    if (ready.length === 0) throw fail.conflict('Nothing compatible is free right now; join the queue instead.', 'evse-occupied');

    for (const candidate of ready) {
      try {
        return await this.insert(tenantId, driverId, candidate, input, policy, currency, now);
      } catch (error) {
        const overlap = overlapOf(error);
        if (overlap === 'driver') throw driverBusy();
        if (overlap === 'evse') continue;
        throw error;
      }
    }
    throw byEvse ? slotTaken() : fail.conflict('Every compatible EVSE is reserved for part of this slot.', 'no-evse-free');
  }

  private async candidates(callerTenantId: string | undefined, input: ReservationRequest): Promise<Candidate[]> {
    // Public scope: an EVSE of a network that does not share it is simply not there.
    const rows = await this.scopes.public(callerTenantId, (tx) =>
      tx
        .selectFrom('evses')
        .innerJoin('connectors', (j) => j.onRef('connectors.tenant_id', '=', 'evses.tenant_id').onRef('connectors.evse_id', '=', 'evses.id'))
        .select([
          'evses.tenant_id',
          'evses.id as evse_uid',
          'evses.location_id',
          'evses.availability',
          'evses.capabilities',
          'connectors.standard',
          'connectors.max_electric_power',
        ])
        .$if(input.evse_id !== undefined, (q) => q.where('evses.id', '=', input.evse_id as string))
        .$if(input.location_id !== undefined, (q) => q.where('evses.location_id', '=', input.location_id as string))
        .where('evses.status', '<>', 'REMOVED')
        .orderBy('evses.id')
        .execute(),
    );
    const byEvse = new Map<string, Candidate>();
    for (const r of rows) {
      const c = byEvse.get(r.evse_uid) ?? {
        tenant_id: r.tenant_id,
        evse_uid: r.evse_uid,
        location_id: r.location_id,
        availability: r.availability,
        capabilities: r.capabilities,
        standards: [],
        power: 0,
      };
      c.standards.push(r.standard);
      c.power = Math.max(c.power, r.max_electric_power);
      byEvse.set(r.evse_uid, c);
    }
    // When the platform picks, the most powerful EVSE first.
    return [...byEvse.values()].sort((a, b) => b.power - a.power);
  }

  private validateSlot(start: Date, end: Date, policy: ReservationPolicy, now: Date, startUnchanged = false): void {
    const errors: DomainFieldError[] = [];
    const minutes = (end.getTime() - start.getTime()) / MINUTE;
    if (Number.isNaN(start.getTime())) errors.push({ field: 'start', message: 'is not a date-time' });
    if (Number.isNaN(end.getTime())) errors.push({ field: 'end', message: 'is not a date-time' });
    if (errors.length) throw fail.invalid(errors);
    if (!startUnchanged && start.getTime() < now.getTime() - PAST_TOLERANCE_MS) errors.push({ field: 'start', message: 'is in the past' });
    if (end <= start) errors.push({ field: 'end', message: 'must be after start' });
    else if (minutes > policy.max_duration_minutes) errors.push({ field: 'end', message: `the longest slot is ${policy.max_duration_minutes} minutes` });
    else if (minutes < policy.min_duration_minutes) errors.push({ field: 'end', message: `the shortest slot is ${policy.min_duration_minutes} minutes` });
    if (end.getTime() <= now.getTime()) errors.push({ field: 'end', message: 'is in the past' });
    if (start.getTime() > now.getTime() + policy.max_days_ahead * 1440 * MINUTE)
      errors.push({ field: 'start', message: `bookings open ${policy.max_days_ahead} days ahead` });
    if (errors.length) throw fail.invalid(errors);
  }

  private insert(
    tenantId: string,
    driverId: string,
    evse: Candidate,
    input: ReservationRequest,
    policy: ReservationPolicy,
    currency: string,
    now: Date,
  ): Promise<Reservation> {
    return this.write(tenantId, async (tx, emit) => {
      const started = input.start.getTime() <= now.getTime();
      const row = await tx
        .insertInto('reservations')
        .values({
          tenant_id: tenantId,
          id: newId('rsv'),
          driver_id: driverId,
          location_id: evse.location_id,
          evse_uid: evse.evse_uid,
          connector_standard: input.connector_standard ?? null,
          starts_at: input.start,
          ends_at: input.end,
          grace_until: graceUntil(input.start, input.end, policy),
          status: started ? 'ACTIVE' : 'CONFIRMED',
          fee_amount: policy.reservation_fee,
          currency,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.scheduleLifecycle(tx, row);
      await this.fees.due(tx, { tenant_id: tenantId, reservation_id: row.id, driver_id: driverId, kind: 'booking', amount: policy.reservation_fee, currency });
      if (started) emit(...(await this.activated(tx, row)));
      emit(await this.announce(tx, row, 'reservation.created'));
      return toReservation(row);
    });
  }

  /** The jobs that move a reservation along: its start and its no-show deadline. */
  async scheduleLifecycle(tx: Tx, row: ReservationRow): Promise<void> {
    const base = { tenantId: row.tenant_id };
    if (row.status === 'CONFIRMED') {
      await scheduleJob(tx, {
        ...base,
        kind: 'reservation.start',
        key: `reservation.start:${row.id}:${row.starts_at.toISOString()}`,
        runAt: row.starts_at,
        payload: { reservation_id: row.id, starts_at: row.starts_at.toISOString() },
      });
    }
    await scheduleJob(tx, {
      ...base,
      kind: 'reservation.no_show',
      key: `reservation.no_show:${row.id}:${row.grace_until.toISOString()}`,
      runAt: row.grace_until,
      payload: { reservation_id: row.id, grace_until: row.grace_until.toISOString() },
    });
  }

  /** The EVSE is held from now: discovery shows it reserved and the charger is told. */
  private async activated(tx: Tx, row: ReservationRow) {
    await this.syncCharger(tx, row);
    return this.locations.recompute(tx, row.tenant_id, row.evse_uid);
  }

  syncCharger(tx: Tx, row: ReservationRow): Promise<void> {
    return scheduleJob(tx, { tenantId: row.tenant_id, kind: 'reservation.charger', key: `reservation.charger:${row.id}`, payload: { reservation_id: row.id } });
  }

  announce(tx: Tx, row: ReservationRow, type: DriverEventType) {
    const r = toReservation(row);
    return recordDriverEvent(tx, row.tenant_id, type, row.driver_id, {
      reservation_id: r.id,
      status: r.status,
      location_id: r.location_id,
      evse_uid: r.evse_uid,
      start: r.start.toISOString(),
      end: r.end.toISOString(),
      version: r.version,
    });
  }

  // ---- reading --------------------------------------------------------------------------------

  /** A reservation as its driver or its network's staff see it; anyone else gets 404. */
  async get(caller: { driverId?: string; tenantId?: string }, id: string): Promise<Reservation> {
    return toReservation(await this.find(caller, id));
  }

  private async find(caller: { driverId?: string; tenantId?: string }, id: string): Promise<ReservationRow> {
    if (caller.tenantId) {
      const tenantId = caller.tenantId;
      const own = await this.scopes.tenant(tenantId, (tx) =>
        tx.selectFrom('reservations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
      );
      if (own) return own;
    }
    if (caller.driverId) {
      const driverId = caller.driverId;
      // Drivers are platform-wide: their reservations may be at any network.
      const mine = await this.scopes.system((tx) =>
        tx.selectFrom('reservations').selectAll().where('driver_id', '=', driverId).where('id', '=', id).executeTakeFirst(),
      );
      if (mine) return mine;
    }
    throw fail.notFound('reservation', id);
  }

  driverReservations(driverId: string, filter: { status?: ReservationStatus }, page: PageRequest): Promise<Page<Reservation>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.system((tx) =>
          tx
            .selectFrom('reservations')
            .selectAll()
            .where('driver_id', '=', driverId)
            .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status as ReservationStatus))
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      toReservation,
    );
  }

  networkReservations(tenantId: string, filter: { status?: ReservationStatus; location_id?: string }, page: PageRequest): Promise<Page<Reservation>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('reservations')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status as ReservationStatus))
            .$if(filter.location_id !== undefined, (q) => q.where('location_id', '=', filter.location_id as string))
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      toReservation,
    );
  }

  // ---- changing -------------------------------------------------------------------------------

  /**
   * Moves or extends a reservation in one UPDATE: if the new slot is taken the database refuses
   * it and the old slot stays. Once the slot has started only its end may change. Sending the
   * same change twice changes nothing the second time.
   */
  async modify(driverId: string, id: string, change: ReservationChange, now = new Date()): Promise<Reservation> {
    if (change.start === undefined && change.end === undefined) throw fail.invalid([{ field: 'body', message: 'give start, end or both' }]);
    const current = await this.find({ driverId }, id);
    if (current.driver_id !== driverId) throw fail.notFound('reservation', id);
    const tenantId = current.tenant_id;
    try {
      return await this.write(tenantId, async (tx, emit) => {
        const row = await this.lock(tx, tenantId, id);
        const start = change.start ?? row.starts_at;
        const end = change.end ?? row.ends_at;
        if (start.getTime() === row.starts_at.getTime() && end.getTime() === row.ends_at.getTime() && !TERMINAL.includes(row.status)) return toReservation(row);
        if (!['CONFIRMED', 'ACTIVE'].includes(row.status))
          throw fail.conflict(`This reservation is ${row.status.toLowerCase()} and can no longer change.`, 'reservation-closed');
        if (row.status === 'ACTIVE' && start.getTime() !== row.starts_at.getTime())
          throw fail.conflict('The slot has started; only its end can change.', 'reservation-started');
        const policy = await this.policy(tenantId, tx);
        this.validateSlot(start, end, policy, now, start.getTime() === row.starts_at.getTime());
        const updated = await tx
          .updateTable('reservations')
          .set({ starts_at: start, ends_at: end, grace_until: graceUntil(start, end, policy), updated_at: new Date(), version: nextVersion() })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await this.scheduleLifecycle(tx, updated);
        // Reserving again with the same reservation id replaces the charger's hold (new expiry).
        if (updated.status === 'ACTIVE') await this.syncCharger(tx, updated);
        emit(await this.announce(tx, updated, 'reservation.updated'));
        return toReservation(updated);
      });
    } catch (error) {
      const overlap = overlapOf(error);
      if (overlap === 'evse') throw slotTaken();
      if (overlap === 'driver') throw driverBusy();
      throw error;
    }
  }

  /** Bookings on these EVSEs that are held now or start within `horizonMs`: the ones a fault there affects. */
  bookingsOn(tenantId: string, evseUids: string[], now: Date, horizonMs: number): Promise<ReservationRow[]> {
    if (evseUids.length === 0) return Promise.resolve([]);
    return this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('reservations')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('evse_uid', 'in', evseUids)
        .where('status', 'in', ['CONFIRMED', 'ACTIVE'])
        .where('ends_at', '>', now)
        .where('starts_at', '<', new Date(now.getTime() + horizonMs))
        .orderBy('starts_at')
        .execute(),
    );
  }

  /**
   * Moves a booking off an EVSE that is out of order to another one at the same site with a
   * connector of the same standard that is free for the whole slot; undefined when there is none.
   * The driver hears `reservation.updated` with the reason.
   */
  async moveOffEvse(tenantId: string, id: string, avoid: ReadonlySet<string>): Promise<Reservation | undefined> {
    const current = await this.find({ tenantId }, id);
    if (!['CONFIRMED', 'ACTIVE'].includes(current.status)) return undefined;
    const standards = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('connectors').select('standard').where('tenant_id', '=', tenantId).where('evse_id', '=', current.evse_uid).execute(),
    );
    const wanted = current.connector_standard ? [current.connector_standard] : standards.map((c) => c.standard);
    const candidates = (await this.candidates(tenantId, { location_id: current.location_id } as ReservationRequest)).filter(
      (c) =>
        c.evse_uid !== current.evse_uid &&
        !avoid.has(c.evse_uid) &&
        !OUT_OF_SERVICE.includes(c.availability) &&
        c.availability !== 'UNKNOWN' &&
        c.standards.some((s) => wanted.includes(s)),
    );
    for (const candidate of candidates) {
      try {
        return await this.write(tenantId, async (tx, emit) => {
          const row = await this.lock(tx, tenantId, id);
          if (!['CONFIRMED', 'ACTIVE'].includes(row.status)) return undefined;
          const moved = await tx
            .updateTable('reservations')
            .set({ evse_uid: candidate.evse_uid, updated_at: new Date(), version: nextVersion() })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow();
          if (moved.status === 'ACTIVE') {
            await this.syncCharger(tx, moved);
            emit(...(await this.locations.recompute(tx, tenantId, row.evse_uid)), ...(await this.locations.recompute(tx, tenantId, moved.evse_uid)));
          }
          emit(await this.announceMove(tx, moved, row.evse_uid));
          return toReservation(moved);
        });
      } catch (error) {
        if (overlapOf(error) === 'evse') continue;
        throw error;
      }
    }
    return undefined;
  }

  private async announceMove(tx: Tx, row: ReservationRow, from: string) {
    const event = await this.announce(tx, row, 'reservation.updated');
    event.payload = { ...event.payload, reason: 'evse_out_of_order', moved_from_evse_uid: from };
    return event;
  }

  /** Tells the driver their booked EVSE is out of order and nothing else at the site is free: other stations to try. */
  async tellEvseOutOfOrder(tenantId: string, id: string, alternatives: { location_id: string; name: string; distance_m: number }[]): Promise<void> {
    await this.write(tenantId, async (tx, emit) => {
      const row = await this.lock(tx, tenantId, id);
      if (!['CONFIRMED', 'ACTIVE'].includes(row.status)) return;
      const r = toReservation(row);
      emit(
        await recordDriverEvent(tx, tenantId, 'reservation.evse_out_of_order', row.driver_id, {
          reservation_id: r.id,
          location_id: r.location_id,
          evse_uid: r.evse_uid,
          start: r.start.toISOString(),
          end: r.end.toISOString(),
          alternatives,
        }),
      );
    });
  }

  /** Cancels any time before the slot ends; cancelling again returns the cancelled reservation. */
  async cancel(caller: { driverId?: string; tenantId?: string }, id: string): Promise<Reservation> {
    const current = await this.find(caller, id);
    return this.write(current.tenant_id, async (tx, emit) => {
      const row = await this.lock(tx, current.tenant_id, id);
      if (row.status === 'CANCELLED') return toReservation(row);
      if (TERMINAL.includes(row.status)) throw fail.conflict(`This reservation is ${row.status.toLowerCase()}; it cannot be cancelled.`, 'reservation-closed');
      const ended = await this.end(tx, row, 'CANCELLED', emit);
      emit(await this.announce(tx, ended, 'reservation.cancelled'));
      return toReservation(ended);
    });
  }

  /** Closes a reservation: the EVSE is released, the charger told, the location's queue moves. */
  async end(
    tx: Tx,
    row: ReservationRow,
    status: 'CANCELLED' | 'NO_SHOW' | 'EXPIRED',
    emit: Emit,
    extra: { no_show_fee_amount?: number } = {},
  ): Promise<ReservationRow> {
    const ended = await tx
      .updateTable('reservations')
      .set({ status, ended_at: new Date(), updated_at: new Date(), version: nextVersion(), ...extra })
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (row.charger_status === 'accepted') await this.syncCharger(tx, ended);
    if (row.status === 'ACTIVE' || row.status === 'OFFERED') emit(...(await this.locations.recompute(tx, row.tenant_id, row.evse_uid)));
    await scheduleJob(tx, queueDispatchJob(row.tenant_id, row.location_id));
    return ended;
  }

  lock(tx: Tx, tenantId: string, id: string): Promise<ReservationRow> {
    return tx
      .selectFrom('reservations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow(() => fail.notFound('reservation', id));
  }

  // ---- queue offers ---------------------------------------------------------------------------

  /** The hold a queue offer puts on an EVSE until the driver answers (the exclusion constraint refuses an overlap). */
  holdForOffer(
    tx: Tx,
    tenantId: string,
    entry: { driver_id: string; location_id: string; connector_standard: string | null },
    evseUid: string,
    now: Date,
    expires: Date,
    currency: string,
  ): Promise<ReservationRow> {
    return tx
      .insertInto('reservations')
      .values({
        tenant_id: tenantId,
        id: newId('rsv'),
        driver_id: entry.driver_id,
        location_id: entry.location_id,
        evse_uid: evseUid,
        connector_standard: entry.connector_standard,
        kind: 'queue',
        starts_at: now,
        ends_at: expires,
        grace_until: expires,
        status: 'OFFERED',
        currency,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * An accepted offer's hold becomes a reservation that starts now: it lasts the policy's queue
   * hold, or until the EVSE's next booking, with the usual grace; the charger is told.
   */
  async startOfferedHold(tx: Tx, tenantId: string, hold: ReservationRow, now: Date, emit: Emit): Promise<ReservationRow> {
    const policy = await this.policy(tenantId, tx);
    const next = await tx
      .selectFrom('reservations')
      .select((eb) => eb.fn.min('starts_at').as('starts_at'))
      .where('tenant_id', '=', tenantId)
      .where('evse_uid', '=', hold.evse_uid)
      .where('status', 'in', HOLDS_SLOT)
      .where('id', '<>', hold.id)
      .where('starts_at', '>', now)
      .executeTakeFirst();
    const end = new Date(
      Math.min(now.getTime() + policy.queue_hold_minutes * MINUTE, next?.starts_at ? new Date(next.starts_at).getTime() : Number.POSITIVE_INFINITY),
    );
    const active = await tx
      .updateTable('reservations')
      .set({ status: 'ACTIVE', ends_at: end, grace_until: graceUntil(now, end, policy), updated_at: new Date(), version: nextVersion() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', hold.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.scheduleLifecycle(tx, active);
    await this.syncCharger(tx, active);
    emit(await this.announce(tx, active, 'reservation.started'));
    return active;
  }

  // ---- sessions -------------------------------------------------------------------------------

  /**
   * Called in the transaction that opens a charging session on an EVSE: the reserving driver's
   * session fulfils the reservation; anyone else is refused while it holds the EVSE.
   */
  async claimForSession(
    tx: Tx,
    tenantId: string,
    evseUid: string,
    claim: { driverId?: string; ocppReservationId?: number; sessionId: string; at: Date },
    emit: Emit,
  ): Promise<SessionClaim> {
    const holding = await this.holdingAt(tx, tenantId, evseUid, claim.at).forUpdate().execute();
    const mine = holding.find(
      (r) =>
        (claim.driverId !== undefined && r.driver_id === claim.driverId) ||
        (claim.ocppReservationId !== undefined && r.ocpp_reservation_id === claim.ocppReservationId),
    );
    if (!mine) return { outcome: holding.some((r) => r.starts_at <= claim.at) ? 'reserved-for-another' : 'free' };
    const fulfilled = await tx
      .updateTable('reservations')
      .set({ status: 'FULFILLED', session_id: claim.sessionId, ended_at: claim.at, updated_at: new Date(), version: nextVersion() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', mine.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    emit(...(await this.locations.recompute(tx, tenantId, evseUid)));
    emit(await this.announce(tx, fulfilled, 'reservation.fulfilled'));
    return { outcome: 'fulfilled', reservation: fulfilled, wasOffered: mine.status === 'OFFERED' };
  }

  /** Reservations a session starting at `at` on the EVSE would meet; a driver arriving a little early still fulfils their own. */
  private holdingAt(tx: Tx, tenantId: string, evseUid: string, at: Date) {
    return tx
      .selectFrom('reservations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('evse_uid', '=', evseUid)
      .where('status', 'in', CLAIMABLE)
      .where('starts_at', '<=', new Date(at.getTime() + EARLY_ARRIVAL_MS))
      .where('ends_at', '>', at);
  }

  /** Whether a driver may start charging on the EVSE now as far as bookings go: it is theirs, or nobody else's. */
  async mayStartNow(tenantId: string, evseUid: string, driverId: string, at = new Date()): Promise<boolean> {
    const holding = await this.scopes.tenant(tenantId, (tx) => this.holdingAt(tx, tenantId, evseUid, at).execute());
    return holding.some((r) => r.driver_id === driverId) || !holding.some((r) => r.starts_at <= at);
  }

  /** A session that fulfilled a reservation ended: the rest of the slot is free for others. */
  async releaseAfterSession(tx: Tx, tenantId: string, sessionId: string, stoppedAt: Date): Promise<void> {
    const released = await tx
      .updateTable('reservations')
      .set((eb) => ({
        ends_at: eb.fn('greatest', [eb.val(stoppedAt), eb('starts_at', '+', eb.val('1 millisecond') as never)]) as never,
        updated_at: new Date(),
      }))
      .where('tenant_id', '=', tenantId)
      .where('session_id', '=', sessionId)
      .where('status', '=', 'FULFILLED')
      .where('ends_at', '>', stoppedAt)
      .returning(['location_id'])
      .execute();
    for (const r of released) {
      await scheduleJob(tx, queueDispatchJob(tenantId, r.location_id));
    }
  }

  /** Re-sends the reservations a charger never confirmed (it was offline). */
  async chargerReconnected(tenantId: string, chargePointId: string): Promise<void> {
    await this.scopes.tenant(tenantId, async (tx) => {
      const missed = await tx
        .selectFrom('reservations')
        .innerJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 'reservations.tenant_id').onRef('evses.id', '=', 'reservations.evse_uid'))
        .selectAll('reservations')
        .where('reservations.tenant_id', '=', tenantId)
        .where('evses.charge_point_id', '=', chargePointId)
        .where('reservations.status', '=', 'ACTIVE')
        .where('reservations.charger_status', 'in', ['offline', 'none'])
        .execute();
      for (const row of missed) await this.syncCharger(tx, row);
    });
  }

  // ---- slots of a day -------------------------------------------------------------------------

  /**
   * Bookable slots of one local calendar day at a location, in its time zone: 23 or 25 hours of
   * slots on the days the clocks change. A slot counts the EVSEs free for all of it.
   */
  async dayAvailability(
    callerTenantId: string | undefined,
    locationId: string,
    query: { date: string; connector_standard?: string; slot_minutes?: number },
    now = new Date(),
  ): Promise<DayAvailability> {
    const { network_id: tenantId, ...day } = await dayAvailability(this.scopes, this.discovery, callerTenantId, locationId, query, now);
    const [policy, network] = await Promise.all([
      this.policy(tenantId),
      this.scopes.tenant(tenantId, (tx) => tx.selectFrom('networks').select('currency').where('id', '=', tenantId).executeTakeFirstOrThrow()),
    ]);
    const { reservation_fee, no_show_fee, grace_minutes, min_duration_minutes, max_duration_minutes } = policy;
    return { ...day, booking_terms: { currency: network.currency, reservation_fee, no_show_fee, grace_minutes, min_duration_minutes, max_duration_minutes } };
  }

  // ---- jobs -----------------------------------------------------------------------------------

  registerJobs(jobs: JobRunner): void {
    jobs.register('reservation.start', async (p: { reservation_id: string; starts_at: string }, ctx) => {
      await this.write(requireTenant(ctx.tenantId), async (tx, emit) => {
        const row = await this.lock(tx, requireTenant(ctx.tenantId), p.reservation_id);
        // Moved or cancelled since this job was scheduled: nothing to do.
        if (row.status !== 'CONFIRMED' || row.starts_at.toISOString() !== p.starts_at) return;
        const active = await tx
          .updateTable('reservations')
          .set({ status: 'ACTIVE', updated_at: new Date(), version: nextVersion() })
          .where('tenant_id', '=', row.tenant_id)
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        emit(...(await this.activated(tx, active)));
        emit(await this.announce(tx, active, 'reservation.started'));
      });
    });

    jobs.register('reservation.no_show', async (p: { reservation_id: string; grace_until: string }, ctx) => {
      await this.write(requireTenant(ctx.tenantId), async (tx, emit) => {
        const row = await this.lock(tx, requireTenant(ctx.tenantId), p.reservation_id);
        if (!['CONFIRMED', 'ACTIVE'].includes(row.status) || row.grace_until.toISOString() !== p.grace_until) return;
        const policy = await this.policy(row.tenant_id, tx);
        const ended = await this.end(tx, row, 'NO_SHOW', emit, { no_show_fee_amount: policy.no_show_fee });
        await this.fees.due(tx, {
          tenant_id: row.tenant_id,
          reservation_id: row.id,
          driver_id: row.driver_id,
          kind: 'no_show',
          amount: policy.no_show_fee,
          currency: row.currency,
        });
        emit(await this.announce(tx, ended, 'reservation.no_show'));
      });
    });

    jobs.register('reservation.charger', async (p: { reservation_id: string }, ctx) => {
      await this.chargerSync.tell(requireTenant(ctx.tenantId), p.reservation_id, ctx.attempt < ctx.maxAttempts);
    });
  }
}

const requireTenant = (tenantId: string | null): string => {
  if (!tenantId) throw new Error('job without tenant');
  return tenantId;
};
