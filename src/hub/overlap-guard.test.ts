/**
 * @module Overlapping telemetry is refused on both stores: within a request, across requests, against
 * storage after a restart, and between requests in flight at once; replays and late records that
 * overlap nothing are accepted; a center's next interval needs no storage query.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startInfluxd, type InfluxdHandle } from '../../tests/support/influxd.ts';
import { InfluxStorage } from '../storage/influx/influx-storage.ts';
import { openStorage } from '../storage/open.ts';
import type { Storage } from '../storage/types.ts';
import { startTestHub, telemetry, type TestHub } from './test-support.ts';
import { OverlapGuard } from './overlap-guard.ts';

const MIN = 60_000;
const NOW = Date.parse('2026-10-05T02:00:00Z');
const S = Date.parse('2026-10-05T01:00:00Z');

let influxd: InfluxdHandle;
before(async () => {
  influxd = await startInfluxd();
});
after(async () => {
  await influxd?.dispose();
});

async function store(kind: 'sqlite' | 'influxdb'): Promise<Storage> {
  if (kind === 'sqlite') return openStorage({ kind: 'sqlite', path: ':memory:' });
  // The records lie months before the wall clock: the raw retention policy must hold them.
  const s = new InfluxStorage({ url: influxd.url, database: `dims_overlap_${Date.now()}`, retention: { raw: 'INF' } });
  await s.open();
  return s;
}

/** A telemetry record of gz-01 over [startMs, startMs + minutes). */
function rec(startMs: number, minutes: number) {
  return telemetry('gz-01', startMs, 1, minutes);
}

async function push(hub: TestHub, records: unknown[]) {
  return hub.call('POST', '/api/v1/records', { scope: 'agent:gz-01', json: { records } });
}

async function stored(hub: TestHub) {
  const rows = await hub.ctx.storage.queryRecords({ fromMs: S - 3_600_000, toMs: NOW, centers: ['gz-01'] });
  return rows.map((r) => [(r.startMs - S) / MIN, (r.endMs - S) / MIN]);
}

