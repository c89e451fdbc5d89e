import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ChargerCommand, CommandAnswer } from './charger-commands.js';
import { ChargePointOffline, ChargePointRejected, ChargePointTimeout, type CommandExecutor, type CommandRouter } from './commands.js';

interface CommandRequest {
  request_id: string;
  reply_to: string;
  identity: string;
  command: ChargerCommand;
  timeout_ms: number;
}

interface CommandReply {
  request_id: string;
  ok: boolean;
  result?: CommandAnswer;
  error?: { kind: 'offline' | 'timeout' | 'rejected' | 'failed'; message: string; code?: string };
}

const OWNER_KEY = (identity: string) => `voltshare:ocpp:owner:${identity}`;
const NODE_CHANNEL = (node: string) => `voltshare:ocpp:node:${node}`;
/** How long a process's claim on a socket outlives it if it dies without cleaning up. */
const OWNER_TTL_S = 120;

/**
 * Scaled mode: each gateway process claims the identities whose sockets it holds in Redis and
 * listens on its own channel; a command is published to the owner's channel and its answer
 * comes back on the sender's. Any API process can command any charger.
 */
export class RedisCommandRouter implements CommandRouter {
  readonly nodeId = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly executors = new Map<string, CommandExecutor>();
  private readonly pending = new Map<string, (reply: CommandReply) => void>();
  private readonly refresh: NodeJS.Timeout;
  private readonly ready: Promise<unknown>;

  constructor(url: string) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.sub.on('message', (_channel: string, message: string) => {
      this.onMessage(message).catch(() => {});
    });
    this.ready = this.sub.subscribe(NODE_CHANNEL(this.nodeId));
    // Keep our claims alive while we hold the sockets.
    this.refresh = setInterval(() => this.claimAll(), (OWNER_TTL_S * 1000) / 3);
    this.refresh.unref();
    // A Redis that restarted has lost every claim: make ours again as soon as it is back, rather
    // than leave our chargers unreachable from other processes until the next refresh.
    let connectedOnce = false;
    this.pub.on('ready', () => {
      if (connectedOnce) this.claimAll();
      connectedOnce = true;
    });
    // Reconnection is ioredis's; commands fail meanwhile (offline) and work again when it is back.
    this.pub.on('error', () => {});
    this.sub.on('error', () => {});
  }

  private claimAll(): void {
    for (const identity of this.executors.keys()) this.pub.set(OWNER_KEY(identity), this.nodeId, 'EX', OWNER_TTL_S).catch(() => {});
  }

  register(identity: string, executor: CommandExecutor): () => void {
    this.executors.set(identity, executor);
    this.pub.set(OWNER_KEY(identity), this.nodeId, 'EX', OWNER_TTL_S).catch(() => {});
    return () => {
      if (this.executors.get(identity) !== executor) return;
      this.executors.delete(identity);
      // Only release the claim if no newer connection elsewhere took it.
      this.pub
        .eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, OWNER_KEY(identity), this.nodeId)
        .catch(() => {});
    };
  }

  async send(identity: string, command: ChargerCommand, timeoutMs: number): Promise<CommandAnswer> {
    const local = this.executors.get(identity);
    if (local) return local(command, timeoutMs);
    await this.ready;
    const owner = await this.pub.get(OWNER_KEY(identity));
    if (!owner) throw new ChargePointOffline(identity);
    const request: CommandRequest = { request_id: randomUUID(), reply_to: this.nodeId, identity, command, timeout_ms: timeoutMs };
    const reply = await new Promise<CommandReply>((resolve, reject) => {
      // The owner times the charger out itself; this only covers a lost owner.
      const timer = setTimeout(() => {
        this.pending.delete(request.request_id);
        reject(new ChargePointTimeout(identity));
      }, timeoutMs + 2_000);
      this.pending.set(request.request_id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.pub.publish(NODE_CHANNEL(owner), JSON.stringify({ type: 'request', ...request })).then((receivers) => {
        if (receivers === 0) {
          clearTimeout(timer);
          this.pending.delete(request.request_id);
          reject(new ChargePointOffline(identity));
        }
      }, reject);
    });
    if (reply.ok && reply.result) return reply.result;
    const error = reply.error ?? { kind: 'failed', message: 'unknown error' };
    if (error.kind === 'offline') throw new ChargePointOffline(identity);
    if (error.kind === 'timeout') throw new ChargePointTimeout(identity);
    if (error.kind === 'rejected') throw new ChargePointRejected(error.message, error.code ?? 'GenericError');
    throw new Error(error.message);
  }

  private async onMessage(raw: string): Promise<void> {
    const message = JSON.parse(raw) as ({ type: 'request' } & CommandRequest) | ({ type: 'reply' } & CommandReply);
    if (message.type === 'reply') {
      this.pending.get(message.request_id)?.(message);
      this.pending.delete(message.request_id);
      return;
    }
    const reply: CommandReply = { request_id: message.request_id, ok: false };
    const executor = this.executors.get(message.identity);
    try {
      if (!executor) throw new ChargePointOffline(message.identity);
      reply.result = await executor(message.command, message.timeout_ms);
      reply.ok = true;
    } catch (error) {
      reply.error =
        error instanceof ChargePointOffline
          ? { kind: 'offline', message: 'offline' }
          : error instanceof ChargePointTimeout
            ? { kind: 'timeout', message: 'timeout' }
            : error instanceof ChargePointRejected
              ? { kind: 'rejected', message: error.message, code: error.code }
              : { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    await this.pub.publish(NODE_CHANNEL(message.reply_to), JSON.stringify({ type: 'reply', ...reply }));
  }

  async close(): Promise<void> {
    clearInterval(this.refresh);
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
