/**
 * What holds a contribution for a moderator before anyone sees it: personal data a driver should
 * not publish about themselves or others (phone numbers, e-mail addresses, licence plates) and
 * links (spam, phishing). One function, used for every kind of text drivers post.
 */
export type HoldReason = 'phone' | 'email' | 'licence_plate' | 'link';

const RULES: [HoldReason, RegExp][] = [
  ['email', /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+/u],
  ['link', /\b(https?:\/\/|www\.)\S+|\b[a-z0-9-]{2,}\.(com|net|org|io|info|biz|xyz|ly|me|co|ru|de|fr|uk|nl|app)(\/\S*)?\b/i],
  // Seven or more digits, allowing the separators people type (+49 170 123 4567, 06-12345678).
  ['phone', /(?:\+|\b)\d(?:[\s().-]?\d){6,}\b/],
  // Common European formats, upper case as plates are written: AB-123-CD (FR, IT, ES), AB12 CDE (UK), B-MW 1234 (DE), 12-ABC-3 (NL).
  [
    'licence_plate',
    /\b[A-Z]{2}-\d{3}-[A-Z]{2}\b|\b[A-Z]{2}\d{2} ?[A-Z]{3}\b|\b[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2} ?\d{1,4}[EH]?\b|\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{1,3}-[A-Z0-9]{2,3}-[A-Z0-9]{1,2}\b/,
  ],
];

const DATES = /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b/g;

/** The first reason to hold this text, if any. */
export function holdReasonOf(...texts: (string | null | undefined)[]): HoldReason | undefined {
  for (const text of texts) {
    if (!text) continue;
    // Dates are digits with separators too, and are fine to post.
    const undated = text.replace(DATES, ' ');
    for (const [reason, pattern] of RULES) if (pattern.test(undated)) return reason;
  }
  return undefined;
}
