import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for api.stripe.com, for tests only: the endpoints the platform calls, with
 * Stripe's documented shapes and errors — test cards `pm_card_visa`, `pm_card_chargeDeclined`,
 * `pm_card_authenticationRequired`; idempotency keys replayed, or refused when reused with other
 * parameters. The real `stripe` SDK talks to it over HTTP.
 */
export interface StripeTestServer {
  url: string;
  intents: Map<string, Intent>;
  /** How many times each intent was captured at Stripe (a retry must not add one). */
  captures: Map<string, number>;
  /** The next capture fails like an expired authorisation. */
  failNextCapture(): void;
  close(): Promise<void>;
}

interface Intent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  payment_method: string | null;
  capture_method: string;
  status: string;
  metadata: Record<string, string>;
  transfer_data: { destination: string } | null;
  application_fee_amount: number | null;
  refunded: number;
}

type Params = Record<string, unknown>;

/** Stripe's form encoding: `a[b]=1&c[0]=x` → `{ a: { b: '1' }, c: { 0: 'x' } }`. */
function parseForm(body: string): Params {
  const out: Params = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = out;
    for (const [i, part] of path.entries()) {
      if (i === path.length - 1) node[part] = value;
      else {
        node[part] ??= {};
        node = node[part] as Params;
      }
    }
  }
  return out;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const error = (status: number, type: string, code: string, message: string, extra: Params = {}) => ({
  status,
  body: { error: { type, code, message, ...extra } },
});

export async function startStripeTestServer(): Promise<StripeTestServer> {
  const intents = new Map<string, Intent>();
  const captures = new Map<string, number>();
  const idempotency = new Map<string, { hash: string; status: number; body: unknown }>();
  let failCapture = false;

  const handle = (method: string, path: string, params: Params): { status: number; body: unknown } => {
    const attach = path.match(/^\/v1\/payment_methods\/([^/]+)\/attach$/);
    const intentAction = path.match(/^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/);
    const customer = path.match(/^\/v1\/customers\/([^/]+)$/);
    if (method === 'DELETE' && customer) return { status: 200, body: { id: customer[1], object: 'customer', deleted: true } };
    if (method === 'POST' && path === '/v1/customers')
      return { status: 200, body: { id: id('cus'), object: 'customer', email: params.email ?? null, name: params.name ?? null } };
    if (method === 'POST' && path === '/v1/setup_intents') {
      const seti = id('seti');
      return {
        status: 200,
        body: {
          id: seti,
          object: 'setup_intent',
          client_secret: `${seti}_secret_${randomBytes(8).toString('hex')}`,
          customer: params.customer,
          status: 'requires_payment_method',
        },
      };
    }
    if (method === 'POST' && attach) {
      if (!attach[1]?.startsWith('pm_card_')) return error(404, 'invalid_request_error', 'resource_missing', `No such PaymentMethod: '${attach[1]}'`);
      return { status: 200, body: { id: attach[1], object: 'payment_method', customer: params.customer } };
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = Number(params.amount);
      if (!Number.isInteger(amount) || amount < 50)
        return error(400, 'invalid_request_error', 'amount_too_small', 'Amount must be at least €0.50 eur', { param: 'amount' });
      const intent: Intent = {
        id: id('pi'),
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_received: 0,
        currency: String(params.currency),
        customer: (params.customer as string) ?? null,
        payment_method: (params.payment_method as string) ?? null,
        capture_method: String(params.capture_method ?? 'automatic'),
        status: 'requires_payment_method',
        metadata: (params.metadata as Record<string, string>) ?? {},
        transfer_data: (params.transfer_data as { destination: string }) ?? null,
        application_fee_amount: params.application_fee_amount === undefined ? null : Number(params.application_fee_amount),
        refunded: 0,
      };
      intents.set(intent.id, intent);
      if (intent.payment_method === 'pm_card_chargeDeclined')
        return error(402, 'card_error', 'card_declined', 'Your card was declined.', { decline_code: 'generic_decline', payment_intent: { ...intent } });
      if (intent.payment_method === 'pm_card_authenticationRequired') {
        intent.status = 'requires_action';
        return error(402, 'card_error', 'authentication_required', 'This payment requires authentication.', { payment_intent: { ...intent } });
      }
      intent.status = intent.capture_method === 'manual' ? 'requires_capture' : 'succeeded';
      intent.amount_capturable = intent.capture_method === 'manual' ? amount : 0;
      intent.amount_received = intent.capture_method === 'manual' ? 0 : amount;
      return { status: 200, body: intent };
    }
    if (method === 'POST' && intentAction) {
      const intent = intents.get(intentAction[1] as string);
      if (!intent) return error(404, 'invalid_request_error', 'resource_missing', `No such payment_intent: '${intentAction[1]}'`);
      if (intent.status !== 'requires_capture')
        return error(400, 'invalid_request_error', 'payment_intent_unexpected_state', `This PaymentIntent's status is ${intent.status}.`, {
          payment_intent: intent,
        });
      if (intentAction[2] === 'cancel') {
        intent.status = 'canceled';
        intent.amount_capturable = 0;
        return { status: 200, body: intent };
      }
      if (failCapture) {
        failCapture = false;
        return error(400, 'invalid_request_error', 'charge_expired_for_capture', 'The charge has expired and can no longer be captured.');
      }
      const amount = params.amount_to_capture === undefined ? intent.amount : Number(params.amount_to_capture);
      if (amount > intent.amount_capturable)
        return error(400, 'invalid_request_error', 'amount_too_large', 'Amount to capture exceeds the capturable amount.', { param: 'amount_to_capture' });
      intent.status = 'succeeded';
      intent.amount_received = amount;
      intent.amount_capturable = 0;
      captures.set(intent.id, (captures.get(intent.id) ?? 0) + 1);
      return { status: 200, body: intent };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = intents.get(String(params.payment_intent));
      if (!intent) return error(404, 'invalid_request_error', 'resource_missing', 'No such payment_intent');
      const amount = params.amount === undefined ? intent.amount_received - intent.refunded : Number(params.amount);
      if (intent.refunded + amount > intent.amount_received)
        return error(400, 'invalid_request_error', 'amount_too_large', 'Refund amount is greater than the unrefunded amount.', { param: 'amount' });
      intent.refunded += amount;
      return { status: 200, body: { id: id('re'), object: 'refund', amount, payment_intent: intent.id, status: 'succeeded' } };
    }
    return error(404, 'invalid_request_error', 'resource_missing', `Unrecognized request URL (${method}: ${path}).`);
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] as string;
      const send = (status: number, body: unknown, replayed = false) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
        res.end(JSON.stringify(body));
      };
      if (!req.headers.authorization?.startsWith('Bearer sk_test_'))
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      const key = req.headers['idempotency-key'];
      const hash = createHash('sha256').update(`${req.method} ${path} ${raw}`).digest('hex');
      if (typeof key === 'string') {
        const seen = idempotency.get(key);
        if (seen && seen.hash !== hash)
          return send(400, {
            error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' },
          });
        if (seen) return send(seen.status, seen.body, true);
      }
      const result = handle(req.method ?? 'GET', path, parseForm(raw));
      if (typeof key === 'string') idempotency.set(key, { hash, status: result.status, body: result.body });
      send(result.status, result.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    intents,
    captures,
    failNextCapture: () => {
      failCapture = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
