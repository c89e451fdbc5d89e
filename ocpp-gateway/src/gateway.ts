import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ChargePointOffline, ChargePointRejected, ChargePointTimeout, findNul, isDatabaseUnavailable, verifyPassword } from '@voltshare/api';
import ocppRpc from 'ocpp-rpc';
import { toCallError } from './call-errors.js';
import type { Connection, GatewayServices, GatewaySettings, OcppParams } from './connection.js';
import { VerifiedCredentials } from './credentials.js';
import { identityFromPath, negotiateSubprotocol, type OcppSubprotocol, SUPPORTED_SUBPROTOCOLS } from './endpoint.js';
import { PROTOCOLS, type ProtocolBinding } from './protocols.js';

// ocpp-rpc is CommonJS with spread exports, which Node's ESM loader cannot name.
const { RPCError, RPCServer, TimeoutError, createRPCError } = ocppRpc;

export interface GatewayOptions extends GatewaySettings {
  /** WebSocket ping interval; a peer that misses a pong is dropped. */
  pingIntervalMs: number;
  /** Bad frames tolerated per connection before it is closed. */
  maxBadMessages: number;
  /** How long the per-charge-point message log keeps frames. */
  messageRetentionDays: number;
  /** `last_seen_at` follows a charger's traffic, written at most this often per connection. */
  lastSeenEveryMs: number;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  heartbeatIntervalS: 300,
  pingIntervalMs: 30_000,
  maxBadMessages: 20,
  messageRetentionDays: 30,
  lastSeenEveryMs: 60_000,
};

interface Handshake {
  request: IncomingMessage;
  protocols: Set<string>;
  password?: Buffer;
  remoteAddress?: string;
}

interface ClientLike {
  identity: string;
  protocol: string;
  session: Connection;
  handle(method: string, handler: (call: { params: OcppParams }) => Promise<unknown>): void;
  call(method: string, params: unknown, options?: { callTimeoutMs?: number }): Promise<unknown>;
  close(options?: { code?: number; reason?: string; force?: boolean; awaitPending?: boolean }): Promise<unknown>;
  on(event: 'message', listener: (event: { message: string | Buffer; outbound: boolean }) => void): void;
  on(event: 'close', listener: (event: { code: number; reason: string }) => void): void;
  on(event: 'badMessage', listener: (event: { error: Error & { rpcErrorCode?: string } }) => void): void;
  on(event: 'strictValidationFailure', listener: (event: { method: string; outbound: boolean; error: Error & { rpcErrorCode?: string } }) => void): void;
}

/** Work started for chargers (handlers, status writes) that shutdown waits for before the database closes. */
class InflightWork {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  }

  settled(): Promise<unknown> {
    return Promise.allSettled([...this.running]);
  }
}

/**
 * `last_seen_at` from traffic, written per network in one statement a few times a minute rather
 * than one transaction per charger (10,000 chargers would add ~170 writes a second).
 */
class LastSeenWriter {
  private readonly pending = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly services: GatewayServices,
    private readonly work: InflightWork,
    private readonly log: GatewayServices['logger'],
    everyMs: number,
  ) {
    this.timer = setInterval(() => this.write(), Math.min(5_000, everyMs));
    this.timer.unref();
  }

  mark(tenantId: string, chargePointId: string): void {
    const ids = this.pending.get(tenantId) ?? new Set<string>();
    ids.add(chargePointId);
    this.pending.set(tenantId, ids);
  }

  write(): void {
    for (const [tenantId, ids] of this.pending) {
      this.pending.delete(tenantId);
      this.work
        .track(this.services.charging.seenMany(tenantId, [...ids]))
        .catch((err: unknown) => this.log.warn({ err, network_id: tenantId }, 'last-seen update failed'));
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.write();
  }
}

type Accept = (session: Connection, protocol?: string) => void;
type Reject = (code: number, message: string) => void;

/**
 * The handshake: a charge point endpoint, a subprotocol we speak, and the charger's own password
 * (security profiles 1 and 2). Unknown identity, no password set and a wrong one are refused
 * alike; a database that is away is a 503, so the charger (and its operator) retry.
 */
