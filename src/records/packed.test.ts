/**
 * @module Packed records and roll-ups (merge.ts `packRecord`, `packRollup`, `Accumulation.addPacked`,
 * `addPackedRollup`): for random records, roll-ups and windows, folding the packed form gives exactly the accumulators
 * folding the records or roll-ups gives, bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultCatalog } from '../catalog/load.ts';
import type { ParsedRecord, RollupRecord } from '../model/records.ts';
import { Accumulation, layoutFor, packRecord, packRollup, type CenterAccumulator } from './merge.ts';

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

const H = 60 * MIN;

const rollupArb = fc.record({
  center: fc.constantFrom('a', 'b', 'c'),
  // Hours, days and odd lengths, starting on or off the hour: some inside the window, some straddling an edge.
  startMin: fc.integer({ min: 0, max: 6 * 60 }),
  lengthMin: fc.constantFrom(60, 24 * 60, 90, 7),
  // Per metric: whether the roll-up has it, its value, and whether it carries bookkeeping (aux) for it.
  metrics: fc.array(fc.tuple(fc.boolean(), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.option(fc.nat(2 * H))), {
    minLength: SCALARS.length,
    maxLength: SCALARS.length,
  }),
  histograms: fc.array(fc.option(fc.array(fc.nat(50), { minLength: 1, maxLength: 20 })), {
    minLength: HISTOGRAMS.length,
    maxLength: HISTOGRAMS.length,
  }),
  records: fc.nat(100),
  coveredFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  firstMin: fc.nat(30),
  lastMin: fc.nat(30),
});

function toRollup(r: typeof rollupArb extends fc.Arbitrary<infer T> ? T : never): RollupRecord {
  const startMs = T0 + r.startMin * MIN;
  const endMs = startMs + r.lengthMin * MIN;
  const metrics: Record<string, number> = {};
  const aux: Record<string, number> = {};
  r.metrics.forEach(([has, v, x], i) => {
    if (!has) return;
    const m = SCALARS[i]!;
    metrics[m.id] = m.kind === 'snapshot' ? Math.round(v) : v;
    // A snapshot's aux is the end of the record it came from; a mean's the time behind it, a delta's the time its
    // records covered (only where that is not the roll-up's covered time). Maxima carry none: one that does is ignored.
    if (x !== null) aux[m.id] = m.kind === 'snapshot' ? startMs + (x % (r.lengthMin * MIN)) : x;
  });
  const rec: RollupRecord = {
    center: r.center,
    startMs,
    endMs,
    source: 'telemetry',
    metrics,
    rollup: {
      aux,
      records: r.records,
      coveredMs: r.coveredFraction * (endMs - startMs),
      firstStartMs: r.records > 0 ? startMs + r.firstMin * MIN : 0,
      lastEndMs: r.records > 0 ? endMs - r.lastMin * MIN : 0,
    },
  };
  r.histograms.forEach((counts, i) => {
    if (!counts) return;
    rec.histograms ??= {};
    rec.histograms[HISTOGRAMS[i]!.id] = { bounds: HISTOGRAMS[i]!.bounds!, counts };
  });
  return rec;
}

/** Every number of every accumulator the same, bit for bit (NaN is NaN, -0 is not 0). */
function assertSameBits(got: Map<string, CenterAccumulator>, want: Map<string, CenterAccumulator>): void {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [center, w] of want) {
    const g = got.get(center)!;
    for (const field of ['acc', 'aux', 'has'] as const)
      w[field].forEach((x, i) =>
        assert.ok(Object.is(g[field][i], x), `${center} ${field}[${i}]: ${g[field][i]} ≠ ${x}`),
      );
    for (const field of [
      'telemetryRecords',
      'coveredMs',
      'declarationRecords',
      'startedRecords',
      'firstStartMs',
      'lastEndMs',
    ] as const)
      assert.ok(Object.is(g[field], w[field]), `${center} ${field}: ${g[field]} ≠ ${w[field]}`);
    assert.deepEqual(g.hist, w.hist, `${center} histograms`);
  }
}

test('packed roll-ups fold exactly as the roll-ups they were packed from, inside a window or across its edges', () => {
  fc.assert(
    fc.property(
      fc.array(rollupArb, { maxLength: 20 }),
      fc.integer({ min: 0, max: 6 * 60 }),
      fc.integer({ min: 1, max: 26 * 60 }),
      (specs, fromMin, lengthMin) => {
        const rollups = specs.map(toRollup);
        const window = { fromMs: T0 + fromMin * MIN, toMs: T0 + (fromMin + lengthMin) * MIN };
        const plain = new Accumulation(catalog, window);
        const packed = new Accumulation(catalog, window);
        for (const r of rollups) {
          plain.add(r);
          packed.addPackedRollup(packRollup(catalog, r));
        }
        assertSameBits(packed.centers, plain.centers);
        assert.deepStrictEqual(packed.rollups(), plain.rollups());
      },
    ),
    { numRuns: 400 },
  );
});

test('a packed roll-up keeps its bookkeeping by slot, NaN where it has none', () => {
  const r = toRollup({
    center: 'a',
    startMin: 0,
    lengthMin: 60,
    metrics: SCALARS.map((_, i) => [true, i, i % 3 === 0 ? null : i * 1000] as [boolean, number, number | null]),
    histograms: HISTOGRAMS.map(() => null),
    records: 4,
    coveredFraction: 1,
    firstMin: 0,
    lastMin: 0,
  });
  const p = packRollup(catalog, r);
  const { index } = layoutFor(catalog);
  for (const [id, x] of Object.entries(r.rollup.aux)) if (index[id] !== undefined) assert.equal(p.aux[index[id]!], x);
  assert.equal(
    p.aux.filter((x) => !Number.isNaN(x)).length,
    Object.keys(r.rollup.aux).filter((id) => index[id] !== undefined).length,
  );
  assert.equal(p.hist, undefined);
  assert.deepEqual([p.records, p.coveredMs, p.firstStartMs, p.lastEndMs], [4, 3_600_000, T0, T0 + H]);
});
