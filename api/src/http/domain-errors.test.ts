import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { fail } from '../shared/errors.js';
import { errorHandler } from './errors.js';

/** An app whose one route throws what it is given, answered by the platform's error handler. */
function throwing(error: Error) {
  const app = express();
  app.use(express.json());
  app.all('/things/:id', () => {
    throw error;
  });
  app.use(errorHandler);
  return request(app);
}

describe('domain errors as problem+json', () => {
  it('names a body field with its place in the request', async () => {
    const res = await throwing(fail.invalid([{ field: 'scopes[1]', message: 'is not a scope' }]))
      .post('/things/1')
      .send({ scopes: ['a', 'b'] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://voltshare.dev/problems/validation-error',
      title: 'Validation failed',
      errors: [{ field: 'body.scopes[1]', message: 'is not a scope' }],
    });
  });

  it('names a query field for a read, and keeps a field that already says where it is', async () => {
    const read = await throwing(fail.invalid([{ field: 'to', message: 'must be after from' }])).get('/things/1?from=x&to=y');
    expect(read.body.errors).toEqual([{ field: 'query.to', message: 'must be after from' }]);
    const placed = await throwing(fail.invalid([{ field: 'header.Idempotency-Key', message: 'too long' }]))
      .post('/things/1')
      .send({});
    expect(placed.body.errors).toEqual([{ field: 'header.Idempotency-Key', message: 'too long' }]);
  });

  it('maps each kind to its status, with the rule as the type and its data as extensions', async () => {
    expect((await throwing(fail.notFound('EVSE', 'evse_1')).get('/things/1')).body).toMatchObject({ status: 404, detail: 'No EVSE with id evse_1.' });
    expect((await throwing(fail.conflict('Taken.', 'slot-taken')).post('/things/1')).body).toMatchObject({
      status: 409,
      type: 'https://voltshare.dev/problems/slot-taken',
    });
    const unpaid = await throwing(fail.paymentRequired('unpaid-fees', 'Pay first.', { fees: [{ id: 'fee_1' }] })).post('/things/1');
    expect(unpaid.body).toMatchObject({ status: 402, title: 'Unpaid fees', fees: [{ id: 'fee_1' }] });
    const anonymous = await throwing(fail.unauthenticated()).get('/things/1');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/Bearer/);
    expect((await throwing(fail.timeout('charge-point-timeout', 'No answer.')).post('/things/1')).status).toBe(504);
  });
});
