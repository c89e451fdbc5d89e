import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob, scheduleJobs } from '../jobs/job-runner.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import type { LocationDetail } from '../locations/locations.model.js';
import type { LocationsService } from '../locations/locations.service.js';
import { recordDriverEvent } from '../notifications/outbox.js';
import { type Emit, writeThenPublish } from '../realtime/after-commit.js';
import type { EventBus } from '../realtime/events.js';
import { HOLDS_SLOT } from '../reservations/reservation-rules.js';
import { overlapOf, type ReservationsService, slotTaken } from '../reservations/reservations.service.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { queueDispatchJob } from './dispatch-job.js';
import { compatibleEvses, IN_LINE, linePlaces, readLine, toOffer } from './line.js';
import type { JoinQueueRequest, OfferDecision, QueueStatus } from './queue.model.js';

const MINUTE = 60_000;

/**
 * The virtual queue of a location: drivers wait in line when nothing compatible is free; when an
 * EVSE frees, the first driver in line is offered it and it is held for them (a reservation in
 * status OFFERED) until they accept (a short reservation), decline, snooze or let it time out.
 */
export class QueueService {
  constructor(
    private readonly scopes: Scopes,
    private readonly reservations: ReservationsService,
    private readonly locations: LocationsService,
    private readonly discovery: DiscoveryService,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  private write<T>(tenantId: string, work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    return writeThenPublish(this.scopes, this.bus, tenantId, work);
  }

  async join(driverId: string, callerTenantId: string | undefined, locationId: string, input: JoinQueueRequest, now = new Date()): Promise<QueueStatus> {
    const location = await this.discovery.detail(callerTenantId, locationId, now);
    const standard = input.connector_standard ?? null;
    const compatible = compatibleEvses(location, standard);
    if (compatible.length === 0)
      throw fail.invalid([{ field: 'connector_standard', message: `no ${standard ?? ''} connector in service there`.replace('  ', ' ') }]);
    const tenantId = location.network_id;
    await this.write(tenantId, async (tx, emit) => {
      const policy = await this.reservations.policy(tenantId, tx);
      const free = await this.freeEvses(tx, tenantId, location, standard, now, new Date(now.getTime() + policy.queue_offer_minutes * MINUTE));
      const waiting = await readLine(tx, tenantId, locationId);
      const alreadyIn = waiting.some((e) => e.driver_id === driverId);
      // Free and nobody ahead: book it instead of queueing for it.
      if (!alreadyIn && free.length > 0 && waiting.length === 0)
        throw fail.conflict('A compatible EVSE is free right now; reserve it or start charging instead.', 'evse-available');
      if (alreadyIn) return;
      const inserted = await tx
        .insertInto('queue_entries')
        .values({ tenant_id: tenantId, id: newId('que'), location_id: locationId, driver_id: driverId, connector_standard: standard })
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'location_id', 'driver_id'])
            .where('status', 'in', [...IN_LINE])
            .doNothing(),
        )
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return;
      emit(await recordDriverEvent(tx, tenantId, 'queue.joined', driverId, { location_id: locationId, entry_id: inserted.id }));
      await scheduleJob(tx, queueDispatchJob(tenantId, locationId));
      await this.announce(tx, location, now, emit);
    });
    return this.status(callerTenantId, locationId, driverId, now);
  }

  /** Length and expected wait for anyone who may see the location; your place when you are in line. */
  async status(callerTenantId: string | undefined, locationId: string, driverId?: string, now = new Date()): Promise<QueueStatus> {
    const location = await this.discovery.detail(callerTenantId, locationId, now);
    return this.scopes.tenant(location.network_id, async (tx) => {
      const places = await linePlaces(tx, location, now);
      const mine = driverId ? places.entries.find((p) => p.driver_id === driverId) : undefined;
      return { location_id: locationId, length: places.entries.length, estimated_wait_minutes: places.joinerWait, you: mine?.place ?? null };
    });
  }

  /** Leaves the line at once; an offer you held goes to the next driver. Leaving when not in line is a no-op. */
  async leave(driverId: string, locationId: string, now = new Date()): Promise<void> {
    const entry = await this.scopes.system((tx) =>
      tx
        .selectFrom('queue_entries')
        .select(['tenant_id', 'id'])
        .where('driver_id', '=', driverId)
        .where('location_id', '=', locationId)
        .where('status', 'in', [...IN_LINE])
        .executeTakeFirst(),
    );
    if (!entry) return;
    const location = await this.discovery.detail(entry.tenant_id, locationId, now);
    await this.write(entry.tenant_id, async (tx, emit) => {
      const locked = await tx
        .selectFrom('queue_entries')
        .selectAll()
        .where('tenant_id', '=', entry.tenant_id)
        .where('id', '=', entry.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (!IN_LINE.includes(locked.status as never)) return;
      if (locked.status === 'OFFERED') await this.closeOffers(tx, entry.tenant_id, entry.id, 'DECLINED', now, emit);
      await tx
        .updateTable('queue_entries')
        .set({ status: 'LEFT', ended_at: now, updated_at: new Date() })
        .where('tenant_id', '=', entry.tenant_id)
        .where('id', '=', entry.id)
        .execute();
      emit(await recordDriverEvent(tx, entry.tenant_id, 'queue.left', driverId, { location_id: locationId, entry_id: entry.id }));
      await this.announce(tx, location, now, emit);
    });
  }

  /** Accept, decline or snooze an offer. Repeating the decision already taken returns the same answer. */
  async decide(driverId: string, offerId: string, decision: 'accept' | 'decline' | 'snooze', now = new Date()): Promise<OfferDecision> {
    const found = await this.scopes.system((tx) =>
      tx
        .selectFrom('queue_offers')
        .innerJoin('queue_entries', (j) =>
          j.onRef('queue_entries.tenant_id', '=', 'queue_offers.tenant_id').onRef('queue_entries.id', '=', 'queue_offers.entry_id'),
        )
        .select(['queue_offers.tenant_id', 'queue_entries.location_id'])
        .where('queue_offers.id', '=', offerId)
        .where('queue_entries.driver_id', '=', driverId)
        .executeTakeFirst(),
    );
    if (!found) throw fail.notFound('queue offer', offerId);
    const tenantId = found.tenant_id;
    const location = await this.discovery.detail(tenantId, found.location_id, now);
    const done = { accept: 'ACCEPTED', decline: 'DECLINED', snooze: 'SNOOZED' } as const;
    try {
      return await this.write(tenantId, async (tx, emit) => {
        const offer = await tx
          .selectFrom('queue_offers')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', offerId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (offer.status === done[decision]) return { offer: toOffer(offer), reservation_id: decision === 'accept' ? offer.reservation_id : null };
        if (offer.status !== 'PENDING') throw fail.conflict(`This offer was already ${offer.status.toLowerCase()}.`, 'offer-closed');
        if (offer.expires_at <= now) throw fail.conflict('This offer has expired; the EVSE went to the next driver.', 'offer-expired');
        const hold = await this.reservations.lock(tx, tenantId, offer.reservation_id);
        const decided = await tx
          .updateTable('queue_offers')
          .set({ status: done[decision], decided_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', offerId)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (decision === 'accept') {
          await this.reservations.startOfferedHold(tx, tenantId, hold, now, emit);
          await this.endEntry(tx, tenantId, offer.entry_id, 'ACCEPTED', now);
        } else {
          if (decision === 'decline') await this.endEntry(tx, tenantId, offer.entry_id, 'DECLINED', now);
          else {
            const until = await this.moveBehindNext(tx, tenantId, offer.entry_id, now, (await this.reservations.policy(tenantId, tx)).queue_offer_minutes);
            // Nobody else may take the EVSE meanwhile: offer it again when the snooze ends.
            await scheduleJob(tx, queueDispatchJob(tenantId, location.id, until));
          }
          await this.reservations.end(tx, hold, 'CANCELLED', emit);
        }
        await this.announce(tx, location, now, emit);
        return { offer: toOffer(decided), reservation_id: decision === 'accept' ? hold.id : null };
      });
    } catch (error) {
      if (overlapOf(error) === 'driver') throw fail.conflict('You hold another reservation at this time; cancel it to accept.', 'overlapping-reservation');
      if (overlapOf(error) === 'evse') throw slotTaken();
      throw error;
    }
  }

  /** Offers every free compatible EVSE to the first eligible driver in line. Safe to run any number of times. */
  async dispatch(tenantId: string, locationId: string, now = new Date()): Promise<number> {
    const location = await this.discovery.detail(tenantId, locationId, now);
    return this.write(tenantId, async (tx, emit) => {
      const policy = await this.reservations.policy(tenantId, tx);
      const waiting = await tx
        .selectFrom('queue_entries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('status', '=', 'WAITING')
        .where((eb) => eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '<=', now)]))
        .orderBy('line_key')
        .forUpdate()
        .execute();
      if (waiting.length === 0) return 0;
      const expires = new Date(now.getTime() + policy.queue_offer_minutes * MINUTE);
      const free = await this.freeEvses(tx, tenantId, location, null, now, expires);
      const currency = (await tx.selectFrom('networks').select('currency').where('id', '=', tenantId).executeTakeFirstOrThrow()).currency;
      let offered = 0;
      for (const evse of free) {
        const entry = waiting.find((e) => !e.connector_standard || evse.standards.includes(e.connector_standard));
        if (!entry) continue;
        // A booking may have taken the EVSE since we looked: the savepoint keeps the rest of the work.
        await sql`savepoint offer`.execute(tx);
        let hold: Awaited<ReturnType<ReservationsService['holdForOffer']>>;
        try {
          hold = await this.reservations.holdForOffer(tx, tenantId, entry, evse.uid, now, expires, currency);
        } catch (error) {
          if (!overlapOf(error)) throw error;
          await sql`rollback to savepoint offer`.execute(tx);
          continue;
        }
        waiting.splice(waiting.indexOf(entry), 1);
        const offerId = newId('qof');
        await tx
          .insertInto('queue_offers')
          .values({ tenant_id: tenantId, id: offerId, entry_id: entry.id, reservation_id: hold.id, evse_uid: evse.uid, expires_at: expires })
          .execute();
        await tx
          .updateTable('queue_entries')
          .set({ status: 'OFFERED', updated_at: new Date() })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', entry.id)
          .execute();
        await scheduleJob(tx, { tenantId, kind: 'queue.offer_expire', key: `queue.offer_expire:${offerId}`, runAt: expires, payload: { offer_id: offerId } });
        emit(...(await this.locations.recompute(tx, tenantId, evse.uid)));
        emit(
          await recordDriverEvent(tx, tenantId, 'queue.offer', entry.driver_id, {
            offer_id: offerId,
            location_id: locationId,
            evse_uid: evse.uid,
            reservation_id: hold.id,
            expires_at: expires.toISOString(),
          }),
        );
        offered += 1;
      }
      if (offered) await this.announce(tx, location, now, emit);
      return offered;
    });
  }

  /** The driver's session started on the EVSE they were offered: the offer and their place in line are done. */
  async acceptedBySession(tx: Tx, tenantId: string, hold: { id: string; driver_id: string; location_id: string }, at: Date): Promise<void> {
    await tx
      .updateTable('queue_offers')
      .set({ status: 'ACCEPTED', decided_at: at })
      .where('tenant_id', '=', tenantId)
      .where('reservation_id', '=', hold.id)
      .execute();
    await tx
      .updateTable('queue_entries')
      .set({ status: 'ACCEPTED', ended_at: at, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'OFFERED')
      .where('driver_id', '=', hold.driver_id)
      .where('location_id', '=', hold.location_id)
      .execute();
  }

  /** An offer nobody answered: the driver leaves the line and the EVSE goes to the next one. */
  async expireOffer(tenantId: string, offerId: string, now = new Date()): Promise<void> {
    const where = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('queue_offers')
        .innerJoin('queue_entries', (j) =>
          j.onRef('queue_entries.tenant_id', '=', 'queue_offers.tenant_id').onRef('queue_entries.id', '=', 'queue_offers.entry_id'),
        )
        .select('queue_entries.location_id')
        .where('queue_offers.tenant_id', '=', tenantId)
        .where('queue_offers.id', '=', offerId)
        .executeTakeFirst(),
    );
    if (!where) return;
    const location = await this.discovery.detail(tenantId, where.location_id, now);
    await this.write(tenantId, async (tx, emit) => {
      const offer = await tx.selectFrom('queue_offers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', offerId).forUpdate().executeTakeFirst();
      if (offer?.status !== 'PENDING' || offer.expires_at > now) return;
      await tx.updateTable('queue_offers').set({ status: 'EXPIRED', decided_at: now }).where('tenant_id', '=', tenantId).where('id', '=', offerId).execute();
      const entry = await this.endEntry(tx, tenantId, offer.entry_id, 'EXPIRED', now);
      const hold = await this.reservations.lock(tx, tenantId, offer.reservation_id);
      if (hold.status === 'OFFERED') await this.reservations.end(tx, hold, 'EXPIRED', emit);
      emit(await recordDriverEvent(tx, tenantId, 'queue.offer_expired', entry.driver_id, { offer_id: offerId, location_id: entry.location_id }));
      await this.announce(tx, location, now, emit);
    });
  }

  /**
   * Schedules a dispatch when an EVSE of a location with people in line becomes available.
   * Status events come in floods from the gateway, so the locations freed in one turn of the
   * event loop are checked and scheduled together, two statements per network.
   */
  watch(): () => void {
    const freed = new Map<string, Set<string>>();
    const flush = () => {
      for (const [tenantId, locations] of freed) {
        const ids = [...locations];
        this.scopes
          .system(async (tx) => {
            const waiting = await tx
              .selectFrom('queue_entries')
              .select('location_id')
              .distinct()
              .where('tenant_id', '=', tenantId)
              .where('status', '=', 'WAITING')
              .where(sql<boolean>`location_id = any(${ids}::text[])`)
              .execute();
            await scheduleJobs(
              tx,
              waiting.map((w) => queueDispatchJob(tenantId, w.location_id)),
            );
          })
          .catch((error: unknown) => this.logger.error({ err: error, network_id: tenantId }, 'could not schedule queue dispatches'));
      }
      freed.clear();
    };
    return this.bus.subscribe((event) => {
      if (event.type !== 'evse.status' || event.payload.status !== 'AVAILABLE') return;
      const { tenant_id: tenantId, location_id: locationId } = event.audience;
      if (freed.size === 0) setImmediate(flush);
      let locations = freed.get(tenantId);
      if (!locations) {
        locations = new Set();
        freed.set(tenantId, locations);
      }
      locations.add(locationId);
    });
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register('queue.dispatch', async (p: { location_id: string }, ctx) => {
      if (!ctx.tenantId) throw new Error('queue job without a tenant');
      await this.dispatch(ctx.tenantId, p.location_id, ctx.now);
    });
    jobs.register('queue.offer_expire', async (p: { offer_id: string }, ctx) => {
      if (!ctx.tenantId) throw new Error('queue job without a tenant');
      await this.expireOffer(ctx.tenantId, p.offer_id, ctx.now);
    });
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** EVSEs free now and not held by anyone during [from, to). */
  private async freeEvses(tx: Tx, tenantId: string, location: LocationDetail, standard: string | null, from: Date, to: Date) {
    const candidates = compatibleEvses(location, standard);
    if (candidates.length === 0) return [];
    const rows = await tx
      .selectFrom('evses')
      .select(['id', 'availability'])
      .where('tenant_id', '=', tenantId)
      .where(
        'id',
        'in',
        candidates.map((e) => e.uid),
      )
      .where('availability', '=', 'AVAILABLE')
      // An EVSE under an open incident (a driver's report, failed starts) may say it is free: it is not offered.
      .where(
        sql<boolean>`not exists (select 1 from incidents i where i.tenant_id = evses.tenant_id and i.status = 'open' and evses.id = any(i.affected_evse_uids))`,
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('reservations')
              .select('reservations.id')
              .whereRef('reservations.tenant_id', '=', 'evses.tenant_id')
              .whereRef('reservations.evse_uid', '=', 'evses.id')
              .where('reservations.status', 'in', HOLDS_SLOT)
              .where('reservations.starts_at', '<', to)
              .where('reservations.ends_at', '>', from),
          ),
        ),
      )
      .execute();
    const free = new Set(rows.map((r) => r.id));
    return candidates
      .filter((e) => free.has(e.uid))
      .map((e) => ({ uid: e.uid, standards: e.connectors.map((c) => c.standard as string), power: Math.max(...e.connectors.map((c) => c.max_electric_power)) }))
      .sort((a, b) => b.power - a.power);
  }

  /** Pushes the queue's state: its length and wait to the location's audience, each driver's place to them. */
  private async announce(tx: Tx, location: LocationDetail, now: Date, emit: Emit): Promise<void> {
    const { entries, joinerWait } = await linePlaces(tx, location, now);
    emit({
      type: 'queue.updated',
      audience: await this.locations.audience(tx, location.network_id, location.id),
      payload: { location_id: location.id, length: entries.length, estimated_wait_minutes: joinerWait, updated_at: now.toISOString() },
    });
    for (const { driver_id, place } of entries) {
      // Positions change often: socket.io only, not webhooks or notifications.
      emit({
        type: 'queue.position',
        id: newId('evt'),
        audience: { tenant_id: location.network_id, driver_id },
        payload: { location_id: location.id, ...place },
      });
    }
  }

  private async endEntry(tx: Tx, tenantId: string, entryId: string, status: 'ACCEPTED' | 'DECLINED' | 'EXPIRED', now: Date) {
    return tx
      .updateTable('queue_entries')
      .set({ status, ended_at: now, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', entryId)
      .returning(['driver_id', 'location_id'])
      .executeTakeFirstOrThrow();
  }

  /** Snooze: back to waiting, just behind the next driver in line, and left out of offers for a while. */
  private async moveBehindNext(tx: Tx, tenantId: string, entryId: string, now: Date, snoozeMinutes: number): Promise<Date> {
    const entry = await tx
      .selectFrom('queue_entries')
      .select(['location_id', 'line_key'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', entryId)
      .executeTakeFirstOrThrow();
    const next = await tx
      .selectFrom('queue_entries')
      .select('line_key')
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', entry.location_id)
      .where('status', '=', 'WAITING')
      .where('line_key', '>', entry.line_key)
      .orderBy('line_key')
      .executeTakeFirst();
    const until = new Date(now.getTime() + snoozeMinutes * MINUTE);
    await tx
      .updateTable('queue_entries')
      .set({
        status: 'WAITING',
        line_key: next ? new Date(next.line_key.getTime() + 1) : entry.line_key,
        snoozed_until: until,
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', entryId)
      .execute();
    return until;
  }

  private async closeOffers(tx: Tx, tenantId: string, entryId: string, status: 'DECLINED', now: Date, emit: Emit): Promise<void> {
    const open = await tx
      .updateTable('queue_offers')
      .set({ status, decided_at: now })
      .where('tenant_id', '=', tenantId)
      .where('entry_id', '=', entryId)
      .where('status', '=', 'PENDING')
      .returning('reservation_id')
      .execute();
    for (const o of open) {
      const hold = await this.reservations.lock(tx, tenantId, o.reservation_id);
      if (hold.status === 'OFFERED') await this.reservations.end(tx, hold, 'CANCELLED', emit);
    }
  }
}
