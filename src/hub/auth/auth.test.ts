/** @module Failed authentications throttled per source address; token expiry, last use and rotation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startTestHub } from '../test-support.ts';
import { AuthFailures } from './middleware.ts';
import { authenticate, createToken, hashToken, rotateToken } from './tokens.ts';
import { StateDb } from '../state-db.ts';

test('300 random tokens from one address: 401 for the first 30, then 429 with Retry-After, also for a valid token', async () => {
  const hub = await startTestHub();
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await hub.call('GET', '/api/v1/catalog', { token: `dims_${randomBytes(32).toString('base64url')}` });
      statuses.push(r.status);
      if (r.status === 429) {
        assert.equal(r.body.error.code, 'DIMS_ERR_RATE_LIMITED');
        assert.ok(Number(r.headers.get('retry-after')) >= 1);
      }
    }
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
    // A minute boundary during the run lets at most one more window of 30 through.
    assert.ok(statuses.filter((s) => s === 401).length <= 60, `401s: ${statuses.filter((s) => s === 401).length}`);
    assert.ok(statuses.filter((s) => s === 429).length >= 240);
    // The address is refused before its token is looked at: guessing right does not tell.
    const valid = await hub.call('GET', '/api/v1/catalog', { scope: 'nation' });
    if (statuses.at(-1) === 429) assert.equal(valid.status, 429);
    const metrics = await hub.call('GET', '/metrics', { scope: 'nation' });
    assert.equal(metrics.status, 429, 'the address is still refused');
    const text = await hub.ctx.metrics.registry.metrics();
    assert.match(text, /dims_hub_auth_failures_total\{result="throttled"\} \d{3}/);
    assert.match(text, /dims_hub_auth_failures_total\{result="refused"\} [3-6]\d/);
  } finally {
    await hub.close();
  }
});

test('the failure window is per address and ends with the minute', () => {
  let now = Date.parse('2026-10-05T02:00:10Z');
  const throttled: string[] = [];
  const f = new AuthFailures(3, () => now);
  f.onThrottle = (a) => throttled.push(a);
  for (let i = 0; i < 3; i++) f.fail('10.0.0.1');
  assert.equal(f.blockedFor('10.0.0.1'), 50);
  assert.equal(f.blockedFor('10.0.0.2'), 0, 'another address is not affected');
  assert.deepEqual(throttled, ['10.0.0.1']);
  now += 50_000;
  assert.equal(f.blockedFor('10.0.0.1'), 0, 'a new minute starts afresh');
});

test('an expired token is refused; last_used_at is recorded; rotation keeps the old token for its grace period', async () => {
  const now = Date.parse('2026-10-05T02:00:00Z');
  let clock = now;
  const hub = await startTestHub({ now: () => clock });
  try {
    const short = createToken(hub.ctx.state, 'nation', 'short-lived', now, now + 3_600_000);
    assert.equal((await hub.call('GET', '/api/v1/catalog', { token: short.token })).status, 200);
    assert.equal(hub.ctx.state.tokenById(short.id)!.last_used_at, now);
    clock = now + 3_600_000;
    const expired = await hub.call('GET', '/api/v1/catalog', { token: short.token });
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /expired/);

    clock = now;
    const agent = createToken(hub.ctx.state, 'agent:gz-01', 'gz-01 agent', now);
    const rotated = rotateToken(hub.ctx.state, agent.id, 600_000, now);
    assert.equal(rotated.scope, 'agent:gz-01');
    assert.equal(rotated.name, 'gz-01 agent');
    assert.equal(rotated.oldExpiresAt, now + 600_000);
    for (const t of [agent.token, rotated.token])
      assert.equal((await hub.call('GET', '/api/v1/admin/status', { token: t })).status, 403, 'both authenticate');
    clock = now + 600_000;
    assert.equal((await hub.call('GET', '/api/v1/admin/status', { token: agent.token })).status, 401);
    assert.equal((await hub.call('GET', '/api/v1/admin/status', { token: rotated.token })).status, 403);
    assert.throws(() => rotateToken(hub.ctx.state, agent.id, 0, clock), /no active token/);
  } finally {
    await hub.close();
  }
});

test('a state database made before tokens could expire gains the column and keeps its tokens', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-state-'));
  try {
    const file = path.join(dir, 'state.db');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL, revoked_at INTEGER, last_used_at INTEGER)`);
    old
      .prepare('INSERT INTO tokens (id, name, scope, hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run('a1', 'old', 'nation', hashToken('dims_old'), 1);
    old.close();
    const db = new StateDb(file);
    assert.equal(db.tokenById('a1')!.expires_at, null);
    assert.ok(authenticate(db, 'dims_old', Date.parse('2099-01-01T00:00:00Z')));
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
