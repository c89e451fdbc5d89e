import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Remembers which (stored hash, password) pairs argon2id already accepted, so a reconnect storm
 * — thousands of chargers coming back after an outage — does not run argon2 once per charger.
 * Keyed by the stored hash, so a changed password (a new hash) misses at once; the password is
 * kept only as an HMAC under a key that lives and dies with the process. Refusals are never cached.
 */
export class VerifiedCredentials {
  private readonly key = randomBytes(32);
  private readonly accepted = new Map<string, Buffer>();

  constructor(
    private readonly verify: (storedHash: string | undefined, password: string) => Promise<boolean>,
    private readonly max = 100_000,
  ) {}

  async check(storedHash: string | undefined, password: string | undefined): Promise<boolean> {
    if (!storedHash || password === undefined) {
      // Spend the same time as a real check, so unknown identities do not answer faster.
      await this.verify(undefined, password ?? '');
      return false;
    }
    const mac = createHmac('sha256', this.key).update(password).digest();
    const known = this.accepted.get(storedHash);
    if (known && timingSafeEqual(known, mac)) return true;
    const ok = await this.verify(storedHash, password);
    if (ok) {
      if (this.accepted.size >= this.max) this.accepted.clear();
      this.accepted.set(storedHash, mac);
    }
    return ok;
  }
}
