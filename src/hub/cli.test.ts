/** @module `dims hub token create | list | revoke` and `dims hub check` as a user runs them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StateDb } from './state-db.ts';
import { authenticate, hashToken } from './auth/tokens.ts';

const MAIN = new URL('../cli/main.ts', import.meta.url).pathname;
const dims = (...args: string[]) =>
  spawnSync(process.execPath, [MAIN, 'hub', ...args], { encoding: 'utf8', timeout: 60_000 });

test('token create prints the secret once and stores only its hash; list and revoke work', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-tok-'));
  const db = path.join(dir, 'state.db');
  try {
    const c = dims('token', 'create', '--scope', 'province:52', '--name', 'guizhou bureau', '--state-db', db, '--json');
    assert.equal(c.status, 0, c.stderr);
    const t = JSON.parse(c.stdout) as { id: string; token: string; scope: string };
    assert.match(t.token, /^dims_[A-Za-z0-9_-]{43}$/);
    const state = new StateDb(db);
    const row = state.listTokens()[0]!;
    assert.equal(row.hash, hashToken(t.token));
    assert.ok(!JSON.stringify(state.listTokens()).includes(t.token), 'the secret is not stored');
    assert.deepEqual(authenticate(state, t.token)?.scope, { kind: 'province', province: '52' });
    state.close();
    const l = dims('token', 'list', '--state-db', db);
    assert.match(l.stdout, new RegExp(`${t.id}\\s+province:52\\s+guizhou bureau`));
    assert.ok(!l.stdout.includes(t.token));
    assert.equal(dims('token', 'revoke', t.id, '--state-db', db).status, 0);
    const again = new StateDb(db);
    assert.equal(authenticate(again, t.token), undefined);
    again.close();
    assert.equal(dims('token', 'revoke', t.id, '--state-db', db).status, 1);
    const bad = dims('token', 'create', '--scope', 'province:5', '--state-db', db);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /province must be a two-digit GB\/T 2260 code \(got "5"\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('token create --expires-in, token rotate --grace and list show expiry and last use', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-tok-'));
  const db = path.join(dir, 'state.db');
  try {
    const c = dims('token', 'create', '--scope', 'agent:gz-01', '--expires-in', '90d', '--state-db', db, '--json');
    assert.equal(c.status, 0, c.stderr);
    const t = JSON.parse(c.stdout) as { id: string; token: string; expiresAt: number };
    assert.ok(Math.abs(t.expiresAt - (Date.now() + 90 * 86_400_000)) < 60_000);
    const r = dims('token', 'rotate', t.id, '--grace', '1h', '--state-db', db);
    assert.equal(r.status, 0, r.stderr);
    const fresh = /token: (dims_\S+)/.exec(r.stdout)![1]!;
    assert.match(r.stderr, new RegExp(`Token ${t.id} keeps working until \\d{4}-`));
    const state = new StateDb(db);
    const now = Date.now();
    assert.deepEqual(authenticate(state, fresh, now)?.scope, { kind: 'agent', center: 'gz-01' });
    assert.ok(authenticate(state, t.token, now + 3_000_000), 'the old token works during the grace period');
    assert.equal(authenticate(state, t.token, now + 3_700_000), undefined, 'and not after it');
    state.close();
    const l = dims('token', 'list', '--state-db', db);
    assert.match(l.stdout, new RegExp(`${t.id}\\s+agent:gz-01 .* last used never  expires \\d{4}-`));
    const bad = dims('token', 'create', '--scope', 'nation', '--expires-in', 'soon', '--state-db', db);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--expires-in must be a duration like 30m, 12h or 90d \(got "soon"\)/);
    assert.equal(dims('token', 'rotate', 'nope', '--state-db', db).status, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hub check validates the sample config', () => {
  const r = dims('check', '--config', new URL('./hub.sample.yaml', import.meta.url).pathname);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ok \(national, storage sqlite, listen 127\.0\.0\.1:8470\)/);
});
