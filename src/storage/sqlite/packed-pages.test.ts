/**
 * @module The embedded store's packed pages: the telemetry records `queryRecords` returns, decoded straight into the
 * packed form `packRecord` makes of them (values by slot, histogram counts), and the roll-ups `rollupPages` returns,
 * decoded straight into what `packRollup` makes of them (bookkeeping by slot too), page by page, with the same
 * filters (window on start, ending after a time, centers, provinces).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultCatalog } from '../../catalog/load.ts';
import { layoutFor, packRecord, packRollup, type PackedRecord, type PackedRollup } from '../../records/merge.ts';
import type { RecordQuery, RollupQuery, StoredRecord, StoredRollup } from '../types.ts';
import { SqliteStorage } from './sqlite-storage.ts';

const catalog = defaultCatalog();
const layout = layoutFor(catalog);
const MIN = 60_000;
const T0 = Date.parse('2026-10-01T00:00:00+08:00');
const SCALARS = catalog.metrics.filter((m) => m.kind !== 'histogram' && m.source === 'telemetry');
const HISTOGRAMS = catalog.metrics.filter((m) => m.kind === 'histogram');

const recordArb = fc.record({
  center: fc.constantFrom('a', 'b', 'c', 'd'),
  startMin: fc.integer({ min: 0, max: 60 }),
  lengthMin: fc.constantFrom(1, 5, 15),
  // Integers and fractions (stored as varints and as float64), negative too; some metrics left out.
  metrics: fc.array(
    fc.option(fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }))),
    {
      minLength: SCALARS.length,
      maxLength: SCALARS.length,
    },
  ),
  histograms: fc.array(fc.boolean(), { minLength: HISTOGRAMS.length, maxLength: HISTOGRAMS.length }),
});

function toStored(r: typeof recordArb extends fc.Arbitrary<infer T> ? T : never): StoredRecord {
  const startMs = T0 + r.startMin * MIN;
  const metrics: Record<string, number> = {};
  r.metrics.forEach((v, i) => {
    if (v !== null) metrics[SCALARS[i]!.id] = SCALARS[i]!.kind === 'snapshot' ? Math.round(v) : v;
  });
  const rec: StoredRecord = {
    center: r.center,
    province: r.center === 'a' ? '11' : '52',
    startMs,
    endMs: startMs + r.lengthMin * MIN,
    source: 'telemetry',
    metrics,
  };
  r.histograms.forEach((has, i) => {
    if (!has) return;
    const h = HISTOGRAMS[i]!;
    rec.histograms ??= {};
    rec.histograms[h.id] = { bounds: h.bounds!, counts: h.bounds!.map((_, j) => (j * 7 + r.startMin) % 11).concat(2) };
  });
  return rec;
}

async function packedPages(s: SqliteStorage, q: RecordQuery): Promise<PackedRecord[]> {
  const out: PackedRecord[] = [];
  for await (const page of s.packedRecordPages(q, layout)) out.push(...page);
  return out;
}

test('packed record pages hold what packing the queried records gives, under every filter', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(recordArb, { selector: (r) => `${r.center}/${r.startMin}`, maxLength: 40 }),
      fc.integer({ min: 0, max: 50 }),
      fc.integer({ min: 1, max: 40 }),
      fc.option(fc.integer({ min: 0, max: 70 })),
      fc.option(fc.subarray(['a', 'b', 'c', 'd'], { minLength: 1 })),
      fc.boolean(),
      async (specs, fromMin, lengthMin, endAfterMin, centers, byProvince) => {
        const s = new SqliteStorage({ path: ':memory:' });
        await s.open();
        try {
          await s.writeRecords(specs.map(toStored));
          const q: RecordQuery = {
            fromMs: T0 + fromMin * MIN,
            toMs: T0 + (fromMin + lengthMin) * MIN,
            ...(endAfterMin !== null ? { endAfterMs: T0 + endAfterMin * MIN } : {}),
            ...(centers ? { centers } : {}),
            ...(byProvince ? { provinces: ['52'] } : {}),
          };
          const want = (await s.queryRecords({ ...q, source: 'telemetry' })).map((r) => packRecord(catalog, r));
          assert.deepEqual(await packedPages(s, q), want);
        } finally {
          await s.close();
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('packed record pages come a page at a time and leave out filings', async () => {
  const s = new SqliteStorage({ path: ':memory:' });
  await s.open();
  try {
    const records: StoredRecord[] = [];
    for (let i = 0; i < 25_000; i++)
      records.push({
        center: `c${i % 5000}`,
        province: '52',
        startMs: T0 + Math.floor(i / 5000) * MIN,
        endMs: T0 + (Math.floor(i / 5000) + 1) * MIN,
        source: 'telemetry',
        metrics: { e_it_kwh: i },
      });
    await s.writeRecords(records);
    await s.writeRecords([
      {
        center: 'c1',
        province: '52',
        startMs: T0,
        endMs: T0 + 30 * MIN,
        source: 'declaration',
        metrics: { water_m3: 1 },
      },
    ]);
    const sizes: number[] = [];
    let n = 0;
    for await (const page of s.packedRecordPages({ fromMs: T0, toMs: T0 + 60 * MIN }, layout)) {
      sizes.push(page.length);
      n += page.length;
    }
    assert.equal(n, 25_000, 'every telemetry record, no filing');
    assert.ok(sizes.length > 1, `more than one page (${sizes.join(', ')})`);
  } finally {
    await s.close();
  }
});

const HOUR = 60 * MIN;

const rollupArb = fc.record({
  center: fc.constantFrom('a', 'b', 'c', 'd'),
  hour: fc.integer({ min: 0, max: 12 }),
  kind: fc.constantFrom('hour', 'day' as const),
  // Per metric: left out, or a value (integer or fraction) with or without bookkeeping.
  metrics: fc.array(
    fc.option(
      fc.tuple(
        fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
        fc.option(fc.nat(HOUR)),
      ),
    ),
    { minLength: SCALARS.length, maxLength: SCALARS.length },
  ),
  histograms: fc.array(fc.boolean(), { minLength: HISTOGRAMS.length, maxLength: HISTOGRAMS.length }),
  records: fc.nat(60),
  coveredMs: fc.oneof(fc.nat(HOUR), fc.double({ min: 0, max: HOUR, noNaN: true })),
});

function toStoredRollup(r: typeof rollupArb extends fc.Arbitrary<infer T> ? T : never): StoredRollup {
  const startMs = T0 + r.hour * HOUR;
  const metrics: Record<string, number> = {};
  const aux: Record<string, number> = {};
  r.metrics.forEach((m, i) => {
    if (m === null) return;
    const id = SCALARS[i]!.id;
    metrics[id] = SCALARS[i]!.kind === 'snapshot' ? Math.round(m[0]) : m[0];
    if (m[1] !== null) aux[id] = m[1];
  });
  const rec: StoredRollup = {
    kind: r.kind,
    center: r.center,
    province: r.center === 'a' ? '11' : '52',
    startMs,
    endMs: startMs + HOUR,
    source: 'telemetry',
    metrics,
    rollup: {
      aux,
      records: r.records,
      coveredMs: r.coveredMs,
      firstStartMs: r.records > 0 ? startMs : 0,
      lastEndMs: r.records > 0 ? startMs + HOUR : 0,
    },
  };
  r.histograms.forEach((has, i) => {
    if (!has) return;
    const h = HISTOGRAMS[i]!;
    rec.histograms ??= {};
    rec.histograms[h.id] = { bounds: h.bounds!, counts: h.bounds!.map((_, j) => (j * 5 + r.hour) % 9).concat(1) };
  });
  return rec;
}

/** What `rollupPages` gives for `q`, packed, and what `packedRollupPages` gives, each with its page sizes. */
async function bothRollupPages(s: SqliteStorage, q: RollupQuery) {
  const want: PackedRollup[] = [];
  const wantSizes: number[] = [];
  for await (const page of s.rollupPages(q)) {
    wantSizes.push(page.length);
    want.push(...page.map((r) => packRollup(catalog, r)));
  }
  const got: PackedRollup[] = [];
  const gotSizes: number[] = [];
  for await (const page of s.packedRollupPages(q, layout)) {
    gotSizes.push(page.length);
    got.push(...page);
  }
  return { want, wantSizes, got, gotSizes };
}

