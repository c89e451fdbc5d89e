import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a free port; every message it accepts, parsed, by recipient. */
export async function startSmtp(): Promise<{
  url: string;
  inbox: ParsedMail[];
  next(to: string, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}> {
  const inbox: ParsedMail[] = [];
  const read = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((mail) => {
          inbox.push(mail);
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const recipient = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a?.value.map((v) => v.address) ?? []);
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    /** The recipient's next message not yet read, waiting for it if need be. */
    async next(to, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const unread = inbox.filter((m) => recipient(m).includes(to))[read.get(to) ?? 0];
        if (unread) {
          read.set(to, (read.get(to) ?? 0) + 1);
          return unread;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no mail for ${to} within ${timeoutMs} ms`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
