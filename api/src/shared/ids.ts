import { monotonicFactory } from 'ulid';

// One factory per process: ids made in the same millisecond still sort in the order they were made.
const nextUlid = monotonicFactory();

/**
 * Opaque, prefixed, time-ordered ids (`net_01j…`): a ULID (48 bits of milliseconds then 80 random
 * bits, Crockford base32) in monotonic mode, so ids sort by creation within a process and cursor
 * pagination can use them directly.
 */
export function newId(prefix: string): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}
