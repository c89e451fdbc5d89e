import { Body, Controller, Get, Patch, Path, Post, Put, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf, userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { ReservationStatus } from '../db/schema.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { ConnectorStandard } from '../locations/locations.model.js';
import type { ReservationFee } from '../payments/reservation-fees.service.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId, ShortText } from '../shared/validation.js';
import type { DayAvailability, Reservation, ReservationChange, ReservationPolicy, ReservationRequest } from './reservations.model.js';

/** Who is asking about a reservation: its driver, or staff of its network. */
function callerOf(req: ExpressRequest): { driverId?: string; tenantId?: string } {
  const p = principalOf(req);
  return {
    driverId: p.isDriver ? p.userId : undefined,
    tenantId: p.tenantId && p.permissions.has('network:read') ? p.tenantId : undefined,
  };
}

/** What this controller uses of the platform's services. */
type ReservationsPorts = Pick<Services, 'reservationFees' | 'reservations'>;

@Route('v1')
@Tags('Reservations')
export class ReservationsController extends Controller {
  constructor(private readonly services: ReservationsPorts) {
    super();
  }

  /**
   * Reserves a slot on an EVSE (`evse_id`), or on any EVSE of a location with a given connector
   * (`location_id` + `connector_standard`, the platform picks). 409 `slot-taken` when any part
   * of the slot is already held; the database guarantees no double booking. Retry safely with
   * an `Idempotency-Key`.
   */
  @Post('reservations')
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Reserved')
  @Response<ProblemDocument>(402, 'The network refuses bookings until this driver pays its failed fees (`unpaid-fees`, with `fees`)')
  @Response<ProblemDocument>(409, 'Slot taken, EVSE occupied or out of service')
  @Response<ProblemDocument>(422, 'Slot breaks the network policy (past, too long, too far ahead, closed)')
  async create(@Request() req: ExpressRequest, @Body() body: ReservationRequest): Promise<Reservation> {
    const principal = principalOf(req);
    const reservation = await this.services.reservations.create(userOf(principal), principal.tenantId, body);
    this.setStatus(201);
    return reservation;
  }

  @Get('reservations/{reservation_id}')
  @Security('bearer')
  async get(@Request() req: ExpressRequest, @Path() reservation_id: ResourceId): Promise<Reservation> {
    return this.services.reservations.get(callerOf(req), reservation_id);
  }

  /** The booking and no-show fees this reservation owes, and whether they were paid. */
  @Get('reservations/{reservation_id}/fees')
  @Security('bearer')
  async fees(@Request() req: ExpressRequest, @Path() reservation_id: ResourceId): Promise<ReservationFee[]> {
    const reservation = await this.services.reservations.get(callerOf(req), reservation_id);
    return this.services.reservationFees.list(reservation.network_id, reservation.id);
  }

  /** Charges a failed fee again (after saving a card or topping up the wallet). */
  @Post('reservations/{reservation_id}/fees/{fee_id}/retry')
  @Security('bearer')
  @Response<ProblemDocument>(409, 'The fee is not failed')
  async retryFee(@Request() req: ExpressRequest, @Path() reservation_id: ResourceId, @Path() fee_id: ResourceId): Promise<ReservationFee> {
    const reservation = await this.services.reservations.get(callerOf(req), reservation_id);
    return this.services.reservationFees.retry(reservation.network_id, reservation.id, fee_id);
  }

  /** Moves or extends the slot atomically: when the new slot is taken (409) the old one is kept. Once started, only `end` can change. */
  @Patch('reservations/{reservation_id}')
  @Security('bearer', ['driver'])
  @Response<ProblemDocument>(409, 'New slot taken, or the reservation can no longer change')
  async modify(@Request() req: ExpressRequest, @Path() reservation_id: ResourceId, @Body() body: ReservationChange): Promise<Reservation> {
    return this.services.reservations.modify(userOf(principalOf(req)), reservation_id, body);
  }

  /** Cancels (the driver, or the network's operators); cancelling again returns the same cancelled reservation. */
  @Post('reservations/{reservation_id}/cancel')
  @Security('bearer')
  async cancel(@Request() req: ExpressRequest, @Path() reservation_id: ResourceId): Promise<Reservation> {
    const p = principalOf(req);
    return this.services.reservations.cancel(
      { driverId: p.isDriver ? p.userId : undefined, tenantId: p.tenantId && p.permissions.has('network:operate') ? p.tenantId : undefined },
      reservation_id,
    );
  }

  /** The signed-in driver's reservations at every network, newest first. */
  @Get('me/reservations')
  @Security('bearer', ['driver'])
  async mine(
    @Request() req: ExpressRequest,
    @Query() status?: ReservationStatus,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<Reservation>> {
    return this.services.reservations.driverReservations(userOf(principalOf(req)), { status }, pageRequest(limit, cursor));
  }

  /** The network's reservations, newest first. */
  @Get('network/reservations')
  @Security('bearer', ['network:read'])
  async network(
    @Request() req: ExpressRequest,
    @Query() status?: ReservationStatus,
    @Query() location_id?: ResourceId,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<Reservation>> {
    return this.services.reservations.networkReservations(tenantOf(principalOf(req)), { status, location_id }, pageRequest(limit, cursor));
  }

  /**
   * Bookable slots of one day at a location, in the location's time zone (`date` is a local
   * calendar date; on the days clocks change the day has 23 or 25 hours of slots).
   */
  @Get('locations/{location_id}/availability')
  @Security('bearer', ['public:read'])
  async availability(
    @Request() req: ExpressRequest,
    @Path() location_id: ResourceId,
    @Query() date: ShortText,
    @Query() connector_standard?: ConnectorStandard,
    /** 15, 30 or 60. */
    @Query() slot_minutes?: number,
  ): Promise<DayAvailability> {
    return this.services.reservations.dayAvailability(principalOf(req).tenantId, location_id, { date, connector_standard, slot_minutes });
  }

  /** How far ahead, how long, the grace period, fees and queue offer times. */
  @Get('network/reservation-policy')
  @Security('bearer', ['network:read'])
  async policy(@Request() req: ExpressRequest): Promise<ReservationPolicy> {
    return this.services.reservations.policy(tenantOf(principalOf(req)));
  }

  @Put('network/reservation-policy')
  @Security('bearer', ['network:write'])
  async setPolicy(@Request() req: ExpressRequest, @Body() body: ReservationPolicy): Promise<ReservationPolicy> {
    return this.services.reservations.setPolicy(tenantOf(principalOf(req)), body);
  }
}
