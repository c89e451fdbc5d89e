import { type Request, type Response, Router } from 'express';
import type { Mailbox } from './mailer.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The development mail page (embedded mode without SMTP only): what the platform would have
 * sent, newest first, each message's HTML part on its own page. A developer's tool on their own
 * machine, in English; never mounted in production.
 */
export function mailboxPage(mailbox: Mailbox): Router {
  const router = Router();
  router.get('/', (_req: Request, res: Response) => {
    const rows = mailbox
      .list()
      .map(
        (m) =>
          `<tr><td>${escapeHtml(new Date(m.at).toISOString().replace('T', ' ').slice(0, 19))}</td><td>${escapeHtml(m.to)}</td><td lang="${escapeHtml(m.language)}"><a href="./${m.id}">${escapeHtml(m.subject)}</a></td><td>${escapeHtml(m.language)}</td></tr>`,
      )
      .join('');
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mailbox (development)</title>
<style>body{font:15px/1.5 system-ui,sans-serif;color:#102a43;max-width:960px;margin:24px auto;padding:0 16px}table{width:100%;border-collapse:collapse}td,th{padding:6px;border-bottom:1px solid #d9e2ec;text-align:left}a{color:#0b5e59}</style></head>
<body><main><h1>Mailbox (development)</h1><p>Email the platform sent while no SMTP server is configured (set <code>SMTP_URL</code> to send for real). Newest first.</p>
<table><thead><tr><th>Sent (UTC)</th><th>To</th><th>Subject</th><th>Language</th></tr></thead><tbody>${rows}</tbody></table>
${rows ? '' : '<p>Nothing sent yet.</p>'}</main></body></html>`);
  });
  router.get('/:id', (req: Request, res: Response) => {
    const mail = mailbox.get(String(req.params.id));
    if (!mail) {
      res.status(404).type('text').send('No such message.');
      return;
    }
    // The message's own HTML, sandboxed: no scripts, as a mail client would show it.
    res.set(
      'Content-Security-Policy',
      "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    res.type('html').send(mail.html);
  });
  return router;
}
