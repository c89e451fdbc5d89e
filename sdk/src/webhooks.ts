/**
 * Checks a webhook delivery's `Voltshare-Signature` header (`t=<unix s>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">`) with the endpoint's secret. Pass the raw body text, not re-serialised JSON.
 * Works in Node 20 and browsers (Web Crypto). Rejects signatures older than `toleranceS`.
 */
export async function verifyWebhook(secret: string, rawBody: string, header: string | null | undefined, toleranceS = 300, now = Date.now()): Promise<boolean> {
  if (!header) return false;
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(now / 1000 - t) > toleranceS) return false;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signature = new Uint8Array(v1.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? []);
  // crypto.subtle.verify compares in constant time.
  return crypto.subtle.verify('HMAC', key, signature, encoder.encode(`${t}.${rawBody}`));
}
