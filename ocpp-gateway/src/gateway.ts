import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ChargePointOffline, ChargePointRejected, ChargePointTimeout, findNul, isDatabaseUnavailable, verifyPassword } from '@voltshare/api';
import ocppRpc from 'ocpp-rpc';
import { toCallError } from './call-errors.js';
import type { Connection, GatewayServices, GatewaySettings, OcppParams } from './connection.js';
import { VerifiedCredentials } from './credentials.js';
import { identityFromPath, negotiateSubprotocol, type OcppSubprotocol, SUPPORTED_SUBPROTOCOLS } from './endpoint.js';
import { PROTOCOLS } from './protocols.js';

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

/**
 * The OCPP edge on the platform's HTTP server: `ws(s)://HOST/ocpp/{identity}` with subprotocol
 * negotiated per connection (each version's mapping in `PROTOCOLS`), HTTP Basic auth per charge point, strict validation against the official schemas,
 * one live socket per identity, every frame kept in the charge point's message log, and remote
 * commands taken from the command router.
 */
export function attachOcppGateway(httpServer: Server, services: GatewayServices, options: Partial<GatewayOptions> = {}) {
  const settings = { ...DEFAULT_GATEWAY_OPTIONS, ...options };
  const log = services.logger.child({ component: 'ocpp' });
  const { metrics } = services;
  const live = new Map<string, ClientLike>();
  // Work started for chargers (handlers, status writes) that shutdown waits for before the database closes.
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inflight.add(work);
    work.then(
      () => inflight.delete(work),
      () => inflight.delete(work),
    );
    return work;
  };
  // last_seen_at from traffic, written per network in one statement a few times a minute rather
  // than one transaction per charger (10,000 chargers would add ~170 writes a second).
  const seenPending = new Map<string, Set<string>>();
  const markSeen = (tenantId: string, chargePointId: string) => {
    const ids = seenPending.get(tenantId) ?? new Set<string>();
    ids.add(chargePointId);
    seenPending.set(tenantId, ids);
  };
  const writeSeen = () => {
    for (const [tenantId, ids] of seenPending) {
      seenPending.delete(tenantId);
      track(services.charging.seenMany(tenantId, [...ids])).catch((err: unknown) => log.warn({ err, network_id: tenantId }, 'last-seen update failed'));
    }
  };
  const seenTimer = setInterval(writeSeen, Math.min(5_000, settings.lastSeenEveryMs));
  seenTimer.unref();
  const credentials = new VerifiedCredentials(verifyPassword);
  const rpc = new RPCServer({
    protocols: [...SUPPORTED_SUBPROTOCOLS],
    strictMode: true,
    pingIntervalMs: settings.pingIntervalMs,
    maxBadMessages: settings.maxBadMessages,
    respondWithDetailedErrors: true,
    callConcurrency: 1,
  });

  rpc.auth(async (accept: (session: Connection, protocol?: string) => void, reject: (code: number, message: string) => void, handshake: Handshake) => {
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
      // The charger retries a refused handshake; 503 tells it (and its operator) this is ours.
      log.error({ err: isDatabaseUnavailable(err) ? { message: 'database unavailable' } : err, identity }, 'charge point handshake failed');
      metrics.ocppRefusedHandshakes.inc({ reason: 'unavailable' });
      return reject(503, 'service unavailable');
    }
    const password = handshake.password ? Buffer.from(handshake.password).toString('utf8') : undefined;
    // Unknown identity, no password set, or the wrong one: all refused alike (security profile 1/2).
    const ok = await credentials.check(cp?.passwordHash ?? undefined, password);
    if (!cp || !ok) {
      log.warn({ identity, remote: handshake.remoteAddress }, 'charge point refused at handshake');
      metrics.ocppRefusedHandshakes.inc({ reason: 'unauthorized' });
      return reject(401, 'unauthorized');
    }
    accept({ tenantId: cp.tenantId, chargePointId: cp.chargePointId, identity }, protocol);
  });

  rpc.on('client', async (client: ClientLike) => {
    const c = client.session;
    const previous = live.get(c.identity);
    live.set(c.identity, client);
    // A new connection replaces a stale one (e.g. after an unclean disconnect).
    if (previous) previous.close({ code: 1000, reason: 'replaced by a new connection', force: true }).catch(() => {});
    log.info({ identity: c.identity, protocol: client.protocol, replaced: previous !== undefined }, 'charge point connected');
    metrics.ocppConnections.set(live.size);

    let seenWrittenAt = Date.now();
    client.on('message', ({ message, outbound }: { message: string | Buffer; outbound: boolean }) => {
      if (!outbound && Date.now() - seenWrittenAt >= settings.lastSeenEveryMs) {
        seenWrittenAt = Date.now();
        markSeen(c.tenantId, c.chargePointId);
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
      metrics.ocppBadFrames.inc();
      log.warn({ identity: c.identity, code: error.rpcErrorCode, error: error.message }, 'OCPP frame refused');
    });
    client.on('strictValidationFailure', ({ method, outbound, error }) => {
      if (!outbound) metrics.ocppMessages.inc({ action: method, result: error.rpcErrorCode ?? 'GenericError' });
      log.warn({ identity: c.identity, action: method, outbound, code: error.rpcErrorCode }, 'OCPP message failed schema validation');
    });

    const binding = PROTOCOLS[client.protocol as OcppSubprotocol];
    for (const [action, handler] of Object.entries(binding.handlers(services, c, settings))) {
      client.handle(action, async ({ params }) => {
        // The schemas allow U+0000 in strings; the database cannot store it, so it is refused here.
        const nul = findNul(params, action);
        if (nul) {
          metrics.ocppMessages.inc({ action, result: 'PropertyConstraintViolation' });
          throw createRPCError('PropertyConstraintViolation', `${nul} must not contain NUL characters`, {});
        }
        try {
          const result = await track(handler(params));
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

    const unregister = services.commands.register?.(c.identity, async (command, timeoutMs) => {
      const { action, payload } = binding.call(command);
      try {
        return binding.answer(command, await client.call(action, payload, { callTimeoutMs: timeoutMs }));
      } catch (err) {
        if (err instanceof TimeoutError) throw new ChargePointTimeout(c.identity);
        if (err instanceof RPCError) throw new ChargePointRejected((err as Error).message, (err as Error & { rpcErrorCode: string }).rpcErrorCode);
        throw new ChargePointOffline(c.identity);
      }
    });

    client.on('close', ({ code, reason }) => {
      log.info({ identity: c.identity, code, reason }, 'charge point disconnected');
      unregister?.();
      if (live.get(c.identity) !== client) return;
      live.delete(c.identity);
      metrics.ocppConnections.set(live.size);
      track(services.charging.setConnected(c.tenantId, c.chargePointId, false)).catch((err: unknown) => log.error({ err }, 'offline update failed'));
    });

    await track(services.charging.setConnected(c.tenantId, c.chargePointId, true)).catch((err: unknown) => log.error({ err }, 'online update failed'));
  });

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
    connections: () => live.size,
    /**
     * Stops taking connections, lets each charger's call in progress finish and be answered,
     * closes the sockets as "going away" (chargers reconnect, in scaled mode to another process),
     * and waits for the work that started, so the database can close after it.
     */
    async close(graceMs = 5_000) {
      clearInterval(prune);
      clearInterval(seenTimer);
      httpServer.off('upgrade', onUpgrade);
      const deadline = Date.now() + graceMs;
      const untilDeadline = () => new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref());
      const clients = [...live.values()];
      const closing = Promise.all(clients.map((client) => client.close({ code: 1001, reason: 'server shutting down', awaitPending: true }).catch(() => {})));
      await Promise.race([closing, untilDeadline()]);
      await rpc.close({ force: true, awaitPending: false });
      writeSeen();
      // Closing sockets starts more work (offline status writes): wait for that too.
      while (inflight.size && Date.now() < deadline) await Promise.race([Promise.allSettled([...inflight]), untilDeadline()]);
    },
  };
}
