/**
 * @module Packed records (merge.ts `packRecord`, `Accumulation.addPacked`): for random records and windows, folding
 * the packed records gives exactly the accumulators folding the records gives, bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultCatalog } from '../catalog/load.ts';
import type { ParsedRecord } from '../model/records.ts';
import { Accumulation, packRecord } from './merge.ts';

const catalog = defaultCatalog();
const MIN = 60_000;
const T0 = Date.parse('2026-10-01T00:00:00+08:00');
const SCALARS = catalog.metrics.filter((m) => m.kind !== 'histogram');
const HISTOGRAMS = catalog.metrics.filter((m) => m.kind === 'histogram');

const recordArb = fc.record({
  center: fc.constantFrom('a', 'b', 'c'),
  startMin: fc.integer({ min: 0, max: 90 }),
  lengthMin: fc.constantFrom(1, 5, 15, 60),
  // Which metrics the record has (registry-sourced ones too: folding ignores them either way), and their values.
  metrics: fc.array(fc.tuple(fc.boolean(), fc.double({ min: -1e6, max: 1e6, noNaN: true })), {
    minLength: SCALARS.length,
    maxLength: SCALARS.length,
  }),
  histograms: fc.array(fc.option(fc.array(fc.nat(50), { minLength: 1, maxLength: 20 })), {
    minLength: HISTOGRAMS.length,
    maxLength: HISTOGRAMS.length,
  }),
});

function toRecord(r: typeof recordArb extends fc.Arbitrary<infer T> ? T : never): ParsedRecord {
  const startMs = T0 + r.startMin * MIN;
  const metrics: Record<string, number> = {};
  r.metrics.forEach(([has, v], i) => {
    if (has) metrics[SCALARS[i]!.id] = SCALARS[i]!.kind === 'snapshot' ? Math.round(v) : v;
  });
  const rec: ParsedRecord = {
    center: r.center,
    startMs,
    endMs: startMs + r.lengthMin * MIN,
    source: 'telemetry',
    metrics,
  };
  r.histograms.forEach((counts, i) => {
    if (!counts) return;
    rec.histograms ??= {};
    rec.histograms[HISTOGRAMS[i]!.id] = { bounds: HISTOGRAMS[i]!.bounds!, counts };
  });
  return rec;
}

test('packed records fold exactly as the records they were packed from', () => {
  fc.assert(
    fc.property(
      fc.array(recordArb, { maxLength: 30 }),
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 1, max: 120 }),
      (specs, fromMin, lengthMin) => {
        const records = specs.map(toRecord);
        const window = { fromMs: T0 + fromMin * MIN, toMs: T0 + (fromMin + lengthMin) * MIN };
        const plain = new Accumulation(catalog, window);
        const packed = new Accumulation(catalog, window);
        for (const r of records) {
          plain.add(r);
          packed.addPacked(packRecord(catalog, r));
        }
        assert.deepEqual(packed.centers, plain.centers);
        assert.deepEqual(packed.rollups(), plain.rollups());
      },
    ),
    { numRuns: 300 },
  );
});

test('a packed record keeps no metric it does not fold, and shares its histogram counts', () => {
  const r = toRecord({
    center: 'a',
    startMin: 0,
    lengthMin: 1,
    metrics: SCALARS.map((_, i) => [i % 2 === 0, i] as [boolean, number]),
    histograms: HISTOGRAMS.map(() => [1, 2, 3]),
  });
  const p = packRecord(catalog, r);
  assert.equal(
    p.values.filter((v) => !Number.isNaN(v)).length,
    SCALARS.filter((m, i) => i % 2 === 0 && m.source !== 'registry').length,
  );
  assert.equal(p.hist?.[0], r.histograms![HISTOGRAMS[0]!.id]!.counts);
});
