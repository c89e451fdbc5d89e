import { io, type Socket } from 'socket.io-client';

export type Subscription = { location_id: string } | { bbox: [number, number, number, number] } | { network: true };

export interface RealtimeOptions {
  baseUrl: string;
  credential: () => string | undefined;
}

/**
 * Live events over socket.io. Subscriptions are renewed after every reconnect and `onResync`
 * runs then, so a caller can re-read by REST what it may have missed (compare `version`s).
 */
export class Realtime {
  readonly socket: Socket;
  private readonly subscriptions: Subscription[] = [];

  constructor(options: RealtimeOptions, onResync?: () => void) {
    this.socket = io(options.baseUrl, {
      transports: ['websocket'],
      auth: (cb) => cb({ token: options.credential() }),
    });
    let connectedBefore = false;
    this.socket.on('connect', () => {
      for (const s of this.subscriptions) this.socket.emit('subscribe', s);
      if (connectedBefore) onResync?.();
      connectedBefore = true;
    });
  }

  /** Follows a location (or a box, or the whole network for staff); resolves once the server accepted. */
  async subscribe(subscription: Subscription): Promise<{ version?: number }> {
    this.subscriptions.push(subscription);
    if (!this.socket.connected)
      await new Promise<void>((resolve, reject) => {
        this.socket.once('connect', () => resolve());
        this.socket.once('connect_error', reject);
      });
    const ack = (await this.socket.emitWithAck('subscribe', subscription)) as { ok: boolean; version?: number; error?: string };
    if (!ack.ok) throw new Error(ack.error ?? 'subscription refused');
    return { version: ack.version };
  }

  /** `evse.status`, `location.updated`, `session.updated`, `reservation.*`, `queue.*`. */
  on<T = Record<string, unknown>>(event: string, handler: (payload: T) => void): () => void {
    this.socket.on(event, handler);
    return () => this.socket.off(event, handler);
  }

  close(): void {
    this.socket.disconnect();
  }
}
