import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, readPrivateJson, writePrivateJson } from '../../src/cache/file-store.js';

const scratch = (t: { after(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-auth-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

test('writes 0600 files in a 0700 folder, atomically (no temp file left)', (t) => {
  const dir = join(scratch(t), 'a', 'b');
  writePrivateJson(dir, 'x.json', { v: 1 });
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'x.json')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['x.json']);
  assert.deepEqual(readPrivateJson(join(dir, 'x.json')), { v: 1 });
});

test('tightens an existing folder that others could read', (t) => {
  const dir = scratch(t);
  chmodSync(dir, 0o755);
  writePrivateJson(dir, 'x.json', {});
  assert.equal(statSync(dir).mode & 0o777, 0o700);
});

test('corrupt, truncated, missing and group-readable files read as nothing', (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'corrupt.json'), 'not json', { mode: 0o600 });
  writeFileSync(join(dir, 'truncated.json'), '{"version":1,"tok', { mode: 0o600 });
  writeFileSync(join(dir, 'shared.json'), '{"version":1}', { mode: 0o644 });
  for (const name of ['corrupt.json', 'truncated.json', 'shared.json', 'missing.json']) assert.equal(readPrivateJson(join(dir, name)), undefined, name);
});

test('lock: one holder at a time; waiting ends with no lock; a stale lock is taken over', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'k.lock');
  const release = await acquireLock(path, { waitMs: 0, staleMs: 60_000 });
  assert.ok(release);
  const started = Date.now();
  assert.equal(await acquireLock(path, { waitMs: 200, staleMs: 60_000 }), undefined);
  assert.ok(Date.now() - started >= 150, 'it waited');
  assert.equal(await acquireLock(path, { waitMs: 1000, staleMs: 60_000, onWait: () => true }), undefined, 'onWait can end the wait early');
  const old = new Date(Date.now() - 120_000);
  utimesSync(path, old, old);
  const takeover = await acquireLock(path, { waitMs: 0, staleMs: 60_000 });
  assert.ok(takeover, 'a lock older than staleMs is taken over');
  takeover!();
  assert.equal(existsSync(path), false);
  release!();
});
