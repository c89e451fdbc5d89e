import { Redis } from 'ioredis';
import type { DomainEvent, EventBus } from './events.js';

const CHANNEL = 'voltshare:events';

/** Scaled mode: domain events reach every API process, each of which serves its own sockets. */
export class RedisEventBus implements EventBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Set<(event: DomainEvent) => void>();

  constructor(url: string) {
    this.pub = new Redis(url, { maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { maxRetriesPerRequest: 2 });
    // ioredis reconnects and resubscribes by itself; without listeners it prints every failed try.
    this.pub.on('error', () => {});
    this.sub.on('error', () => {});
    this.sub.subscribe(CHANNEL).catch(() => {});
    this.sub.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as DomainEvent;
      for (const handler of this.handlers) handler(event);
    });
  }

  publish(event: DomainEvent): void {
    this.pub.publish(CHANNEL, JSON.stringify(event)).catch(() => {});
  }

  subscribe(handler: (event: DomainEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
