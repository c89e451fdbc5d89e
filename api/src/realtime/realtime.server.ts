import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Principal } from '../auth/principal.js';
import { Problem } from '../http/problem.js';
import { DomainError } from '../shared/errors.js';

/** An error whose words are meant for the client (a refusal), not an internal one. */
const isRefusal = (error: unknown): error is Error => error instanceof Problem || error instanceof DomainError;

import type { Services } from '../server/services.js';
import type { DomainEvent, DriverEvent, IncidentEvent, SessionUpdatedEvent, TicketEvent } from './events.js';

type Bbox = [number, number, number, number];

interface SocketData {
  principal: Principal;
  bboxes: Bbox[];
}

export type Subscription = { location_id: string } | { bbox: Bbox } | { network: true } | { ticket_id: string };
export type Ack = (result: { ok: true; version?: number } | { ok: false; error: string }) => void;

const MAX_BBOXES = 10;
const room = {
  location: (id: string) => `loc:${id}`,
  ownLocation: (id: string, tenant: string) => `loc:${id}:tenant:${tenant}`,
  network: (tenant: string) => `net:${tenant}`,
  driver: (userId: string) => `drv:${userId}`,
  ticket: (id: string) => `tkt:${id}`,
  ticketStaff: (id: string) => `tkt:${id}:staff`,
};

/** Sessions, reservations and queue places: for their driver and the network's staff only. */
const isPersonal = (e: DomainEvent): e is SessionUpdatedEvent | DriverEvent => 'driver_id' in e.audience && !('ticket_id' in e.audience);
const isTicket = (e: DomainEvent): e is TicketEvent => 'ticket_id' in e.audience;
const isIncident = (e: DomainEvent): e is IncidentEvent => 'incident_id' in e.audience;

const inside = (b: Bbox, lat: number, lng: number) => lng >= b[0] && lat >= b[1] && lng <= b[2] && lat <= b[3];

function validBbox(value: unknown): value is Bbox {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    value[0] < value[2] &&
    value[1] < value[3] &&
    value[1] >= -90 &&
    value[3] <= 90 &&
    value[0] >= -180 &&
    value[2] <= 180
  );
}

/**
 * socket.io on the API's HTTP server. Clients authenticate with the same credentials as REST
 * (`auth: { token }`), subscribe, and get `evse.status` / `location.updated` with a version
 * that only grows; after a reconnect one REST call (the location or the search) resyncs.
 * Every process receives every bus event and emits only to its own sockets (`io.local`).
 */
/** What realtime uses of the platform. */
export type RealtimePorts = Pick<Services, 'auth' | 'bus' | 'config' | 'discovery' | 'support'>;

