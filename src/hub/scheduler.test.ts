/** @module Scheduler: closes due periods from checkpoints, resumes after a restart, recomputes periods late records touch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHub, telemetry } from './test-support.ts';
import { Scheduler } from './scheduler.ts';

const H10 = Date.parse('2026-10-05T02:00:00Z'); // 10:00 Asia/Shanghai

test('closes due periods, advances checkpoints, resumes after restart and recomputes dirty periods', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-sched-'));
  let now = H10 + 5 * 60_000; // 10:05: hour 09 is closed
  const stateFile = path.join(dir, 'state.db');
  const dataFile = path.join(dir, 'data.db');
  const cfg = {
    storage: { kind: 'sqlite', path: dataFile },
    engine: { kinds: ['hour', 'day'], close_delay_minutes: 2 },
  };
  try {
    const { openStorage } = await import('../storage/open.ts');
    let hub = await startTestHub({
      now: () => now,
      stateFile,
      storage: await openStorage({ kind: 'sqlite', path: dataFile }),
      config: cfg,
    });
    let s = new Scheduler(hub.ctx);
    const first = await s.closeDue();
    assert.deepEqual(first.closed, [
      { kind: 'hour', period: '2026-10-05T09' },
      { kind: 'day', period: '2026-10-04' },
    ]);
    assert.deepEqual((await s.closeDue()).closed, [], 'nothing more is due');

    // Records for hour 10 arrive while it is open: no dirty marks.
    const push = (t: number) =>
      hub.call('POST', '/api/v1/records', { scope: 'agent:gz-01', json: { records: [telemetry('gz-01', t, 1, 10)] } });
    assert.equal((await push(H10)).status, 200);
    assert.deepEqual(hub.ctx.state.dirtyPeriods(), []);
    await hub.close();

    // Restart 3 hours later: hours 10, 11, 12 closed while down are computed, in order.
    now = H10 + 3 * 3_600_000 + 3 * 60_000;
    hub = await startTestHub({
      now: () => now,
      stateFile,
      storage: await openStorage({ kind: 'sqlite', path: dataFile }),
      config: cfg,
    });
    s = new Scheduler(hub.ctx);
    const resumed = await s.closeDue();
    assert.deepEqual(
      resumed.closed.map((c) => c.period),
      ['2026-10-05T10', '2026-10-05T11', '2026-10-05T12'],
    );
    const v10 = await hub.ctx.storage.queryValues({
      period_kind: 'hour',
      period: '2026-10-05T10',
      level: 'center',
      codes: ['gz-01'],
      indicators: ['pue'],
    });
    assert.equal(v10.length, 1);
    assert.ok(Math.abs(v10[0]!.value! - 1.25) < 1e-9, `PUE ${v10[0]!.value}`);

    // A late record for hour 10 marks it dirty; the next pass recomputes it with the new data.
    const late = telemetry('gz-01', H10 + 10 * 60_000, 1, 10);
    late.metrics.e_total_kwh = (4800 / 6) * 2; // PUE 2 for this interval
    assert.equal(
      (await hub.call('POST', '/api/v1/records', { scope: 'agent:gz-01', json: { records: [late] } })).status,
      200,
    );
    assert.deepEqual(
      hub.ctx.state.dirtyPeriods().map((d) => `${d.kind}/${d.period}`),
      ['hour/2026-10-05T10'],
    );
    const again = await s.recomputeDirty();
    assert.deepEqual(again, [{ kind: 'hour', period: '2026-10-05T10' }]);
    assert.deepEqual(hub.ctx.state.dirtyPeriods(), []);
    const after = await hub.ctx.storage.queryValues({
      period_kind: 'hour',
      period: '2026-10-05T10',
      level: 'center',
      codes: ['gz-01'],
      indicators: ['pue'],
    });
    assert.ok(after[0]!.value! > 1.5, `recomputed PUE ${after[0]!.value}`);

    // The real-time window feeds the gauges.
    const rt = await s.minute(H10 + 20 * 60_000);
    assert.equal(rt.realtime, '2026-10-05T02:20:00.000Z');
    const m = await hub.call('GET', '/metrics', { scope: 'nation' });
    assert.match(
      m.text,
      /dims_indicator_value\{level="center",province="52",center="gz-01",indicator="pue",dimension="C"\} 1\.\d+/,
    );
    assert.match(m.text, /dims_indicator_value\{level="nation",province="",center="",indicator="pue",dimension="C"\}/);
    assert.match(m.text, /dims_hub_engine_last_run_timestamp_seconds\{kind="hour"\}/);
    await hub.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('catch-up after a long stop is bounded by max_catch_up', async () => {
  let now = H10 + 5 * 60_000;
  const hub = await startTestHub({ now: () => now, config: { engine: { kinds: ['hour'], max_catch_up: 3 } } });
  try {
    const s = new Scheduler(hub.ctx);
    await s.closeDue();
    now += 10 * 3_600_000;
    const r = await s.closeDue();
    assert.deepEqual(
      r.closed.map((c) => c.period),
      ['2026-10-05T17', '2026-10-05T18', '2026-10-05T19'],
    );
  } finally {
    await hub.close();
  }
});

test('the schedule runs on the hub clock: a minute tick at its minute boundary, closes the close delay after its hour', async () => {
  // A clock years from the wall clock, 2 s before 10:02 Asia/Shanghai (close delay 2 minutes).
  const wall0 = Date.now();
  const base = H10 + 2 * 60_000 - 2000;
  const hub = await startTestHub({
    now: () => base + (Date.now() - wall0),
    config: { engine: { kinds: ['hour'], close_delay_minutes: 2 } },
  });
  const s = new Scheduler(hub.ctx);
  try {
    s.start();
    const until = async (what: string, ok: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!ok()) {
        assert.ok(Date.now() < deadline, what);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // The catch-up at start: 10:01:58 minus the delay is in hour 09, so hour 08 is the newest closed.
    await until('the catch-up at start', () => hub.ctx.state.checkpoint('hour') !== undefined);
    if (hub.ctx.now() < H10 + 2 * 60_000) assert.equal(hub.ctx.state.checkpoint('hour'), '2026-10-05T08');
    await until('hour 09 closed at 10:02 on the hub clock', () => hub.ctx.state.checkpoint('hour') === '2026-10-05T09');
    await until(
      'the real-time window at 10:02',
      () => hub.ctx.engine.latestRealtime?.period === '2026-10-05T02:02:00.000Z',
    );
  } finally {
    await s.stop();
    await hub.close();
  }
});
