/** @module The newest values held in memory: what they keep, when a period replaces another, loading from storage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestValues } from './latest-values.ts';
import { Turns } from '../engine/turns.ts';
import { testRegistry } from './test-support.ts';
import { openStorage } from '../storage/open.ts';
import type { StoredValue } from '../storage/types.ts';

function value(over: Partial<StoredValue>): StoredValue {
  return {
    period_kind: 'month',
    period: '2026-10',
    fromMs: Date.parse('2026-09-30T16:00:00Z'),
    toMs: Date.parse('2026-10-31T16:00:00Z'),
    level: 'center',
    code: 'gz-01',
    province: '52',
    indicator: 'pue',
    dimension: 'B',
    value: 1.3,
    unit: 'ratio',
    numerator: 13,
    denominator: 10,
    centers: 1,
    coverage: { centers: 1, it_energy: 1 },
    reason: null,
    computedAtMs: Date.parse('2026-11-01T00:02:00Z'),
    ...over,
  };
}

function month(period: string, pue: number): StoredValue[] {
  return [
    value({ period, level: 'nation', code: 'CN', province: '', value: pue }),
    value({ period, level: 'province', code: '52', province: '52', value: pue }),
    value({ period, level: 'province', code: '44', province: '44', value: pue + 0.25 }),
    value({ period, code: 'gz-01', value: pue }),
    value({ period, code: 'gz-02', value: null, reason: 'no_data' }),
    value({ period, code: 'gd-01', province: '44', value: pue + 0.5 }),
  ];
}

test('keeps the newest period of a kind; an older one is left to storage', async () => {
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  const latest = new LatestValues(testRegistry(), storage);
  await latest.put('month', '2026-10', month('2026-10', 1.3));
  await latest.put('month', '2026-09', month('2026-09', 1.5));
  const provinces = await latest.regions('month', '2026-10', 'province');
  assert.deepEqual(
    provinces!.map((v) => [v.code, v.value]),
    [
      ['52', 1.3],
      ['44', 1.55],
    ],
  );
  assert.equal(await latest.regions('month', '2026-09', 'nation'), undefined, 'older than the newest: storage');
  assert.deepEqual(await latest.centerValues('month', '2026-10', 'pue', '52'), [
    { code: 'gz-01', value: 1.3 },
    { code: 'gz-02', value: null },
  ]);
  // Centers the run had no values for (gd-02, bj-01) are not listed, as storage would not list them.
  assert.deepEqual(
    (await latest.centerValues('month', '2026-10', 'pue'))!.map((v) => v.code),
    ['gz-01', 'gz-02', 'gd-01'],
  );
  await latest.put('month', '2026-11', month('2026-11', 1.2));
  assert.equal((await latest.regions('month', '2026-11', 'nation'))![0]!.value, 1.2);
  await storage.close();
});

test('a hub that just started loads the newest period from storage on its first read, once', async () => {
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  await storage.writeValues(month('2026-10', 1.3));
  let reads = 0;
  const counting = {
    ...storage,
    queryValues: (q: Parameters<typeof storage.queryValues>[0]) => (reads++, storage.queryValues(q)),
  };
  const latest = new LatestValues(testRegistry(), counting as typeof storage);
  const [a, b] = await Promise.all([
    latest.regions('month', '2026-10', 'nation'),
    latest.centerValues('month', '2026-10', 'pue', '44'),
  ]);
  assert.equal(a![0]!.value, 1.3);
  assert.deepEqual(b, [{ code: 'gd-01', value: 1.8 }]);
  assert.equal((await latest.regions('month', '2026-10', 'province', { codes: ['44'] }))![0]!.value, 1.55);
  assert.equal(reads, 1);
  assert.equal(await latest.regions('month', '2026-12', 'nation'), undefined, 'a period storage does not have');
  await storage.close();
});

test('an answer is built once per held period, shared by concurrent asks, and rebuilt after the period is replaced', async () => {
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  const latest = new LatestValues(testRegistry(), storage);
  await latest.put('month', '2026-10', month('2026-10', 1.3));
  let builds = 0;
  const build = async () => {
    builds++;
    const nation = await latest.regions('month', '2026-10', 'nation');
    return { pue: nation![0]!.value };
  };
  const [a, b] = await Promise.all([
    latest.answer('month', '2026-10', 'k', build),
    latest.answer('month', '2026-10', 'k', build),
  ]);
  assert.equal(builds, 1);
  assert.equal(a, b);
  assert.equal(a!.body.toString(), '{"pue":1.3}');
  assert.equal((await latest.answer('month', '2026-10', 'k', build))!.etag, a!.etag);
  assert.equal(builds, 1);

  // A run of the same period replaces it (and its answers); an older period has none.
  await latest.put('month', '2026-10', month('2026-10', 1.25));
  const c = await latest.answer('month', '2026-10', 'k', build);
  assert.equal(builds, 2);
  assert.equal(c!.body.toString(), '{"pue":1.25}');
  assert.notEqual(c!.etag, a!.etag);
  await latest.put('month', '2026-11', month('2026-11', 1.2));
  assert.equal(await latest.answer('month', '2026-10', 'k', build), undefined);
  assert.equal(builds, 2);
  await storage.close();
});

test('a failed build is not kept: the next ask builds again', async () => {
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  const latest = new LatestValues(testRegistry(), storage);
  await latest.put('month', '2026-10', month('2026-10', 1.3));
  await assert.rejects(
    latest.answer('month', '2026-10', 'k', () => {
      throw new Error('storage down');
    }),
    /storage down/,
  );
  assert.equal((await latest.answer('month', '2026-10', 'k', () => [1]))!.body.toString(), '[1]');
  await storage.close();
});

test('values are put in turns; a newer period put meanwhile is not replaced by the older one', async () => {
  class Always extends Turns {
    override due(): boolean {
      return true;
    }
  }
  const storage = await openStorage({ kind: 'sqlite', path: ':memory:' });
  const latest = new LatestValues(testRegistry(), storage);
  let ran = false;
  setImmediate(() => (ran = true));
  // The older period's put is longer (more turns), so the newer one ends first.
  const long = [...month('2026-10', 1.3), ...Array.from({ length: 5000 }, () => value({ period: '2026-10' }))];
  const older = latest.put('month', '2026-10', long, undefined, new Always());
  await latest.put('month', '2026-11', month('2026-11', 1.2), undefined, new Always());
  await older;
  assert.equal(ran, true, 'the event loop ran during the put');
  assert.deepEqual(
    (await latest.regions('month', '2026-11', 'nation'))?.map((v) => v.value),
    [1.2],
  );
  assert.equal(await latest.regions('month', '2026-10', 'nation'), undefined);
  await storage.close();
});