function checkHandshake(services: GatewayServices, log: GatewayServices['logger']) {
  const { metrics } = services;
  const credentials = new VerifiedCredentials(verifyPassword);
  return async (accept: Accept, reject: Reject, handshake: Handshake) => {
    const identity = identityFromPath(new URL(handshake.request.url ?? '/', 'http://x').pathname);
    if (!identity) return reject(404, 'not a charge point endpoint');
    const protocol = negotiateSubprotocol(handshake.protocols);
    if (!protocol) {
      log.warn({ identity, remote: handshake.remoteAddress, offered: [...handshake.protocols] }, 'charge point refused at handshake: no supported subprotocol');
      metrics.ocppRefusedHandshakes.inc({ reason: 'subprotocol' });
      return reject(400, `subprotocol required: ${SUPPORTED_SUBPROTOCOLS.join(', ')}`);
    }
    let cp: Awaited<ReturnType<typeof services.charging.findChargePoint>>;
    try {
      cp = await services.charging.findChargePoint(identity);
    } catch (err) {
      log.error({ err: isDatabaseUnavailable(err) ? { message: 'database unavailable' } : err, identity }, 'charge point handshake failed');
      metrics.ocppRefusedHandshakes.inc({ reason: 'unavailable' });
      return reject(503, 'service unavailable');
    }
    const password = handshake.password ? Buffer.from(handshake.password).toString('utf8') : undefined;
    const ok = await credentials.check(cp?.passwordHash ?? undefined, password);
    if (!cp || !ok) {
      log.warn({ identity, remote: handshake.remoteAddress }, 'charge point refused at handshake');
      metrics.ocppRefusedHandshakes.inc({ reason: 'unauthorized' });
      return reject(401, 'unauthorized');
    }
    accept({ tenantId: cp.tenantId, chargePointId: cp.chargePointId, identity }, protocol);
  };
}

interface Edge {
  services: GatewayServices;
  settings: GatewayOptions;
  log: GatewayServices['logger'];
  live: Map<string, ClientLike>;
  work: InflightWork;
  lastSeen: LastSeenWriter;
}

/** Every frame in and out goes to the message log; inbound traffic also marks the charger seen. */
function logTraffic(edge: Edge, client: ClientLike, c: Connection): void {
  const { services, settings, log } = edge;
  let seenWrittenAt = Date.now();
  client.on('message', ({ message, outbound }: { message: string | Buffer; outbound: boolean }) => {
    if (!outbound && Date.now() - seenWrittenAt >= settings.lastSeenEveryMs) {
      seenWrittenAt = Date.now();
      edge.lastSeen.mark(c.tenantId, c.chargePointId);
    }
    let frame: unknown;
    try {
      frame = JSON.parse(String(message));
    } catch {
      frame = { unparsable: String(message).slice(0, 2000) };
    }
    services.charging.logFrame(c.tenantId, c.chargePointId, outbound ? 'out' : 'in', frame);
  });
  client.on('badMessage', ({ error }) => {
    services.metrics.ocppBadFrames.inc();
    log.warn({ identity: c.identity, code: error.rpcErrorCode, error: error.message }, 'OCPP frame refused');
  });
  client.on('strictValidationFailure', ({ method, outbound, error }) => {
    if (!outbound) services.metrics.ocppMessages.inc({ action: method, result: error.rpcErrorCode ?? 'GenericError' });
    log.warn({ identity: c.identity, action: method, outbound, code: error.rpcErrorCode }, 'OCPP message failed schema validation');
  });
}

/** The connection's protocol handlers, each answering with its result or the one CALLERROR mapping. */
function handleCalls(edge: Edge, client: ClientLike, c: Connection, binding: ProtocolBinding): void {
  const { services, settings, log } = edge;
  const { metrics } = services;
  for (const [action, handler] of Object.entries(binding.handlers(services, c, settings))) {
    client.handle(action, async ({ params }) => {
      // The schemas allow U+0000 in strings; the database cannot store it, so it is refused here.
      const nul = findNul(params, action);
      if (nul) {
        metrics.ocppMessages.inc({ action, result: 'PropertyConstraintViolation' });
        throw createRPCError('PropertyConstraintViolation', `${nul} must not contain NUL characters`, {});
      }
      try {
        const result = await edge.work.track(handler(params));
        metrics.ocppMessages.inc({ action, result: 'ok' });
        return result;
      } catch (err) {
        if (isDatabaseUnavailable(err)) log.warn({ action, identity: c.identity }, 'handler failed: database unavailable');
        else log.error({ err, action, identity: c.identity }, 'handler failed');
        const callError = toCallError(err) as Error & { rpcErrorCode?: string };
        metrics.ocppMessages.inc({ action, result: callError.rpcErrorCode ?? 'GenericError' });
        throw callError;
      }
    });
  }
}

