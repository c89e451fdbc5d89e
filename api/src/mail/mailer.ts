import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { newId } from '../shared/ids.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The recipient's language (BCP 47), sent as Content-Language. */
  language: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export type MailSettings = { from: string } & ({ kind: 'smtp'; url: string } | { kind: 'mailbox'; dir: string });

/** Where the platform's email goes. */
export interface Mailer {
  /** Sends one message; resolves with its Message-ID once the server (or the mailbox) has it. */
  send(message: MailMessage): Promise<string>;
  close(): void;
}

function envelope(from: string, m: MailMessage): SendMailOptions {
  return {
    from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: { 'Content-Language': m.language },
    attachments: m.attachments,
  };
}

/** Real email over SMTP (nodemailer; `smtp://` or `smtps://` with credentials in the URL). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(message: MailMessage): Promise<string> {
    const info = await this.transport.sendMail(envelope(this.from, message));
    return info.messageId;
  }

  close(): void {
    this.transport.close();
  }
}

export interface MailboxEntry {
  id: string;
  to: string;
  subject: string;
  language: string;
  at: string;
  text: string;
  html: string;
}

/**
 * Embedded mode's mail: each message written as a real RFC 5322 file (what an SMTP server would
 * have received) into `dir`, listed on the development mail page. Nothing leaves the machine.
 */
export class Mailbox implements Mailer {
  private readonly transport: Transporter;
  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(message: MailMessage): Promise<string> {
    const info = (await this.transport.sendMail(envelope(this.from, message))) as { messageId: string; message: Buffer };
    mkdirSync(this.dir, { recursive: true });
    const id = newId('mail');
    writeFileSync(path.join(this.dir, `${id}.eml`), info.message);
    const entry: MailboxEntry = {
      id,
      to: message.to,
      subject: message.subject,
      language: message.language,
      at: new Date().toISOString(),
      text: message.text,
      html: message.html,
    };
    writeFileSync(path.join(this.dir, `${id}.json`), JSON.stringify(entry));
    return info.messageId;
  }

  /** Newest first. */
  list(limit = 100): MailboxEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    // Ids are ULIDs: by name is by time.
    return names
      .sort()
      .reverse()
      .slice(0, limit)
      .map((n) => JSON.parse(readFileSync(path.join(this.dir, n), 'utf8')) as MailboxEntry);
  }

  /** One message, or undefined for an id that is not in the mailbox. */
  get(id: string): MailboxEntry | undefined {
    if (!/^mail_[0-9a-z]{26}$/.test(id)) return undefined;
    try {
      return JSON.parse(readFileSync(path.join(this.dir, `${id}.json`), 'utf8')) as MailboxEntry;
    } catch {
      return undefined;
    }
  }

  close(): void {}
}

export function createMailer(settings: MailSettings): Mailer {
  return settings.kind === 'smtp' ? new SmtpMailer(settings.url, settings.from) : new Mailbox(settings.dir, settings.from);
}
