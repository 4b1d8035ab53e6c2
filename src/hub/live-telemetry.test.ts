/**
 * @module A restarted hub's rolling window: the records from before its start are read from storage once and held
 * with those it ingests, so its real-time runs read memory from the first one on (a run that waited its turn too),
 * and equal the raw records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, telemetry, testRegistry } from './test-support.ts';
import { createToken } from './auth/tokens.ts';
import { openStorage } from '../storage/open.ts';
import { evaluate, memorySource } from '../engine/evaluate.ts';
import type { RecordQuery, Storage, StoredRecord } from '../storage/types.ts';
import type { IndicatorValue } from '../model/values.ts';
import type { ParsedRecord } from '../model/records.ts';
import { LiveTelemetry } from './live-telemetry.ts';
import { Turns } from '../engine/turns.ts';
import { Accumulation } from '../records/merge.ts';
import { defaultCatalog } from '../catalog/load.ts';

const MIN = 60_000;
const TZ = 'Asia/Shanghai';

const key = (v: IndicatorValue) => `${v.level}/${v.code}/${v.indicator}`;
const close = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

test('a restarted hub reads the window from before its start once, then from memory, equal to the raw records', async () => {
  const start = Date.UTC(2026, 10, 3, 2, 40, 30); // 10:40:30 in Shanghai
  let nowMs = start;
  const registry = testRegistry();
  const inner = await openStorage({ kind: 'sqlite', path: ':memory:' });
  // Forty minutes of every center's one-minute records, stored before the hub starts.
  const before: StoredRecord[] = [];
  for (let t = start - 40 * MIN - 30_000; t < start - 30_000; t += MIN)
    for (const c of registry.centers) {
      const r = telemetry(c.id, t, 1 + ((t / MIN) % 7));
      before.push({
        center: c.id,
        province: c.province,
        startMs: t,
        endMs: t + MIN,
        source: 'telemetry',
        metrics: r.metrics as Record<string, number>,
      });
    }
  await inner.writeRecords(before);
  // Telemetry reads of the last two hours (year-earlier comparisons read other windows).
  const reads: RecordQuery[] = [];
  const storage = new Proxy(inner, {
    get(target, name) {
      if (name === 'queryRecords')
        return (q: RecordQuery) => {
          if (q.source === 'telemetry' && q.toMs > start - 2 * 3_600_000) reads.push(q);
          return target.queryRecords(q);
        };
      const v = Reflect.get(target, name) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Storage;
  const hub = await startTestHub({
    storage,
    registry,
    now: () => nowMs,
    config: { timezone: TZ, engine: { refresh_on_ingest_ms: 0 } },
  });
  try {
    const minutes = hub.ctx.config.engine.realtime_minutes;
    const fromRaw = async (toMs: number) => {
      const records = await inner.queryRecords({ fromMs: 0, toMs: Date.parse('2100-01-01'), source: 'telemetry' });
      return evaluate({
        catalog: hub.ctx.catalog,
        registry,
        window: { fromMs: toMs - minutes * MIN, toMs },
        source: memorySource(records),
        tz: TZ,
      });
    };
    const assertRaw = async (label: string) => {
      const got = hub.ctx.engine.latestRealtime!;
      const want = new Map((await fromRaw(got.window.toMs)).map((v) => [key(v), v]));
      assert.equal(got.values.length, want.size, label);
      for (const v of got.values) {
        const w = want.get(key(v))!;
        assert.ok(close(v.value, w.value), `${label} ${key(v)}: ${v.value} held, ${w.value} from raw`);
      }
      assert.ok(
        got.values.some((v) => v.indicator === 'pue' && v.value !== null),
        `${label}: some PUE`,
      );
    };

    await hub.ctx.engine.runRealtime();
    // Once, a few minutes at a time, each read following the last, up to the start: later records are ingested.
    const loadReads = reads.length;
    assert.ok(loadReads >= 1, 'the first run reads the window from before the start');
    reads.slice(1).forEach((q, i) => assert.equal(q.fromMs, reads[i]!.toMs, 'each read follows the last'));
    assert.equal(reads.at(-1)!.toMs, start, 'up to the start: later records are ingested');
    await assertRaw('first run');

    // A record pushed after the start, and the clock on: later runs read no telemetry from storage.
    const token = createToken(hub.ctx.state, 'agent:gz-01').token;
    const res = await hub.call('POST', '/api/v1/records', {
      token,
      json: { records: [telemetry('gz-01', start - 30_000 + MIN, 3)] },
    });
    assert.equal(res.status, 200, res.text);
    nowMs += 2 * MIN;
    await hub.ctx.engine.runRealtime();
    nowMs += 5 * MIN;
    await hub.ctx.engine.runRealtime();
    assert.equal(reads.length, loadReads, 'later runs read memory');
    await assertRaw('a later run');

    // Every center pushes twenty more minutes; a run that waited its turn behind a long close asks for a window
    // that ended minutes ago, older than the span the hub keeps behind now: it still reads memory.
    for (const c of registry.centers) {
      const records = Array.from({ length: 20 }, (_, i) => telemetry(c.id, start - 30_000 + (i + 2) * MIN, 2));
      const token = createToken(hub.ctx.state, `agent:${c.id}`).token;
      const r = await hub.call('POST', '/api/v1/records', { token, json: { records } });
      assert.equal(r.status, 200, r.text);
    }
    nowMs = start + 27 * MIN;
    await hub.ctx.engine.runRealtime(start + 22 * MIN);
    assert.equal(reads.length, loadReads, 'a run that waited reads memory');
    await assertRaw('a run that waited');
  } finally {
    await hub.close();
  }
});

test('the rolling window is folded in slices: the event loop runs between them, and the fold is the same', async () => {
  const catalog = defaultCatalog();
  const t0 = Date.UTC(2026, 5, 10, 6, 0);
  const later = t0 + 10 * 60_000;
  const live = new LiveTelemetry({
    catalog,
    tz: 'Asia/Shanghai',
    spanMs: 16 * 60_000,
    maxIntervalMs: 15 * 60_000,
    now: () => later,
  });
  const records: ParsedRecord[] = testRegistry().centers.flatMap((c, i) =>
    Array.from({ length: 10 }, (_, m) => ({
      center: c.id,
      startMs: t0 + m * 60_000,
      endMs: t0 + (m + 1) * 60_000,
      source: 'telemetry' as const,
      metrics: { e_total_kwh: 100 + i + m, e_it_kwh: 80 + i, inlet_temp_c_mean: 20 + m / 10 },
    })),
  );
  live.load(records, t0 - 15 * 60_000);
  const w = { fromMs: t0, toMs: later };
  // A slice is due after every center: the fold must let an immediate queued before it run before it ends.
  class EveryCenter extends Turns {
    override due(): boolean {
      return true;
    }
  }
  let ran = false;
  setImmediate(() => (ran = true));
  const sliced = new Accumulation(catalog, w);
  const folding = live.fold(sliced, w.fromMs, w.toMs, new EveryCenter());
  assert.equal(ran, false);
  assert.equal(await folding, true);
  assert.equal(ran, true, 'the event loop ran during the fold');
  const whole = new Accumulation(catalog, w);
  for (const r of records) whole.add(r);
  assert.deepEqual(sliced.rollups(), whole.rollups());
});
