import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { type Backend, backends, bearer, registerDriver, type SignedUpNetwork, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';

describe.each(backends())('station reviews on %s', (backend: Backend) => {
  let t: TestApp;
  let net: SignedUpNetwork;
  let other: SignedUpNetwork;
  let site: string;
  let hidden: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await startTestApp(backend);
    net = await signUpNetwork(t.http, 'Reviewed Network');
    other = await signUpNetwork(t.http, 'Other Network');
    site = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('Reviewed Hub')).expect(201)).body.id;
    hidden = (
      await t.http
        .post('/v1/locations')
        .set(bearer(net.accessToken))
        .send({ ...siteBody('Depot'), publish: false })
        .expect(201)
    ).body.id;
    alice = (await registerDriver(t.http)).accessToken;
    bob = (await registerDriver(t.http)).accessToken;
  });
  afterAll(() => t.close());

  it('lets drivers rate a station once each, replacing their review when they write again, and sums it up on the detail', async () => {
    const none = await t.http.get(`/v1/locations/${site}`).set(bearer(alice)).expect(200);
    expect(none.body.reviews).toEqual({ count: 0, average_rating: null });

    const first = await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(alice)).send({ rating: 4, comment: '  Fast and clean.  ' }).expect(201);
    expect(first.body).toMatchObject({ location_id: site, rating: 4, comment: 'Fast and clean.' });
    expect(first.body.id).toMatch(/^rev_/);
    expect(first.body).not.toHaveProperty('driver_id');
    await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(bob)).send({ rating: 5 }).expect(201);
    // Alice changes her mind: the same review, new rating.
    const again = await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(alice)).send({ rating: 2, comment: 'Broken today.' }).expect(200);
    expect(again.body.id).toBe(first.body.id);

    const detail = await t.http.get(`/v1/locations/${site}`).set(bearer(bob)).expect(200);
    expect(detail.body.reviews).toEqual({ count: 2, average_rating: 3.5 });
    const list = await t.http.get(`/v1/locations/${site}/reviews?limit=1`).set(bearer(net.accessToken)).expect(200);
    expect(list.body.data).toHaveLength(1);
    const rest = await t.http.get(`/v1/locations/${site}/reviews?limit=1&cursor=${list.body.next_cursor}`).set(bearer(bob)).expect(200);
    expect([...list.body.data, ...rest.body.data].map((r: { rating: number }) => r.rating).sort()).toEqual([2, 5]);
    expect(rest.body.next_cursor).toBeNull();

    await t.http.delete(`/v1/locations/${site}/reviews/mine`).set(bearer(bob)).expect(204);
    await t.http.delete(`/v1/locations/${site}/reviews/mine`).set(bearer(bob)).expect(404);
    expect((await t.http.get(`/v1/locations/${site}`).set(bearer(bob)).expect(200)).body.reviews).toEqual({ count: 1, average_rating: 2 });
  });

  it('refuses bad reviews with field errors and writes nothing', async () => {
    const driver = (await registerDriver(t.http)).accessToken;
    for (const [body, field] of [
      [{ rating: 0 }, 'body.rating'],
      [{ rating: 6 }, 'body.rating'],
      [{ rating: 3.5 }, 'body.rating'],
      [{ comment: 'no stars' }, 'body.rating'],
      [{ rating: 3, comment: 'x'.repeat(2001) }, 'body.comment'],
      [{ rating: 3, driver_id: 'usr_someone_else' }, 'body.driver_id'],
    ] as const) {
      const res = await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(driver)).send(body).expect(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await t.http.get(`/v1/locations/${site}`).set(bearer(driver)).expect(200)).body.reviews.count).toBe(1);
  });

  it('hides what the caller may not see, and only drivers write reviews', async () => {
    // An unpublished site cannot be reviewed or read by drivers; its network sees it.
    await t.http.put(`/v1/locations/${hidden}/reviews/mine`).set(bearer(alice)).send({ rating: 5 }).expect(404);
    await t.http.get(`/v1/locations/${hidden}/reviews`).set(bearer(alice)).expect(404);
    await t.http.get(`/v1/locations/${hidden}/reviews`).set(bearer(net.accessToken)).expect(200);
    await t.http.put(`/v1/locations/nope/reviews/mine`).set(bearer(alice)).send({ rating: 5 }).expect(404);
    // Staff are not drivers.
    await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(net.accessToken)).send({ rating: 5 }).expect(403);
    await t.http.get(`/v1/locations/${site}/reviews`).expect(401);
  });

  it("lets the location's network remove a review, and no other network", async () => {
    const driver = (await registerDriver(t.http)).accessToken;
    const review = (await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(driver)).send({ rating: 1, comment: 'spam spam' }).expect(201)).body;
    await t.http.delete(`/v1/reviews/${review.id}`).set(bearer(other.accessToken)).expect(404);
    await t.http.delete(`/v1/reviews/${review.id}`).set(bearer(driver)).expect(403);
    const before = (await t.http.get(`/v1/locations/${site}/reviews`).set(bearer(driver)).expect(200)).body.data.length;
    await t.http.delete(`/v1/reviews/${review.id}`).set(bearer(net.accessToken)).expect(204);
    const after = (await t.http.get(`/v1/locations/${site}/reviews`).set(bearer(driver)).expect(200)).body.data;
    expect(after).toHaveLength(before - 1);
    expect(after.map((r: { id: string }) => r.id)).not.toContain(review.id);
  });

  it('lists the network’s reviews for moderation, lowest ratings on request, and none of another network', async () => {
    const driver = (await registerDriver(t.http)).accessToken;
    const low = (await t.http.put(`/v1/locations/${site}/reviews/mine`).set(bearer(driver)).send({ rating: 2, comment: 'slow' }).expect(201)).body;
    const all = (await t.http.get('/v1/network/reviews?limit=100').set(bearer(net.accessToken)).expect(200)).body.data;
    expect(all.map((r: { id: string }) => r.id)).toContain(low.id);
    const lows = (await t.http.get('/v1/network/reviews?max_rating=2&limit=100').set(bearer(net.accessToken)).expect(200)).body.data;
    expect(lows.length).toBeGreaterThan(0);
    expect(lows.every((r: { rating: number }) => r.rating <= 2)).toBe(true);
    const others = (await t.http.get('/v1/network/reviews?limit=100').set(bearer(other.accessToken)).expect(200)).body.data;
    expect(others.map((r: { id: string }) => r.id)).not.toContain(low.id);
    const bad = await t.http.get('/v1/network/reviews?max_rating=9').set(bearer(net.accessToken)).expect(422);
    expect(bad.body.errors[0].field).toBe('query.max_rating');
    await t.http.get('/v1/network/reviews').set(bearer(driver)).expect(403);
  });
});
