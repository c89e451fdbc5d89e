import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig, openDatabase, startPlatform } from '@voltshare/api';
import { brokenLinks, buildSite } from './build.mjs';

test('the guides and concepts have no broken relative links', () => {
  assert.deepEqual(brokenLinks(), []);
});

test('a broken link is reported', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docs-'));
  writeFileSync(path.join(dir, 'a.md'), '[ok](a.md) [gone](missing.md) [web](https://example.com)');
  assert.deepEqual(brokenLinks(dir), ['a.md -> missing.md']);
});

describe('the built site, served by the API at /docs', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'docs-site-'));
  const spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@voltshare/api/openapi.json'), 'utf8'));
  let platform;
  let base;
  before(async () => {
    buildSite(out);
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'docs-test-secret-docs-test-secret-0123', DATA_DIR: out });
    platform = await startPlatform(config, await openDatabase({}), [], [{ path: '/docs', dir: out }]);
    base = platform.url;
  });
  after(() => platform?.stop());

  const get = async (route) => {
    const res = await fetch(`${base}${route}`);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  test('the quick start is the home page and links to every concept and guide', async () => {
    const home = await get('/docs/');
    assert.equal(home.status, 200);
    assert.match(home.type, /text\/html/);
    for (const page of ['concepts/networks.html', 'concepts/locations.html', 'concepts/sessions.html', 'concepts/bookings.html', 'concepts/payments.html']) {
      assert.ok(home.text.includes(`href="${page}"`), page);
      assert.equal((await get(`/docs/${page}`)).status, 200, page);
    }
    for (const guide of ['connect-a-charger', 'embed-the-widget', 'use-the-sdk', 'webhooks', 'open-data', 'running-scaled', 'privacy']) {
      assert.ok(home.text.includes(`href="guides/${guide}.html"`), guide);
      const page = await get(`/docs/guides/${guide}.html`);
      assert.equal(page.status, 200, guide);
      // Links between pages were rewritten to the served .html files.
      assert.doesNotMatch(page.text, /href="[^":]+\.md"/, guide);
    }
  });

  test('the reference documents every operation of the OpenAPI document', async () => {
    const reference = await get('/docs/reference.html');
    assert.equal(reference.status, 200);
    const operations = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    assert.ok(operations.length > 40);
    for (const id of operations) assert.ok(reference.text.includes(`id="op-${id}"`), id);
    for (const name of Object.keys(spec.components.schemas)) assert.ok(reference.text.includes(`id="schema-${name}"`), name);
    // Every schema link lands on a schema section.
    for (const [, target] of reference.text.matchAll(/href="#(schema-[^"]+)"/g)) assert.ok(reference.text.includes(`id="${target}"`), target);
  });

  test('the interactive reference stays at /docs/api', async () => {
    const interactive = await get('/docs/api/');
    assert.equal(interactive.status, 200);
    assert.match(interactive.text, /swagger-ui/);
  });
});
