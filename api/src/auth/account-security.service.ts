import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import type { Mailer } from '../mail/mailer.js';
import { type MailTemplate, sendTemplated } from '../mail/templates.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { PublicBase } from '../shared/public-base.js';
import { contactOf } from './accounts.js';
import { hashPassword, randomToken, sha256, verifyPassword } from './secrets.js';

type Purpose = 'verify_email' | 'reset_password';

const LIFETIME_MS: Record<Purpose, number> = { verify_email: 24 * 3_600_000, reset_password: 60 * 60_000 };
const TEMPLATE: Record<Purpose, MailTemplate> = { verify_email: 'account.verify_email', reset_password: 'account.password_reset' };
/** Where each link opens: the app's screens that finish the job. */
const LINK_PATH: Record<Purpose, string> = { verify_email: '/app/#/verify-email', reset_password: '/app/#/reset-password' };

export interface ActiveLogin {
  /** The login (token family); revoking it signs that device out at once. */
  id: string;
  device: string | null;
  signed_in_at: Date;
  last_active_at: Date;
  /** The session this request was made with. */
  current: boolean;
}

/**
 * Email verification, password reset and change, and the list of a person's logins — for drivers
 * and staff alike. Links are single-use, expire, and only their hash is stored; a reset or change
 * ends the other logins (their access tokens stop working at once, see AuthService).
 */
export class AccountSecurityService {
  constructor(
    private readonly scopes: Scopes,
    private readonly mailer: Mailer,
    private readonly base: PublicBase,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register('account.mail', async (p: { user_id: string; template: 'verify_email' | 'reset_password' | 'password_changed' }) => {
      const contact = await this.scopes.system((tx) => contactOf(tx, p.user_id));
      if (!contact) return;
      let link: string | undefined;
      if (p.template !== 'password_changed') {
        // The link is made when the mail goes out (only its hash is kept); a retried send makes a new one and voids the last.
        const token = await this.scopes.system((tx) => this.issue(tx, p.user_id, p.template as Purpose, contact.email));
        link = this.base.link(`${LINK_PATH[p.template]}?token=${token}`);
      }
      const template: MailTemplate = p.template === 'password_changed' ? 'account.password_changed' : TEMPLATE[p.template];
      await sendTemplated(this.mailer, contact, template, { name: contact.name, email: contact.email, ...(link && { link }) });
    });
  }

  /** Sends a verification link to the account's address (again, if asked again). */
  async requestVerification(userId: string): Promise<{ already_verified: boolean }> {
    return this.scopes.system(async (tx) => {
      const user = await tx.selectFrom('users').select(['email_verified_at']).where('id', '=', userId).executeTakeFirstOrThrow();
      if (user.email_verified_at) return { already_verified: true };
      await this.mail(tx, userId, 'verify_email');
      return { already_verified: false };
    });
  }

  async verifyEmail(token: string, now = new Date()): Promise<void> {
    await this.scopes.system(async (tx) => {
      const row = await this.redeem(tx, token, 'verify_email', now);
      const user = await tx.selectFrom('users').select(['email']).where('id', '=', row.user_id).executeTakeFirstOrThrow();
      // A link sent to an address the account no longer has proves nothing about the new one.
      if (user.email !== row.email) throw invalidToken();
      await tx.updateTable('users').set({ email_verified_at: now }).where('id', '=', row.user_id).execute();
    });
  }

  /**
   * Sends a reset link when the address belongs to an active account. The answer is the same
   * either way, so the endpoint does not tell who has an account.
   */
  async requestPasswordReset(email: string): Promise<void> {
    await this.scopes.system(async (tx) => {
      const user = await tx.selectFrom('users').select(['id', 'disabled_at']).where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
      if (user && !user.disabled_at) await this.mail(tx, user.id, 'reset_password');
    });
  }