for (const kind of ['sqlite', 'influxdb'] as const) {
  test(`${kind}: overlaps are refused within a request, across requests and after a restart; replays are not overlaps`, async () => {
    const storage = await store(kind);
    let hub = await startTestHub({ storage, now: () => NOW });
    try {
      // S (5 min) and S+1 min in one request: the second overlaps the first.
      const one = await push(hub, [rec(S, 5), rec(S + MIN, 1)]);
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(one.body.accepted, ['gz-01/2026-10-05T01:00:00.000Z']);
      assert.equal(one.body.rejected[0].index, 1);
      assert.equal(one.body.rejected[0].errors[0].path, '/start');
      assert.match(
        one.body.rejected[0].errors[0].message,
        /^overlaps record 0 of this request of this center, \[2026-10-05T01:00:00.000Z, 2026-10-05T01:05:00.000Z\)/,
      );
      // S+2 min in another request: overlaps the stored one.
      const two = await push(hub, [rec(S + 2 * MIN, 1)]);
      assert.equal(two.status, 400);
      assert.equal(two.body.error.code, 'DIMS_ERR_INVALID_RECORDS');
      assert.match(two.body.rejected[0].errors[0].message, /^overlaps a stored record of this center/);
      // The same overlapping record twice in a request is refused twice, not written once.
      const twice = await push(hub, [rec(S + 2 * MIN, 1), rec(S + 2 * MIN, 1)]);
      assert.equal(twice.status, 400, twice.text);
      assert.deepEqual(
        twice.body.rejected.map((r: { index: number }) => r.index),
        [0, 1],
      );
      // A replay of the stored record, and the next interval, are fine.
      const three = await push(hub, [rec(S, 5), rec(S + 5 * MIN, 5)]);
      assert.equal(three.status, 200, three.text);
      assert.equal(three.body.accepted.length, 2);

      // A fresh hub on the same store knows nothing in memory: storage tells.
      const carried = await storage.queryRecords({ fromMs: S - MIN, toMs: NOW });
      await hub.close();
      let next = storage;
      if (kind === 'sqlite') {
        // :memory: does not outlive the hub: carry the records over.
        next = await store(kind);
        await next.writeRecords(carried);
      }
      hub = await startTestHub({ storage: next, now: () => NOW });
      const late = await push(hub, [rec(S + 6 * MIN, 1)]);
      assert.equal(late.status, 400, late.text);
      assert.match(
        late.body.rejected[0].errors[0].message,
        /^overlaps a stored record of this center, \[2026-10-05T01:05:00.000Z, 2026-10-05T01:10:00.000Z\)/,
      );
      const replay = await push(hub, [rec(S + 5 * MIN, 5), rec(S + 10 * MIN, 5)]);
      assert.equal(replay.status, 200, replay.text);
      assert.deepEqual(replay.body.rejected, []);
      assert.deepEqual(await stored(hub), [
        [0, 5],
        [5, 10],
        [10, 15],
      ]);
      // The engine sums each interval once.
      const sum = (await hub.ctx.storage.queryRecords({ fromMs: S, toMs: NOW, centers: ['gz-01'] })).reduce(
        (a, r) => a + r.metrics.e_total_kwh!,
        0,
      );
      assert.equal(Math.round(sum), 1500);
    } finally {
      await hub.close();
    }
  });

  test(`${kind}: of two overlapping requests in flight at once, one is refused`, async () => {
    const hub = await startTestHub({ storage: await store(kind), now: () => NOW });
    try {
      for (let round = 0; round < 4; round++) {
        const t = S + round * 15 * MIN;
        const [a, b] = await Promise.all([
          push(hub, [rec(t, 15)]),
          push(hub, [rec(t + 5 * MIN, 5), rec(t + 10 * MIN, 5)]),
        ]);
        const accepted = [a, b].filter((r) => r.status === 200 && r.body.accepted.length > 0);
        assert.equal(accepted.length, 1, `round ${round}: ${a.text} / ${b.text}`);
      }
      const rows = await stored(hub);
      for (let i = 1; i < rows.length; i++)
        assert.ok(rows[i]![0]! >= rows[i - 1]![1]!, `no overlap: ${JSON.stringify(rows)}`);
    } finally {
      await hub.close();
    }
  });
}

test('the next interval, and intervals pushed out of order, are decided without asking storage', async () => {
  const inner = await openStorage({ kind: 'sqlite', path: ':memory:' });
  let queries = 0;
  const counting: Storage = Object.assign(Object.create(inner) as Storage, {
    queryRecords: (q: Parameters<Storage['queryRecords']>[0]) => (queries++, inner.queryRecords(q)),
    latestTelemetry: (c: string[], f: number) => (queries++, inner.latestTelemetry(c, f)),
  });
  const guard = new OverlapGuard(counting);
  const claim = async (startMin: number, minutes: number) => {
    const c = await guard.claim([
      { index: 0, center: 'c1', startMs: S + startMin * MIN, endMs: S + (startMin + minutes) * MIN },
    ]);
    c.release(true);
    return c.conflicts.length;
  };
  assert.equal(await claim(0, 1), 0);
  assert.equal(queries, 1, 'a center seen for the first time: one query');
  for (const m of [1, 2, 4, 3, 6, 5, 7]) assert.equal(await claim(m, 1), 0, `minute ${m}`);
  assert.equal(await claim(3, 1), 0, 'a replay');
  assert.equal(await claim(2, 2), 1, 'an overlap found in memory');
  assert.equal(queries, 1, 'no query for any of them');
  for (let m = 8; m < 40; m++) await claim(m, 1);
  assert.equal(queries, 1, 'forty intervals in order, one query');
  // Minute 1 is no longer remembered: storage is asked (and, nothing being stored here, finds nothing).
  assert.equal(await claim(1, 1), 0);
  assert.equal(queries, 2);
  await inner.close();
});
