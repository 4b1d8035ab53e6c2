/**
 * @module Reliability: InfluxDB stopped while agents push (503, agents keep their records, every record
 * stored exactly once after InfluxDB returns), and a hub process killed with SIGKILL loses no accepted record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startInfluxd } from '../support/influxd.ts';
import { parseConfig } from '../../src/hub/config.ts';
import { startHub } from '../../src/hub/server.ts';
import { createToken } from '../../src/hub/auth/tokens.ts';
import { StateDb } from '../../src/hub/state-db.ts';
import { openStorage } from '../../src/storage/open.ts';
import { CENTERS, recordsFor, tempDir, writeRegistry, writeSqliteHubConfig, TestAgent } from './hub-support.ts';

const H = Date.parse('2026-10-05T02:00:00Z');

test('InfluxDB stopped while agents push: 503, records kept by the agents, then stored exactly once', async () => {
  const dir = tempDir('dims-rel-');
  const influx = await startInfluxd({ database: 'dims_rel' });
  let hub: Awaited<ReturnType<typeof startHub>> | undefined;
  try {
    const registry = writeRegistry(dir, 'reg.yaml', CENTERS);
    const config = parseConfig(
      {
        registry,
        listen: { port: 0 },
        state_db: path.join(dir, 'state.db'),
        engine: { enabled: false },
        // The records lie months before the wall clock: the raw retention policy must hold them.
        storage: {
          kind: 'influxdb',
          url: influx.url,
          database: 'dims_rel',
          requestTimeoutMs: 3000,
          retention: { raw: 'INF' },
        },
      },
      'hub.yaml',
      dir,
    );
    hub = await startHub(config, { log: () => {}, scheduler: false });
    const agents = CENTERS.map((c) => {
      const a = new TestAgent(hub!.url, createToken(hub!.ctx.state, `agent:${c.id}`).token);
      a.queue(recordsFor([c.id], H, 90));
      return a;
    });
    // Phase 1: a third of the records arrive while InfluxDB is up.
    for (const a of agents) assert.equal(await a.pushOnce(30), 200);
    await influx.stop();
    // Phase 2: InfluxDB is down: every push answers 503 and the agents keep their records.
    for (const a of agents) {
      const before = a.pending.length;
      assert.equal(await a.pushOnce(30), 503);
      assert.equal(a.pending.length, before);
    }
    const ready = await fetch(`${hub.url}/readyz`);
    assert.equal(ready.status, 503);
    await influx.restart();
    // Phase 3: agents retry until everything is accepted.
    for (const a of agents) {
      for (let i = 0; a.pending.length > 0 && i < 100; i++) {
        const s = await a.pushOnce(30);
        if (s !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(a.pending.length, 0);
    }
    assert.equal((await fetch(`${hub.url}/readyz`)).status, 200);
    const stored = await hub.ctx.storage.queryRecords({ fromMs: H - 3_600_000, toMs: H + 3 * 3_600_000 });
    assert.equal(stored.length, CENTERS.length * 90, 'every record stored');
    assert.equal(new Set(stored.map((r) => `${r.center}/${r.startMs}`)).size, stored.length, 'each exactly once');
  } finally {
    await hub?.close();
    await influx.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts `dims hub --config F` as a child process and resolves with its URL. */
function spawnHub(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [main, 'hub', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`hub did not start within 30 s\n${out}\n${err}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before listening\n${out}\n${err}`));
    });
  });
}

test('hub killed with SIGKILL while agents push, then restarted: no accepted record is lost', async () => {
  const dir = tempDir('dims-kill-');
  let child: ChildProcess | undefined;
  try {
    const registry = writeRegistry(dir, 'reg.yaml', CENTERS);
    const configFile = writeSqliteHubConfig(dir, registry, { engine: { enabled: true, kinds: ['hour'] } });
    const state = new StateDb(path.join(dir, 'state.db'));
    const tokens = CENTERS.map((c) => createToken(state, `agent:${c.id}`).token);
    state.close();
    const started = await spawnHub(configFile);
    child = started.child;
    const agents = CENTERS.map((c, i) => {
      const a = new TestAgent(started.url, tokens[i]!);
      a.queue(recordsFor([c.id], H, 600));
      return a;
    });
    // Push concurrently; kill the hub mid-stream.
    const pushing = Promise.all(
      agents.map(async (a) => {
        while (a.pending.length > 0) if ((await a.pushOnce(5)) !== 200) return;
      }),
    );
    while (agents.reduce((n, a) => n + a.accepted, 0) < 200) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await pushing;
    const acceptedBeforeKill = agents.reduce((n, a) => n + a.accepted, 0);
    assert.ok(acceptedBeforeKill > 0, 'some records were accepted before the kill');
    assert.ok(
      agents.some((a) => a.pending.length > 0),
      'the kill interrupted the stream',
    );
    // Every record acknowledged before the kill is in storage.
    const storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'data.db') });
    const afterKill = await storage.queryRecords({ fromMs: H - 3_600_000, toMs: H + 12 * 3_600_000 });
    await storage.close();
    assert.ok(afterKill.length >= acceptedBeforeKill, `stored ${afterKill.length} < accepted ${acceptedBeforeKill}`);
    // Restart; agents deliver the rest; all records are stored once.
    const restarted = await spawnHub(configFile);
    child = restarted.child;
    for (const a of agents) {
      (a as unknown as { url: string }).url = restarted.url;
      while (a.pending.length > 0) assert.equal(await a.pushOnce(25), 200);
    }
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    const final = await openStorage({ kind: 'sqlite', path: path.join(dir, 'data.db') });
    const all = await final.queryRecords({ fromMs: H - 3_600_000, toMs: H + 12 * 3_600_000 });
    await final.close();
    assert.equal(all.length, CENTERS.length * 600);
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