export function attachRealtime(httpServer: HttpServer, services: RealtimePorts): Server {
  const origins = services.config.corsOrigins;
  const io = new Server(httpServer, { cors: { origin: origins === '*' ? true : origins }, serveClient: true, destroyUpgrade: false });

  io.use((socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
    if (!token) return next(new Error('unauthenticated: pass auth.token (access token or API key)'));
    const origin = socket.handshake.headers.origin;
    services.auth.resolveBearer(token, origin).then(
      (principal) => {
        if (!principal?.permissions.has('public:read')) return next(new Error('unauthenticated: invalid or expired credentials'));
        (socket.data as SocketData).principal = principal;
        (socket.data as SocketData).bboxes = [];
        next();
      },
      (error: unknown) => next(new Error(isRefusal(error) ? `forbidden: ${error.message}` : 'unauthenticated')),
    );
  });

  io.on('connection', (socket: Socket) => {
    const data = socket.data as SocketData;
    // Drivers always hear about their own sessions.
    if (data.principal.isDriver && data.principal.userId) socket.join(room.driver(data.principal.userId));
    socket.on('subscribe', async (subscription: Subscription, ack?: Ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => {};
      try {
        reply(await subscribe(socket, data, subscription));
      } catch (error) {
        reply({ ok: false, error: isRefusal(error) ? error.message : 'subscription failed' });
      }
    });
    socket.on('unsubscribe', (subscription: Subscription, ack?: Ack) => {
      if (subscription && 'location_id' in subscription && typeof subscription.location_id === 'string') {
        socket.leave(room.location(subscription.location_id));
        if (data.principal.tenantId) socket.leave(room.ownLocation(subscription.location_id, data.principal.tenantId));
      } else if (subscription && 'bbox' in subscription) {
        data.bboxes = data.bboxes.filter((b) => JSON.stringify(b) !== JSON.stringify(subscription.bbox));
      } else if (subscription && 'network' in subscription && data.principal.tenantId) {
        socket.leave(room.network(data.principal.tenantId));
      } else if (subscription && 'ticket_id' in subscription && typeof subscription.ticket_id === 'string') {
        socket.leave(room.ticket(subscription.ticket_id));
        socket.leave(room.ticketStaff(subscription.ticket_id));
      }
      if (typeof ack === 'function') ack({ ok: true });
    });
  });

  async function subscribe(
    socket: Socket,
    data: SocketData,
    subscription: Subscription,
  ): Promise<{ ok: true; version?: number } | { ok: false; error: string }> {
    const { principal } = data;
    if (subscription && 'location_id' in subscription && typeof subscription.location_id === 'string') {
      // The same visibility rule as GET /v1/locations/{id}: 404 there, refused here.
      const location = await services.discovery.detail(principal.tenantId, subscription.location_id);
      socket.join(room.location(location.id));
      if (principal.tenantId === location.network_id) socket.join(room.ownLocation(location.id, location.network_id));
      return { ok: true, version: location.version };
    }
    if (subscription && 'bbox' in subscription) {
      if (!validBbox(subscription.bbox)) return { ok: false, error: 'bbox must be [min_lng, min_lat, max_lng, max_lat]' };
      if (data.bboxes.length >= MAX_BBOXES) return { ok: false, error: `at most ${MAX_BBOXES} boxes per connection` };
      data.bboxes.push(subscription.bbox);
      return { ok: true };
    }
    if (subscription && 'network' in subscription && subscription.network === true) {
      if (!principal.tenantId || !principal.permissions.has('network:read'))
        return { ok: false, error: 'only staff of a network can follow the whole network' };
      socket.join(room.network(principal.tenantId));
      return { ok: true };
    }
    if (subscription && 'ticket_id' in subscription && typeof subscription.ticket_id === 'string') {
      // The same rule as GET /v1/support/tickets/{id}: the driver who opened it, or staff of its network.
      const { staff } = await services.support.mayFollow(
        { userId: principal.userId, tenantId: principal.tenantId, isDriver: principal.isDriver, staff: principal.permissions.has('network:read') },
        subscription.ticket_id,
      );
      socket.join(room.ticket(subscription.ticket_id));
      if (staff) socket.join(room.ticketStaff(subscription.ticket_id));
      return { ok: true };
    }
    return { ok: false, error: 'subscribe to {location_id}, {bbox}, {network: true} or {ticket_id}' };
  }

  const deliver = (event: DomainEvent) => {
    const local = io.local;
    if (isTicket(event)) {
      const { audience } = event;
      // Staff follow their network's queue; the driver hears their own tickets without subscribing.
      local.to(room.network(audience.tenant_id)).emit(event.type, event.payload);
      if (audience.staff_only) {
        local.to(room.ticketStaff(audience.ticket_id)).except(room.network(audience.tenant_id)).emit(event.type, event.payload);
        return;
      }
      const rooms = [room.ticket(audience.ticket_id), ...(audience.driver_id ? [room.driver(audience.driver_id)] : [])];
      local.to(rooms).except(room.network(audience.tenant_id)).emit(event.type, event.payload);
      return;
    }
    if (isIncident(event)) {
      local.to(room.network(event.audience.tenant_id)).emit(event.type, event.payload);
      return;
    }
    if (isPersonal(event)) {
      local.to(room.network(event.audience.tenant_id)).emit(event.type, event.payload);
      if (event.audience.driver_id) local.to(room.driver(event.audience.driver_id)).emit(event.type, event.payload);
      return;
    }
    const { audience } = event;
    local.to(room.network(audience.tenant_id)).emit(event.type, event.payload);
    local
      .to(audience.public ? room.location(audience.location_id) : room.ownLocation(audience.location_id, audience.tenant_id))
      .emit(event.type, event.payload);
    for (const socket of io.of('/').sockets.values()) {
      const data = socket.data as SocketData;
      if (!data.bboxes?.length) continue;
      if (!audience.public && data.principal.tenantId !== audience.tenant_id) continue;
      if (data.bboxes.some((b) => inside(b, audience.latitude, audience.longitude))) socket.emit(event.type, event.payload);
    }
  };
  const unsubscribe = services.bus.subscribe(deliver);
  httpServer.once('close', unsubscribe);
  return io;
}
