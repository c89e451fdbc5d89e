import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteBody } from '../test/fixtures.js';
import { bearer, registerDriver, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { FilePhotoStore, S3PhotoStore } from './photo-store.js';

// A local server speaking the S3 protocol, started here: the scaled mode's object store.
let s3: S3rver;
let endpoint: string;
const settings = () => ({ endpoint, region: 'us-east-1', bucket: 'voltshare-photos', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });

beforeAll(async () => {
  s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: mkdtempSync(path.join(tmpdir(), 'voltshare-s3-')),
    configureBuckets: [{ name: 'voltshare-photos', configs: [] }],
  });
  const { port } = (await s3.run()) as unknown as { port: number };
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(() => s3.close());

describe.each([
  ['files in the data directory', () => new FilePhotoStore(mkdtempSync(path.join(tmpdir(), 'voltshare-photos-')))],
  ['an S3-compatible object store', () => new S3PhotoStore(settings())],
])('the photo store on %s', (_name, make) => {
  it('puts, gets and deletes; an unknown key is undefined; keys a caller could shape are refused', async () => {
    const store = make();
    await store.put('net_a/pho_1/photo.webp', Buffer.from('image bytes'), 'image/webp');
    expect((await store.get('net_a/pho_1/photo.webp'))?.toString()).toBe('image bytes');
    expect(await store.get('net_a/pho_2/photo.webp')).toBeUndefined();
    await store.delete('net_a/pho_1/photo.webp');
    expect(await store.get('net_a/pho_1/photo.webp')).toBeUndefined();
    await expect(store.put('../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(/unsafe photo key/);
  });
});

describe('photos in scaled mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { S3_BUCKET: 'voltshare-photos', S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' });
  });
  afterAll(() => t.close());

  it('go to the object store and come back from it', async () => {
    const net = await signUpNetwork(t.http);
    const site = (await t.http.post('/v1/locations').set(bearer(net.accessToken)).send(siteBody('S3 Hub')).expect(201)).body.id;
    const driver = await registerDriver(t.http);
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#2a7' } })
      .jpeg()
      .toBuffer();
    const photo = await t.http.post(`/v1/locations/${site}/photos`).set(bearer(driver.accessToken)).set('content-type', 'image/jpeg').send(jpeg).expect(201);
    const stored = await new S3PhotoStore(settings()).get(`${net.networkId}/${photo.body.id}/photo.webp`);
    expect(stored && (await sharp(stored).metadata()).width).toBe(800);
    const served = await t.http.get(photo.body.thumbnail_url).buffer(true).expect(200);
    expect((await sharp(served.body as Buffer).metadata()).width).toBe(320);
  });
});
