import type { Request } from 'express';
import { type ReceiptData, receiptHtml, receiptPdf } from './receipt.js';
import { receiptLocale } from './receipt-text.js';

/** Answers with a receipt: PDF when asked (`Accept: application/pdf`), else HTML; in the reader's language. */
export async function sendReceipt(req: Request, data: ReceiptData, lang: string | undefined): Promise<void> {
  const res = req.res;
  if (!res) throw new Error('no response');
  const locale = receiptLocale(lang, (languages) => req.acceptsLanguages(...languages));
  res.vary('Accept-Language');
  if (req.accepts(['text/html', 'application/pdf']) === 'application/pdf') {
    res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="receipt-${data.session.id}.pdf"`);
    res.send(await receiptPdf(data, locale));
  } else res.type('html').send(receiptHtml(data, locale));
}
