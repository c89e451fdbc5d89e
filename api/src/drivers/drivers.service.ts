import { createAccount } from '../auth/accounts.js';
import { hashPassword } from '../auth/secrets.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Scopes } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { normaliseEmail } from '../shared/validation.js';
import type { DriverRegistration } from './drivers.model.js';

/** Drivers are platform-wide accounts: one login works at every network's chargers. */
export class DriversService {
  constructor(private readonly scopes: Scopes) {}

  async register(input: DriverRegistration): Promise<string> {
    const email = normaliseEmail(input.email);
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.scopes.system(async (tx) => {
        const userId = await createAccount(tx, { email, name: input.name, passwordHash, locale: input.locale ?? 'en' });
        await tx.insertInto('drivers').values({ user_id: userId }).execute();
        return userId;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw fail.conflict('An account with this email exists; sign in instead.', 'email-taken');
      throw error;
    }
  }
}
