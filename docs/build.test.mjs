import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { brokenLinks } from './build.mjs';

test('the guides have no broken relative links', () => {
  assert.deepEqual(brokenLinks(), []);
});

test('a broken link is reported', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docs-'));
  writeFileSync(path.join(dir, 'a.md'), '[ok](a.md) [gone](missing.md) [web](https://example.com)');
  assert.deepEqual(brokenLinks(dir), ['a.md -> missing.md']);
});
