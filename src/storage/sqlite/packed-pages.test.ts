/**
 * @module The embedded store's packed record pages: the telemetry records `queryRecords` returns, decoded straight
 * into the packed form `packRecord` makes of them (values by slot, histogram counts), page by page, with the same
 * filters (window on start, ending after a time, centers, provinces).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultCatalog } from '../../catalog/load.ts';
import { layoutFor, packRecord, type PackedRecord } from '../../records/merge.ts';
import type { RecordQuery, StoredRecord } from '../types.ts';
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