test('packed roll-up pages hold what packing the roll-up pages gives, under every filter', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(rollupArb, { selector: (r) => `${r.kind}/${r.center}/${r.hour}`, maxLength: 40 }),
      fc.constantFrom('hour', 'day' as const),
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 1, max: 13 }),
      fc.option(fc.subarray(['a', 'b', 'c', 'd'], { minLength: 1 })),
      fc.boolean(),
      async (specs, kind, fromHour, hours, centers, byProvince) => {
        const s = new SqliteStorage({ path: ':memory:' });
        await s.open();
        try {
          await s.writeRollups(specs.map(toStoredRollup));
          const q: RollupQuery = {
            kind,
            fromMs: T0 + fromHour * HOUR,
            toMs: T0 + (fromHour + hours) * HOUR,
            ...(centers ? { centers } : {}),
            ...(byProvince ? { provinces: ['52'] } : {}),
          };
          const { want, got } = await bothRollupPages(s, q);
          assert.deepStrictEqual(got, want);
        } finally {
          await s.close();
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('packed roll-up pages come a page at a time, as the roll-up pages do, narrowed the same way', async () => {
  const s = new SqliteStorage({ path: ':memory:' });
  await s.open();
  try {
    // 3 months × 4,000 centers: pages of 5,000 end in the middle of a start; days beside them are not read.
    const rollups: StoredRollup[] = [];
    for (let m = 0; m < 3; m++)
      for (let i = 0; i < 4000; i++)
        for (const kind of ['month', 'day'] as const)
          rollups.push({
            kind,
            center: `c${String(i).padStart(4, '0')}`,
            province: i % 2 === 0 ? '11' : '52',
            startMs: T0 + m * 31 * 24 * HOUR,
            endMs: T0 + (m + 1) * 31 * 24 * HOUR,
            source: 'telemetry',
            metrics: { e_it_kwh: i * 1.5 + m, inlet_temp_c_mean: 20 + (i % 7) / 3 },
            rollup: {
              aux: { inlet_temp_c_mean: 1e9 - i },
              records: 744,
              coveredMs: 2e9 + i,
              firstStartMs: 1,
              lastEndMs: 2,
            },
          });
    await s.writeRollups(rollups);
    const all = { kind: 'month' as const, fromMs: T0, toMs: T0 + 93 * 24 * HOUR };
    const { want, wantSizes, got, gotSizes } = await bothRollupPages(s, all);
    assert.equal(got.length, 12_000, 'every month roll-up, no day');
    assert.deepEqual(gotSizes, [5000, 5000, 2000]);
    assert.deepEqual(gotSizes, wantSizes);
    assert.deepStrictEqual(got, want);
    const narrowed = { ...all, centers: ['c0001', 'c0002', 'c0003', 'c3999'], provinces: ['52'] };
    const n = await bothRollupPages(s, narrowed);
    assert.equal(n.got.length, 9, 'three odd centers in province 52, each for 3 months');
    assert.deepStrictEqual(n.got, n.want);
  } finally {
    await s.close();
  }
});
