/** @module Tests of re-bucketing probe histograms onto the catalog's latency bounds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rebucket } from './rebucket.ts';

const CATALOG = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5];

test('identical bounds give the exact per-bucket counts', () => {
  const counts = rebucket([{ boundsMs: CATALOG, cumulative: [0, 10, 40, 55, 58, 59, 60, 60], total: 61 }], CATALOG);
  assert.deepEqual(counts, [0, 10, 30, 15, 3, 1, 1, 0, 1]);
});

test('hosts add bucket by bucket', () => {
  const a = { boundsMs: CATALOG, cumulative: [0, 10, 40, 55, 58, 59, 60, 60], total: 60 };
  const b = { boundsMs: CATALOG, cumulative: [5, 5, 5, 5, 5, 5, 5, 5], total: 7 };
  assert.deepEqual(rebucket([a, b], CATALOG), [5, 10, 30, 15, 3, 1, 1, 0, 2]);
});

test('other bounds are interpolated inside the source bucket and keep the total', () => {
  // smokeping_prober's default buckets (50 µs doubling), in ms.
  const src = [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2];
  const counts = rebucket([{ boundsMs: src, cumulative: [0, 0, 0, 100, 300, 400, 400], total: 400 }], CATALOG);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    400,
  );
  // 0.25 ms lies a quarter into (0.2, 0.4]: 25 probes; 0.5 ms a quarter into (0.4, 0.8]: 100 + 50; 0.75 ms: 100 + 175.
  assert.deepEqual(counts.slice(0, 3), [25, 125, 125]);
  assert.ok(counts.every((c) => Number.isInteger(c) && c >= 0));
});

test('probes beyond the last finite source bound stay in +Inf', () => {
  const counts = rebucket([{ boundsMs: [1], cumulative: [10], total: 30 }], CATALOG);
  assert.equal(counts.at(-1), 20);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    30,
  );
});
