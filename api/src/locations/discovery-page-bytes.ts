import type { Entry } from './discovery-grid.js';

/**
 * Page bodies are cut from 64 KB slabs: most pages are over Buffer's 4 KB pooling limit, and a
 * separate allocation for each cost more than assembling it. A slab is never reused, only
 * replaced; its memory is freed once the last page cut from it is.
 */
export class BodySlab {
  private static readonly BYTES = 64 * 1024;
  private slab = Buffer.allocUnsafeSlow(BodySlab.BYTES);
  private used = 0;

  /** Uninitialised memory: the caller writes every byte. */
  take(size: number): Buffer {
    if (size > BodySlab.BYTES / 4) return Buffer.allocUnsafe(size);
    if (this.used + size > BodySlab.BYTES) {
      this.slab = Buffer.allocUnsafeSlow(BodySlab.BYTES);
      this.used = 0;
    }
    const body = this.slab.subarray(this.used, this.used + size);
    this.used += (size + 7) & ~7;
    return body;
  }
}
export const bodies = new BodySlab();

/**
 * UTF-8 in memory of its own, not a slice of Buffer's shared 8 KB pool: entries are replaced at
 * every status change, and one long-lived slice would keep a whole pool chunk alive.
 */
export function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

export const jsonHeadOf = (entry: Entry): Buffer => (entry.jsonHead ??= ownBytes(`${JSON.stringify(entry.summary).slice(0, -1)},"distance_m":`));

export const PAGE_HEAD = Buffer.from('{"data":[');
export const OPEN = ',"open_now":true}';
export const CLOSED = ',"open_now":false}';
export const COMMA = 0x2c;
