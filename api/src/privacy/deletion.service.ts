import { verifyPassword } from '../auth/secrets.js';
import type { Scopes } from '../db/tenancy.js';
import type { AccountErasureFlow } from '../flows/account-erasure.flow.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';

/** How long a deletion can still be cancelled. */
export const DELETION_GRACE_MS = 14 * 24 * 3_600_000;

export interface AccountDeletion {
  id: string;
  status: 'scheduled' | 'cancelled' | 'done';
  contributions: 'keep' | 'remove';
  requested_at: Date;
  /** When the account is erased; until then it can be cancelled. */
  due_at: Date;
  done_at: Date | null;
}

/**
 * A person deletes their account: asked with their password, carried out by a job when the
 * 14-day grace period ends (AccountErasureFlow), cancellable until then, and not undone after.
 */
export class AccountDeletionService {
  constructor(
    private readonly scopes: Scopes,
    private readonly erasure: Pick<AccountErasureFlow, 'erase'>,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register('privacy.erase', async (p: { deletion_id: string }, ctx) => {
      const row = await this.scopes.system((tx) => tx.selectFrom('account_deletions').selectAll().where('id', '=', p.deletion_id).executeTakeFirst());
      // Cancelled, or done by an earlier attempt.
      if (row?.status !== 'scheduled' || row.due_at > ctx.now) return;
      await this.erasure.erase(row.user_id, row.contributions, ctx.now);
      await this.scopes.system((tx) => tx.updateTable('account_deletions').set({ status: 'done', done_at: ctx.now }).where('id', '=', row.id).execute());
    });
  }

  async request(userId: string, password: string, contributions: 'keep' | 'remove', now = new Date()): Promise<AccountDeletion> {
    const user = await this.scopes.system((tx) => tx.selectFrom('users').select(['password_hash']).where('id', '=', userId).executeTakeFirst());
    if (!(await verifyPassword(user?.password_hash, password))) throw fail.invalid([{ field: 'password', message: 'is not your password' }]);
    return this.scopes.system(async (tx) => {
      const scheduled = await tx.selectFrom('account_deletions').selectAll().where('user_id', '=', userId).where('status', '=', 'scheduled').executeTakeFirst();
      if (scheduled) return scheduled;
      const row = await tx
        .insertInto('account_deletions')
        .values({ id: newId('del'), user_id: userId, contributions, due_at: new Date(now.getTime() + DELETION_GRACE_MS) })
        .returningAll()
        .executeTakeFirstOrThrow();
      await scheduleJob(tx, { kind: 'privacy.erase', key: `privacy.erase:${row.id}`, payload: { deletion_id: row.id }, runAt: row.due_at, maxAttempts: 10 });
      return row;
    });
  }

  async current(userId: string): Promise<AccountDeletion | null> {
    const row = await this.scopes.system((tx) =>
      tx.selectFrom('account_deletions').selectAll().where('user_id', '=', userId).orderBy('requested_at', 'desc').limit(1).executeTakeFirst(),
    );
    return row ?? null;
  }

  /** Keeps the account: possible until the grace period ends. */
  async cancel(userId: string): Promise<AccountDeletion> {
    const row = await this.scopes.system((tx) =>
      tx
        .updateTable('account_deletions')
        .set({ status: 'cancelled' })
        .where('user_id', '=', userId)
        .where('status', '=', 'scheduled')
        .returningAll()
        .executeTakeFirst(),
    );
    if (!row) throw fail.notFound('scheduled deletion of your account');
    return row;
  }
}
