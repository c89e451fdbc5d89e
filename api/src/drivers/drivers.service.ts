import { createAccount } from '../auth/accounts.js';
import { hashPassword } from '../auth/secrets.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Scopes } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { normaliseEmail } from '../shared/validation.js';
import type { DriverPreferences, DriverProfile, DriverRegistration } from './drivers.model.js';

/** Drivers are platform-wide accounts: one login works at every network's chargers. */
export class DriversService {
  constructor(private readonly scopes: Scopes) {}

  async register(input: DriverRegistration): Promise<string> {
    const email = normaliseEmail(input.email);
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.scopes.system(async (tx) => {
        const userId = await createAccount(tx, { email, name: input.name, passwordHash, locale: input.locale ?? 'en' });
        const terms = input.accepted_terms_version ? { terms_version: input.accepted_terms_version, terms_accepted_at: new Date() } : {};
        await tx
          .insertInto('drivers')
          .values({ user_id: userId, ...terms })
          .execute();
        return userId;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw fail.conflict('An account with this email exists; sign in instead.', 'email-taken');
      throw error;
    }
  }

  async profile(driverId: string): Promise<DriverProfile> {
    const row = await this.scopes.system((tx) =>
      tx.selectFrom('drivers').select(['preferences', 'terms_version', 'terms_accepted_at']).where('user_id', '=', driverId).executeTakeFirst(),
    );
    if (!row) throw fail.notFound('driver', driverId);
    return row;
  }

  /** The usable battery (Wh) of each of these drivers' cars, for those who said it. */
  async batteryCapacitiesWh(driverIds: string[]): Promise<Map<string, number>> {
    if (driverIds.length === 0) return new Map();
    const rows = await this.scopes.system((tx) => tx.selectFrom('drivers').select(['user_id', 'preferences']).where('user_id', 'in', driverIds).execute());
    const capacities = new Map<string, number>();
    for (const { user_id, preferences } of rows) {
      const kwh = preferences.battery_kwh;
      if (typeof kwh === 'number' && kwh > 0) capacities.set(user_id, kwh * 1000);
    }
    return capacities;
  }

  /** Merges the settings given into the driver's; notification choices merge one by one. */
  async updatePreferences(driverId: string, change: DriverPreferences): Promise<DriverProfile> {
    await this.scopes.system(async (tx) => {
      const row = await tx.selectFrom('drivers').select('preferences').where('user_id', '=', driverId).forUpdate().executeTakeFirst();
      if (!row) throw fail.notFound('driver', driverId);
      const merged: DriverPreferences = {
        ...row.preferences,
        ...change,
        notifications: { ...row.preferences.notifications, ...change.notifications },
      };
      await tx
        .updateTable('drivers')
        .set({ preferences: JSON.stringify(merged) })
        .where('user_id', '=', driverId)
        .execute();
    });
    return this.profile(driverId);
  }
}