/** Neutral commands for this charger, sent as frames of its protocol; returns the unregistration. */
function takeCommands(edge: Edge, client: ClientLike, c: Connection, binding: ProtocolBinding): (() => void) | undefined {
  return edge.services.commands.register?.(c.identity, async (command, timeoutMs) => {
    const { action, payload } = binding.call(command);
    try {
      return binding.answer(command, await client.call(action, payload, { callTimeoutMs: timeoutMs }));
    } catch (err) {
      if (err instanceof TimeoutError) throw new ChargePointTimeout(c.identity);
      if (err instanceof RPCError) throw new ChargePointRejected((err as Error).message, (err as Error & { rpcErrorCode: string }).rpcErrorCode);
      throw new ChargePointOffline(c.identity);
    }
  });
}

/** One charger's connection, from accepted handshake to close: one live socket per identity. */
async function serveCharger(edge: Edge, client: ClientLike): Promise<void> {
  const { services, log, live } = edge;
  const c = client.session;
  const previous = live.get(c.identity);
  live.set(c.identity, client);
  // A new connection replaces a stale one (e.g. after an unclean disconnect).
  if (previous) previous.close({ code: 1000, reason: 'replaced by a new connection', force: true }).catch(() => {});
  log.info({ identity: c.identity, protocol: client.protocol, replaced: previous !== undefined }, 'charge point connected');
  services.metrics.ocppConnections.set(live.size);

  const binding = PROTOCOLS[client.protocol as OcppSubprotocol];
  logTraffic(edge, client, c);
  handleCalls(edge, client, c, binding);
  const unregister = takeCommands(edge, client, c, binding);

  client.on('close', ({ code, reason }) => {
    log.info({ identity: c.identity, code, reason }, 'charge point disconnected');
    unregister?.();
    if (live.get(c.identity) !== client) return;
    live.delete(c.identity);
    services.metrics.ocppConnections.set(live.size);
    edge.work.track(services.charging.setConnected(c.tenantId, c.chargePointId, false)).catch((err: unknown) => log.error({ err }, 'offline update failed'));
  });

  await edge.work.track(services.charging.setConnected(c.tenantId, c.chargePointId, true)).catch((err: unknown) => log.error({ err }, 'online update failed'));
}

/**
 * The OCPP edge on the platform's HTTP server: `ws(s)://HOST/ocpp/{identity}` with the
 * subprotocol negotiated per connection (each version's mapping in `PROTOCOLS`), HTTP Basic auth
 * per charge point, strict validation against the official schemas, one live socket per
 * identity, every frame kept in the charge point's message log, and remote commands taken from
 * the command router.
 */
export function attachOcppGateway(httpServer: Server, services: GatewayServices, options: Partial<GatewayOptions> = {}) {
  const settings = { ...DEFAULT_GATEWAY_OPTIONS, ...options };
  const log = services.logger.child({ component: 'ocpp' });
  const work = new InflightWork();
  const edge: Edge = { services, settings, log, live: new Map(), work, lastSeen: new LastSeenWriter(services, work, log, settings.lastSeenEveryMs) };
  const rpc = new RPCServer({
    protocols: [...SUPPORTED_SUBPROTOCOLS],
    strictMode: true,
    pingIntervalMs: settings.pingIntervalMs,
    maxBadMessages: settings.maxBadMessages,
    respondWithDetailedErrors: true,
    callConcurrency: 1,
  });
  rpc.auth(checkHandshake(services, log));
  rpc.on('client', (client: ClientLike) => serveCharger(edge, client));

  const prune = setInterval(() => {
    services.charging
      .pruneMessages(new Date(Date.now() - settings.messageRetentionDays * 86_400_000))
      .catch((err: unknown) => log.error({ err }, 'message log pruning failed'));
  }, 3_600_000);
  prune.unref();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').startsWith('/ocpp/')) rpc.handleUpgrade(req, socket as Socket, head);
  };
  httpServer.on('upgrade', onUpgrade);

  return {
    connections: () => edge.live.size,
    /**
     * Stops taking connections, lets each charger's call in progress finish and be answered,
     * closes the sockets as "going away" (chargers reconnect, in scaled mode to another process),
     * and waits for the work that started, so the database can close after it.
     */
    async close(graceMs = 5_000) {
      clearInterval(prune);
      httpServer.off('upgrade', onUpgrade);
      const deadline = Date.now() + graceMs;
      const untilDeadline = () => new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref());
      const clients = [...edge.live.values()];
      const closing = Promise.all(clients.map((client) => client.close({ code: 1001, reason: 'server shutting down', awaitPending: true }).catch(() => {})));
      await Promise.race([closing, untilDeadline()]);
      await rpc.close({ force: true, awaitPending: false });
      edge.lastSeen.stop();
      // Closing sockets starts more work (offline status writes): wait for that too.
      while (work.size && Date.now() < deadline) await Promise.race([work.settled(), untilDeadline()]);
    },
  };
}
