import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { contactOf } from '../auth/accounts.js';
import { randomToken, sha256 } from '../auth/secrets.js';
import type { Scopes } from '../db/tenancy.js';
import { writeDriverArchive } from '../flows/data-export.flow.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import type { Mailer } from '../mail/mailer.js';
import { sendTemplated } from '../mail/templates.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { PublicBase } from '../shared/public-base.js';
import type { ExportStatus } from './privacy.tables.js';

/** How long the download link works once the archive is ready; then the archive is deleted. */
const KEEP_MS = 7 * 24 * 3_600_000;

export interface DataExport {
  id: string;
  status: ExportStatus;
  size_bytes: number | null;
  created_at: Date;
  ready_at: Date | null;
  expires_at: Date | null;
}

/**
 * A driver's copy of their data (GDPR Art. 15 and 20): asked for in the app or the API, built by
 * a job into a ZIP of JSON and CSV files streamed page by page (never the whole history in
 * memory), announced by email with a link that works once and expires; then the file is deleted.
 */
export class DataExportsService {
  constructor(
    private readonly scopes: Scopes,
    private readonly mailer: Mailer,
    private readonly base: PublicBase,
    private readonly dir: string,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register('privacy.export', async (p: { export_id: string }, ctx) => {
      await this.sweepExpired(ctx.now);
      await this.build(p.export_id, ctx.now);
    });
  }

  /** Starts an export, or returns the one already being made. */
  async request(userId: string): Promise<DataExport> {
    return this.scopes.system(async (tx) => {
      const pending = await tx.selectFrom('data_exports').selectAll().where('user_id', '=', userId).where('status', '=', 'pending').executeTakeFirst();
      if (pending) return toExport(pending);
      const row = await tx
        .insertInto('data_exports')
        .values({ id: newId('exp'), user_id: userId })
        .returningAll()
        .executeTakeFirstOrThrow();
      await scheduleJob(tx, { kind: 'privacy.export', key: `privacy.export:${row.id}`, payload: { export_id: row.id }, maxAttempts: 5 });
      return toExport(row);
    });
  }

  async get(userId: string, id: string): Promise<DataExport> {
    const row = await this.scopes.system((tx) =>
      tx.selectFrom('data_exports').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
    );
    if (!row) throw fail.notFound('export', id);
    return toExport(row);
  }

  /**
   * The archive for the link's token, once: the first download takes it (two at once get it
   * once), later ones and expired links are refused; the file is deleted when it has been sent.
   */
  async download(id: string, token: string, now = new Date()): Promise<{ stream: Readable; size: number; filename: string }> {
    const taken = await this.scopes.system((tx) =>
      tx
        .updateTable('data_exports')
        .set({ status: 'downloaded', downloaded_at: now })
        .where('id', '=', id)
        .where('token_hash', '=', sha256(token))
        .where('status', '=', 'ready')
        .where('expires_at', '>', now)
        .returning(['id', 'created_at'])
        .executeTakeFirst(),
    );
    if (!taken) throw fail.notFound('export download (the link was used, has expired or is wrong)');
    const file = this.file(id);
    const stream = createReadStream(file);
    stream.on('close', () => rmSync(file, { force: true }));
    return { stream, size: statSync(file).size, filename: `voltshare-data-${taken.created_at.toISOString().slice(0, 10)}.zip` };
  }

  /** Erasure: archives not yet downloaded are deleted. */
  async forget(userId: string): Promise<void> {
    const gone = await this.scopes.system((tx) =>
      tx
        .updateTable('data_exports')
        .set({ status: 'expired' })
        .where('user_id', '=', userId)
        .where('status', 'in', ['pending', 'ready'])
        .returning('id')
        .execute(),
    );
    for (const { id } of gone) rmSync(this.file(id), { force: true });
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.zip`);
  }

  private async build(id: string, now: Date): Promise<void> {
    const row = await this.scopes.system((tx) => tx.selectFrom('data_exports').selectAll().where('id', '=', id).executeTakeFirst());
    if (row?.status !== 'pending') return;
    mkdirSync(this.dir, { recursive: true });
    const partial = `${this.file(id)}.part`;
    const out = createWriteStream(partial);
    const archive = new ZipArchive({ zlib: { level: 6 } });
    const failed = new Promise<never>((_, reject) => archive.on('error', reject));
    archive.pipe(out);
    try {
      await Promise.race([writeDriverArchive(this.scopes, row.user_id, archive, now), failed]);
      await Promise.race([archive.finalize(), failed]);
      await finished(out);
    } catch (error) {
      archive.abort();
      rmSync(partial, { force: true });
      throw error;
    }
    renameSync(partial, this.file(id));
    const token = `dx_${randomToken(40)}`;
    const expiresAt = new Date(now.getTime() + KEEP_MS);
    await this.scopes.system((tx) =>
      tx
        .updateTable('data_exports')
        .set({ status: 'ready', token_hash: sha256(token), size_bytes: statSync(this.file(id)).size, ready_at: now, expires_at: expiresAt })
        .where('id', '=', id)
        .execute(),
    );
    const contact = await this.scopes.system((tx) => contactOf(tx, row.user_id));
    if (!contact) return;
    await sendTemplated(this.mailer, contact, 'privacy.export_ready', {
      name: contact.name,
      link: this.base.link(`/v1/exports/${id}/download?token=${token}`),
    });
  }

  /** Archives whose link expired are deleted; their rows stay as the record that an export happened. */
  private async sweepExpired(now: Date): Promise<void> {
    const expired = await this.scopes.system((tx) =>
      tx.updateTable('data_exports').set({ status: 'expired' }).where('status', '=', 'ready').where('expires_at', '<=', now).returning('id').execute(),
    );
    for (const { id } of expired) rmSync(this.file(id), { force: true });
  }
}

function toExport(r: {
  id: string;
  status: ExportStatus;
  size_bytes: string | null;
  created_at: Date;
  ready_at: Date | null;
  expires_at: Date | null;
}): DataExport {
  return {
    id: r.id,
    status: r.status,
    size_bytes: r.size_bytes === null ? null : Number(r.size_bytes),
    created_at: r.created_at,
    ready_at: r.ready_at,
    expires_at: r.expires_at,
  };
}
