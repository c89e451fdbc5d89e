import type { NextFunction, Request, Response } from 'express';
import { Problem } from '../http/problem.js';
import type { Services } from '../server/services.js';
import { ProviderError } from './provider.js';

/** POST /v1/payments/webhook: the payment provider's events, signature checked on the raw body. */
export function paymentWebhook(services: Services) {
  return (req: Request, res: Response, next: NextFunction) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('stripe-signature') ?? req.get('sandbox-signature');
    services.flows.providerWebhook.handle(body, signature).then(
      (result) => res.json({ received: true, result }),
      (error: unknown) =>
        next(error instanceof ProviderError ? new Problem(400, 'webhook-signature', 'Bad webhook', 'The signature does not match this body.') : error),
    );
  };
}
