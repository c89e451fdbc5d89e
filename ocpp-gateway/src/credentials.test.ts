import { hashPassword, verifyPassword } from '@voltshare/api';
import { describe, expect, it } from 'vitest';
import { VerifiedCredentials } from './credentials.js';

describe('verified charger credentials', () => {
  it('accepts the right password, refuses wrong ones every time, and forgets on a new hash', async () => {
    let argon2Runs = 0;
    const credentials = new VerifiedCredentials(async (hash, password) => {
      argon2Runs += 1;
      return verifyPassword(hash, password);
    });
    const first = await hashPassword('the-first-charger-secret');
    expect(await credentials.check(first, 'the-first-charger-secret')).toBe(true);
    expect(await credentials.check(first, 'the-first-charger-secret')).toBe(true);
    // A reconnect with the same password does not run argon2 again.
    expect(argon2Runs).toBe(1);
    expect(await credentials.check(first, 'not-the-secret')).toBe(false);
    expect(await credentials.check(first, 'not-the-secret')).toBe(false);
    expect(argon2Runs).toBe(3);
    // The password was changed: the old one no longer opens anything.
    const second = await hashPassword('the-second-charger-secret');
    expect(await credentials.check(second, 'the-first-charger-secret')).toBe(false);
    expect(await credentials.check(second, 'the-second-charger-secret')).toBe(true);
    // No stored password or none sent: refused.
    expect(await credentials.check(undefined, 'anything')).toBe(false);
    expect(await credentials.check(first, undefined)).toBe(false);
  });
});
