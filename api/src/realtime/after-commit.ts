import type { Scopes, Tx } from '../db/tenancy.js';
import type { DomainEvent, EventBus } from './events.js';

export type Emit = (...events: DomainEvent[]) => void;

/**
 * Runs tenant work and publishes the events it produced once the transaction has committed,
 * so nobody hears of a change that was rolled back.
 */
export async function writeThenPublish<T>(scopes: Scopes, bus: EventBus | undefined, tenantId: string, work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
  const events: DomainEvent[] = [];
  const result = await scopes.tenant(tenantId, (tx) => work(tx, (...e) => events.push(...e)));
  for (const event of events) bus?.publish(event);
  return result;
}
