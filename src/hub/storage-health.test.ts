/**
 * @module The storage the hub uses (writes watched by storage-health.ts) hands on every optional read of the store
 * beneath it: a close that folds roll-ups or raw records a page at a time, or raw records packed, does so in the hub
 * as well as beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStorage } from '../storage/open.ts';
import { layoutFor } from '../records/merge.ts';
import type { Storage } from '../storage/types.ts';
import { startTestHub, testRegistry } from './test-support.ts';

test("the hub's watched storage offers the store's paged and packed reads, and they read the store", async () => {
  const inner = await openStorage({ kind: 'sqlite', path: ':memory:' });
  const calls: string[] = [];
  const storage = new Proxy(inner, {
    get(target, name) {
      const v = Reflect.get(target, name) as unknown;
      if (typeof v !== 'function') return v;
      return (...a: unknown[]) => {
        calls.push(String(name));
        return (v as (...a: unknown[]) => unknown).apply(target, a);
      };
    },
  }) as Storage;
  const hub = await startTestHub({ storage, registry: testRegistry() });
  try {
    const s = hub.ctx.storage;
    assert.notEqual(s, storage, 'the hub watches its storage');
    for (const name of ['rollupPages', 'packedRecordPages', 'packedRollupPages'] as const) {
      assert.equal(typeof s[name], 'function', `${name} is offered`);
      calls.length = 0;
      const layout = layoutFor(hub.ctx.catalog);
      const pages =
        name === 'rollupPages'
          ? s.rollupPages!({ kind: 'hour', fromMs: 0, toMs: 1 })
          : name === 'packedRecordPages'
            ? s.packedRecordPages!({ fromMs: 0, toMs: 1 }, layout)
            : s.packedRollupPages!({ kind: 'hour', fromMs: 0, toMs: 1 }, layout);
      for await (const page of pages) assert.deepEqual(page, []);
      assert.deepEqual(calls, [name], `${name} reads the store's own`);
    }
  } finally {
    await hub.close();
  }
});
