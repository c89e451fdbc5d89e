import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ChargePointOffline, ChargePointRejected, ChargePointTimeout, type Services, verifyPassword } from '@voltshare/api';
import ocppRpc from 'ocpp-rpc';
import { VerifiedCredentials } from './credentials.js';
import { identityFromPath, negotiateSubprotocol, SUPPORTED_SUBPROTOCOLS } from './endpoint.js';
import { type Connection, type GatewaySettings, type OcppParams, v16Handlers } from './v16/handlers.js';

// ocpp-rpc is CommonJS with spread exports, which Node's ESM loader cannot name.
const { RPCError, RPCServer, TimeoutError } = ocppRpc;

export interface GatewayOptions extends GatewaySettings {
  /** WebSocket ping interval; a peer that misses a pong is dropped. */
  pingIntervalMs: number;
  /** Bad frames tolerated per connection before it is closed. */
  maxBadMessages: number;
  /** How long the per-charge-point message log keeps frames. */
  messageRetentionDays: number;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = { heartbeatIntervalS: 300, pingIntervalMs: 30_000, maxBadMessages: 20, messageRetentionDays: 30 };

interface Handshake {
  request: IncomingMessage;
  protocols: Set<string>;
  password?: Buffer;
  remoteAddress?: string;
}

interface ClientLike {
  identity: string;
  session: Connection;
  handle(method: string, handler: (call: { params: OcppParams }) => Promise<unknown>): void;
  call(method: string, params: unknown, options?: { callTimeoutMs?: number }): Promise<unknown>;
  close(options?: { code?: number; reason?: string; force?: boolean }): Promise<unknown>;
  on(event: 'message', listener: (event: { message: string | Buffer; outbound: boolean }) => void): void;
  on(event: 'close', listener: () => void): void;
}

/**
 * The OCPP edge on the platform's HTTP server: `ws(s)://HOST/ocpp/{identity}` with subprotocol
 * `ocpp1.6`, HTTP Basic auth per charge point, strict validation against the official schemas,
 * one live socket per identity, every frame kept in the charge point's message log, and remote
 * commands taken from the command router.
 */
export function attachOcppGateway(httpServer: Server, services: Services, options: Partial<GatewayOptions> = {}) {
  const settings = { ...DEFAULT_GATEWAY_OPTIONS, ...options };
  const log = services.logger.child({ component: 'ocpp' });
  const live = new Map<string, ClientLike>();
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
    if (!protocol) return reject(400, `subprotocol required: ${SUPPORTED_SUBPROTOCOLS.join(', ')}`);
    const cp = await services.charging.findChargePoint(identity).catch(() => undefined);
    const password = handshake.password ? Buffer.from(handshake.password).toString('utf8') : undefined;
    // Unknown identity, no password set, or the wrong one: all refused alike (security profile 1/2).
    const ok = await credentials.check(cp?.passwordHash ?? undefined, password);
    if (!cp || !ok) {
      log.warn({ identity, remote: handshake.remoteAddress }, 'charge point refused at handshake');
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

    client.on('message', ({ message, outbound }: { message: string | Buffer; outbound: boolean }) => {
      let frame: unknown;
      try {
        frame = JSON.parse(String(message));
      } catch {
        frame = { unparsable: String(message).slice(0, 2000) };
      }
      services.charging
        .logFrame(c.tenantId, c.chargePointId, outbound ? 'out' : 'in', frame)
        .catch((err: unknown) => log.error({ err }, 'message log write failed'));
    });

    for (const [action, handler] of Object.entries(v16Handlers(services, c, settings))) {
      client.handle(action, async ({ params }) => {
        try {
          return await handler(params);
        } catch (err) {
          log.error({ err, action, identity: c.identity }, 'handler failed');
          throw err;
        }
      });
    }

    const unregister = services.commands.register?.(c.identity, async (action, payload, timeoutMs) => {
      try {
        return await client.call(action, payload, { callTimeoutMs: timeoutMs });
      } catch (err) {
        if (err instanceof TimeoutError) throw new ChargePointTimeout(c.identity);
        if (err instanceof RPCError) throw new ChargePointRejected((err as Error).message, (err as Error & { rpcErrorCode: string }).rpcErrorCode);
        throw new ChargePointOffline(c.identity);
      }
    });

    client.on('close', () => {
      unregister?.();
      if (live.get(c.identity) !== client) return;
      live.delete(c.identity);
      services.charging.setConnected(c.tenantId, c.chargePointId, false).catch((err: unknown) => log.error({ err }, 'offline update failed'));
    });

    await services.charging.setConnected(c.tenantId, c.chargePointId, true).catch((err: unknown) => log.error({ err }, 'online update failed'));
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
    async close() {
      clearInterval(prune);
      httpServer.off('upgrade', onUpgrade);
      await rpc.close({ force: true, awaitPending: false });
    },
  };
}
