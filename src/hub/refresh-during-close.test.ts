/**
 * @module A refresh of the rolling window asked for while a period closes waits for the close to end, then runs;
 * the minute's own real-time run is not held back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultyStorage, startTestHub } from './test-support.ts';
import { openStorage } from '../storage/open.ts';
import { periodWindow, previousPeriod, periodName } from '../model/periods.ts';
import type { RecordQuery } from '../storage/types.ts';

const TZ = 'Asia/Shanghai';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A hub whose close of yesterday waits at its read of the day's raw records until `release()`; `reached` resolves
 * once the close is there.
 */
async function hubWithGatedClose() {
  const nowMs = Date.UTC(2026, 5, 10, 6, 30);
  const day = previousPeriod('day', periodName('day', nowMs, TZ), TZ);
  const dw = periodWindow('day', day, TZ);
  const storage = faultyStorage(await openStorage({ kind: 'sqlite', path: ':memory:' }));
  const gate = Promise.withResolvers<void>();
  const reached = Promise.withResolvers<void>();
  const query = storage.queryRecords;
  storage.queryRecords = async (q: RecordQuery) => {
    if (q.source === 'telemetry' && q.fromMs < dw.toMs && q.toMs > dw.fromMs) {
      reached.resolve();
      await gate.promise;
    }
    return query(q);
  };
  const hub = await startTestHub({ storage, now: () => nowMs, config: { timezone: TZ } });
  return { hub, nowMs, day, reached: reached.promise, release: () => gate.resolve() };
}

test('an ingest refresh asked for during a close runs after it, not during it', async (t) => {
  const { hub, day, reached, release } = await hubWithGatedClose();
  t.after(() => hub.close());
  const engine = hub.ctx.engine;
  let refreshes = 0;
  const runRealtime = engine.runRealtime.bind(engine);
  engine.runRealtime = (endMs?: number) => {
    refreshes++;
    return runRealtime(endMs);
  };

  const close = engine.runPeriod('day', day);
  await reached;
  engine.requestRealtime(20);
  await sleep(300);
  assert.equal(refreshes, 0, 'no refresh runs while the day closes');

  release();
  const r = await close;
  assert.equal(r.period, day);
  await sleep(300);
  assert.equal(refreshes, 1, 'the refresh asked for during the close runs once it has ended');

  // With no period running, a refresh runs on its own delay.
  engine.requestRealtime(20);
  await sleep(300);
  assert.equal(refreshes, 2);
});

test("the minute's real-time run goes through while a period closes", async (t) => {
  const { hub, nowMs, day, reached, release } = await hubWithGatedClose();
  t.after(() => hub.close());
  const close = hub.ctx.engine.runPeriod('day', day);
  await reached;
  const rt = await hub.ctx.engine.runRealtime(nowMs);
  assert.equal(rt.kind, 'realtime');
  release();
  await close;
});
