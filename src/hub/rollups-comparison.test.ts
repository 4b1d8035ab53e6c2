/**
 * @module The year-earlier comparison of the rolling window, read from the day roll-ups that hold it (its hours are
 * past their retention): read from storage once and kept for the runs after it, equal to folding the stored
 * roll-ups pro rata, and read again once the day is built again (roll-ups recomputed or forwarded since).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultCatalog } from '../catalog/load.ts';
import { Accumulation } from '../records/merge.ts';
import { openStorage } from '../storage/open.ts';
import type { RollupQuery, Storage, StoredRollup } from '../storage/types.ts';
import { periodWindow } from '../model/periods.ts';
import { RollupKeeper } from './rollups.ts';
import { StateDb } from './state-db.ts';
import { testRegistry } from './test-support.ts';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const catalog = defaultCatalog();
const registry = testRegistry();
const DAY_AGO = '2025-11-03';

function dayRollups(scale: number): StoredRollup[] {
  const w = periodWindow('day', DAY_AGO, TZ);
  return registry.centers.map((c, i) => ({
    kind: 'day',
    center: c.id,
    province: c.province,
    startMs: w.fromMs,
    endMs: w.toMs,
    source: 'telemetry',
    metrics: { e_total_kwh: scale * (1000 + i), e_it_kwh: scale * (700 + i), t_inlet_mean_c: 20 + i },
    rollup: {
      aux: { t_inlet_mean_c: w.toMs - w.fromMs },
      records: 1440,
      coveredMs: w.toMs - w.fromMs,
      firstStartMs: w.fromMs,
      lastEndMs: w.toMs,
    },
  }));
}

/** What the comparison of [fromMs, toMs) must be: the stored day roll-ups folded pro rata. */
async function expected(storage: Storage, fromMs: number, toMs: number) {
  const w = periodWindow('day', DAY_AGO, TZ);
  const acc = new Accumulation(catalog, { fromMs, toMs });
  for (const r of await storage.queryRollups({ kind: 'day', fromMs: w.fromMs, toMs: w.toMs })) acc.add(r);
  return acc.rollups();
}

test('the rolling window compares with day roll-ups read once, and read again after the day is built again', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dims-comparison-'));
  const inner = await openStorage({ kind: 'sqlite', path: ':memory:' });
  const state = new StateDb(path.join(dir, 'state.db'));
  const reads: RollupQuery[] = [];
  const storage = new Proxy(inner, {
    get(target, name) {
      if (name === 'queryRollups' || name === 'rollupPages' || name === 'packedRollupPages')
        return (q: RollupQuery, ...rest: unknown[]) => {
          reads.push(q);
          return (target[name] as (...a: unknown[]) => unknown).call(target, q, ...rest);
        };
      const v = Reflect.get(target, name) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Storage;
  try {
    // A year later, at 10:40 in Shanghai: the day a year back is past the hour roll-ups' retention.
    let nowMs = Date.parse('2026-11-03T10:40:00+08:00');
    const keeper = new RollupKeeper({
      catalog,
      registry,
      storage,
      state,
      tz: TZ,
      maxIntervalMs: 15 * MIN,
      now: () => nowMs,
    });
    await inner.writeRollups(dayRollups(1));
    state.finishRollup('day', DAY_AGO, state.beginRollups('day', [DAY_AGO]).get(DAY_AGO)!);

    const yearAgo = (ms: number) => ms - 365 * 86_400_000;
    const window = (endMs: number) => ({ fromMs: yearAgo(endMs) - 15 * MIN, toMs: yearAgo(endMs) });
    let w = window(nowMs);
    assert.deepEqual(await keeper.telemetry(w.fromMs, w.toMs), await expected(inner, w.fromMs, w.toMs));
    assert.equal(reads.length, 1, 'the first run reads the day');
    for (let i = 1; i <= 3; i++) {
      nowMs += MIN;
      w = window(nowMs);
      assert.deepEqual(await keeper.telemetry(w.fromMs, w.toMs), await expected(inner, w.fromMs, w.toMs));
    }
    assert.equal(reads.length, 1, 'later runs read it from memory');

    // The day is recomputed (a late filing of its roll-ups, forwarded ones): marked stale, then built again. The
    // stored roll-ups are now others, and the comparison follows them.
    state.markRollupsStale([{ kind: 'day', period: DAY_AGO }]);
    await inner.writeRollups(dayRollups(3));
    nowMs += MIN;
    w = window(nowMs);
    const got = await keeper.telemetry(w.fromMs, w.toMs);
    assert.deepEqual(got, await expected(inner, w.fromMs, w.toMs));
    assert.notDeepEqual(
      got,
      (() => {
        const acc = new Accumulation(catalog, w);
        for (const r of dayRollups(1)) acc.add(r);
        return acc.rollups();
      })(),
      'the comparison is not the one read before',
    );
    const after = reads.length;
    nowMs += MIN;
    w = window(nowMs);
    await keeper.telemetry(w.fromMs, w.toMs);
    assert.equal(reads.length, after, 'then kept again');
  } finally {
    await inner.close();
    state.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
