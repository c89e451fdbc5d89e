import { EventEmitter } from 'node:events';
import type { EvseStatus } from '../db/schema.js';

/** Where an event may go: its network always; everyone when the location is public. */
export interface Audience {
  tenant_id: string;
  location_id: string;
  /** Published location of a network that shares publicly. */
  public: boolean;
  latitude: number;
  longitude: number;
}

export interface EvseStatusEvent {
  type: 'evse.status';
  audience: Audience;
  payload: { location_id: string; evse_uid: string; evse_id: string | null; status: EvseStatus; version: number; updated_at: string };
}

export interface LocationUpdatedEvent {
  type: 'location.updated';
  audience: Audience;
  payload: { location_id: string; version: number; updated_at: string };
}

/** Live charging progress for the driver it belongs to and the network's staff. */
export interface SessionUpdatedEvent {
  type: 'session.updated';
  audience: { tenant_id: string; driver_id: string | null };
  payload: {
    session_id: string;
    status: 'ACTIVE' | 'COMPLETED';
    energy_wh: number;
    power_w: number | null;
    soc_percent: number | null;
    version: number;
    updated_at: string;
  };
}

export const DRIVER_EVENT_TYPES = [
  'reservation.created',
  'reservation.updated',
  'reservation.started',
  'reservation.fulfilled',
  'reservation.cancelled',
  'reservation.no_show',
  'reservation.expired',
  'reservation.fee_failed',
  'reservation.evse_out_of_order',
  'queue.joined',
  'queue.position',
  'queue.offer',
  'queue.offer_expired',
  'queue.left',
  'guidance.nudge',
  'support.reply',
  'community.new_tip',
  'community.answer',
  'community.station_free',
  'community.fault_fixed',
] as const;
export type DriverEventType = (typeof DRIVER_EVENT_TYPES)[number];

/** A driver's reservations and place in a queue: for that driver and the network's staff. */
export interface DriverEvent {
  type: DriverEventType;
  /** Stable id: the same event reaches socket.io, webhooks and notifications. */
  id: string;
  audience: { tenant_id: string; driver_id: string };
  payload: Record<string, unknown>;
}

/** A location's queue for everyone who may see the location: length and expected wait. */
export interface QueueUpdatedEvent {
  type: 'queue.updated';
  audience: Audience;
  payload: { location_id: string; length: number; estimated_wait_minutes: number | null; updated_at: string };
}

/**
 * A support ticket's conversation and changes: for the staff of its network, and (unless the
 * message is an internal note) for the driver who opened it and anyone following the ticket.
 */
export interface TicketEvent {
  type: 'ticket.created' | 'ticket.updated' | 'ticket.message';
  audience: { tenant_id: string; ticket_id: string; driver_id: string | null; staff_only: boolean };
  payload: Record<string, unknown>;
}

/** A charger's or a site's incident opening, changing or resolving: for the network's staff. */
export interface IncidentEvent {
  type: 'incident.opened' | 'incident.updated' | 'incident.resolved';
  audience: { tenant_id: string; incident_id: string };
  payload: Record<string, unknown>;
}

/** Events networks and partners may receive by webhook besides the drivers' ones. */
export const PLATFORM_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.message',
  'ticket.sla_warning',
  'ticket.escalated',
  'ticket.on_call',
  'incident.opened',
  'incident.updated',
  'incident.resolved',
  'community.check_in',
  'community.tip',
  'community.question',
  'community.answer',
  'community.photo',
  'community.reported',
  'community.moderated',
] as const;

export type DomainEvent = EvseStatusEvent | LocationUpdatedEvent | SessionUpdatedEvent | DriverEvent | QueueUpdatedEvent | TicketEvent | IncidentEvent;

/**
 * Domain events after commit. Embedded mode delivers in process; the scaled mode's Redis bus
 * implements the same two methods.
 */
export interface EventBus {
  publish(event: DomainEvent): void;
  subscribe(handler: (event: DomainEvent) => void): () => void;
}

export class InProcessBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  publish(event: DomainEvent): void {
    this.emitter.emit('event', event);
  }
  subscribe(handler: (event: DomainEvent) => void): () => void {
    this.emitter.on('event', handler);
    return () => this.emitter.off('event', handler);
  }
}