  /** Sets a new password from a reset link and ends every login of the account. */
  async resetPassword(token: string, password: string, now = new Date()): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.scopes.system(async (tx) => {
      const row = await this.redeem(tx, token, 'reset_password', now);
      // A reset also lifts a lock from wrong guesses: the owner proved who they are.
      await tx.updateTable('users').set({ password_hash: passwordHash, failed_logins: 0, locked_until: null }).where('id', '=', row.user_id).execute();
      // The link came to this address: following it proves the address too.
      await tx
        .updateTable('users')
        .set({ email_verified_at: now })
        .where('id', '=', row.user_id)
        .where('email', '=', row.email)
        .where('email_verified_at', 'is', null)
        .execute();
      await this.endLogins(tx, row.user_id, undefined, now);
      await this.mail(tx, row.user_id, 'password_changed');
    });
  }

  /** Changes the password of a signed-in person, who proves the current one; their other logins end. */
  async changePassword(userId: string, currentSession: string | undefined, current: string, next: string, now = new Date()): Promise<void> {
    const stored = await this.scopes.system((tx) => tx.selectFrom('users').select(['password_hash']).where('id', '=', userId).executeTakeFirst());
    if (!(await verifyPassword(stored?.password_hash, current))) throw fail.invalid([{ field: 'current_password', message: 'is not your current password' }]);
    if (current === next) throw fail.invalid([{ field: 'new_password', message: 'is the same as the current password' }]);
    const passwordHash = await hashPassword(next);
    await this.scopes.system(async (tx) => {
      await tx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
      await this.endLogins(tx, userId, currentSession, now);
      await this.mail(tx, userId, 'password_changed');
    });
  }

  /** The person's logins that can still be refreshed, most recently active first. */
  async logins(userId: string, currentSession: string | undefined, now = new Date()): Promise<ActiveLogin[]> {
    const rows = await this.scopes.system((tx) =>
      tx
        .selectFrom('refresh_tokens')
        .select((eb) => [
          'family_id',
          eb.fn.max('device').as('device'),
          eb.fn.min('created_at').as('signed_in_at'),
          eb.fn.max('created_at').as('last_active_at'),
        ])
        .where('user_id', '=', userId)
        .groupBy('family_id')
        .having((eb) => eb.fn.count('revoked_at'), '=', 0)
        .having((eb) => eb.fn.max('expires_at'), '>', now)
        .orderBy('last_active_at', 'desc')
        .execute(),
    );
    return rows.map((r) => ({
      id: r.family_id,
      device: r.device as string | null,
      signed_in_at: new Date(r.signed_in_at as Date),
      last_active_at: new Date(r.last_active_at as Date),
      current: r.family_id === currentSession,
    }));
  }

  /** Signs one of the person's logins out; another person's id is not found. */
  async revokeLogin(userId: string, loginId: string, now = new Date()): Promise<void> {
    const revoked = await this.scopes.system((tx) =>
      tx
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('family_id', '=', loginId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute(),
    );
    if (!revoked.length) throw fail.notFound('login', loginId);
  }

  private async mail(tx: Tx, userId: string, template: 'verify_email' | 'reset_password' | 'password_changed'): Promise<void> {
    await scheduleJob(tx, { kind: 'account.mail', payload: { user_id: userId, template }, maxAttempts: 8 });
  }

  private async issue(tx: Tx, userId: string, purpose: Purpose, email: string): Promise<string> {
    const now = new Date();
    // One live link per purpose: a newer one voids the older.
    await tx
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
    const token = `${purpose === 'verify_email' ? 'ev' : 'pr'}_${randomToken(40)}`;
    await tx
      .insertInto('account_tokens')
      .values({ id: newId('atk'), user_id: userId, purpose, token_hash: sha256(token), email, expires_at: new Date(now.getTime() + LIFETIME_MS[purpose]) })
      .execute();
    return token;
  }

  private async redeem(tx: Tx, token: string, purpose: Purpose, now: Date): Promise<{ user_id: string; email: string }> {
    const row = await tx
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', sha256(token))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['user_id', 'email'])
      .executeTakeFirst();
    if (!row) throw invalidToken();
    return row;
  }

  /** Revokes every login of the person but `keep`: their refresh tokens stop working, and their access tokens with them. */
  private async endLogins(tx: Tx, userId: string, keep: string | undefined, now: Date): Promise<void> {
    await tx
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .$if(keep !== undefined, (q) => q.where('family_id', '!=', keep as string))
      .execute();
  }
}

const invalidToken = () => fail.invalid([{ field: 'token', message: 'is invalid, already used or expired; ask for a new link' }]);
