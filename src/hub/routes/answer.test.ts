/**
 * @module The overview, rankings and values of the newest period are answered from bytes kept with it: the
 * same answer as one built from storage, an ETag and 304, kept per caller's view, replaced when a run lands.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, telemetry, type TestHub } from '../test-support.ts';
import type { StoredRecord } from '../../storage/types.ts';

let hub: TestHub;
const T0 = Date.parse('2026-10-05T02:00:00Z'); // 10:00 in Asia/Shanghai
const H10 = '2026-10-05T10';

/** Ten-minute records of the Guizhou and Guangdong centers from `fromMs` for `minutes`; gd-01 at `gdScale` × the energy. */
function records(fromMs: number, minutes: number, gdScale: number): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const c of ['gz-01', 'gz-02', 'gd-01', 'gd-02'])
    for (let m = 0; m < minutes; m += 10) {
      const r = telemetry(c, fromMs + m * 60_000, 1, 10);
      if (c === 'gd-01') r.metrics.e_total_kwh = (r.metrics.e_total_kwh as number) * gdScale;
      out.push({
        center: c,
        startMs: Date.parse(r.start),
        endMs: Date.parse(r.end),
        source: 'telemetry',
        metrics: r.metrics as Record<string, number>,
        province: c.startsWith('gz') ? '52' : '44',
      });
    }
  return out;
}

const paths = {
  overview: `/api/v1/overview?kind=hour&period=${H10}`,
  provinces: `/api/v1/rankings?indicator=pue&level=province&kind=hour&period=${H10}`,
  centers: `/api/v1/rankings?indicator=pue&level=center&kind=hour&period=${H10}`,
  values: `/api/v1/values?level=province&kind=hour&period=${H10}&indicators=pue`,
};

before(async () => {
  hub = await startTestHub({ now: () => T0 + 3 * 3_600_000 });
  // The first half of the hour: gd-01 at 1.2 × the energy of the others.
  await hub.ctx.storage.writeRecords(records(T0, 30, 1.2));
  await hub.ctx.engine.runPeriod('hour', H10);
});
after(async () => {
  await hub.close();
});

test('the newest period is answered with the same bytes and an ETag; a client that has them gets 304', async () => {
  for (const p of Object.values(paths)) {
    const a = await hub.call('GET', p, { scope: 'nation' });
    assert.equal(a.status, 200, a.text);
    assert.match(a.headers.get('content-type')!, /^application\/json; charset=utf-8$/);
    const etag = a.headers.get('etag')!;
    assert.match(etag, /^"[\w-]+"$/, 'a strong ETag');
    const b = await hub.call('GET', p, { scope: 'nation' });
    assert.equal(b.text, a.text, p);
    assert.equal(b.headers.get('etag'), etag);
    // (fetch sends `Cache-Control: no-cache`, an end-to-end reload, with If-None-Match unless told otherwise.)
    const c = await hub.call('GET', p, {
      scope: 'nation',
      headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' },
    });
    assert.equal(c.status, 304, p);
    assert.equal(c.text, '');
    assert.equal(c.headers.get('cache-control'), 'no-store', 'a token-unlocked answer is still kept by no cache');
  }
});

test("a kept answer is one caller's view: a province sees its own row and its own centers after the nation asked", async () => {
  const nation = await hub.call('GET', paths.provinces, { scope: 'nation' });
  assert.deepEqual(
    nation.body.ranking.filter((r: { value: unknown }) => r.value !== null).map((r: { code: string }) => r.code),
    ['52', '44'],
  );
  const own = await hub.call('GET', paths.provinces, { scope: 'province:44' });
  assert.deepEqual(
    own.body.ranking.map((r: { code: string; rank: number }) => [r.code, r.rank]),
    [['44', 2]],
  );
  assert.notEqual(own.headers.get('etag'), nation.headers.get('etag'));
  const all = await hub.call('GET', paths.centers, { scope: 'nation' });
  assert.deepEqual(all.body.ranking.map((r: { code: string }) => r.code).sort(), [
    'bj-01',
    'gd-01',
    'gd-02',
    'gz-01',
    'gz-02',
  ]);
  const mine = await hub.call('GET', paths.centers, { scope: 'province:44' });
  assert.deepEqual(
    mine.body.ranking.map((r: { code: string }) => r.code),
    ['gd-02', 'gd-01'],
  );
  // A provincial caller's ETag of its own view does not fetch the nation's answer as "not modified".
  const cross = await hub.call('GET', paths.centers, {
    scope: 'province:44',
    headers: { 'if-none-match': all.headers.get('etag')! },
  });
  assert.equal(cross.status, 200);
  assert.equal(cross.text, mine.text);
});

test('a new run of the period replaces its answers; once a newer period is held, storage answers the same', async () => {
  const before = Object.fromEntries(
    await Promise.all(
      Object.entries(paths).map(async ([k, p]) => [k, await hub.call('GET', p, { scope: 'nation' })] as const),
    ),
  );
  const pue = (r: { body: { provinces: Record<string, Array<{ indicator: string; value: number }>> } }) =>
    r.body.provinces['44']!.find((v) => v.indicator === 'pue')!.value;

  // gd-01's second half of the hour arrives late through ingest, at 2 × the energy: Guangdong's PUE rises.
  const late = [0, 10, 20].map((m) => {
    const r = telemetry('gd-01', T0 + (30 + m) * 60_000, 1, 10);
    r.metrics.e_total_kwh = (r.metrics.e_total_kwh as number) * 2;
    return r;
  });
  const pushed = await hub.call('POST', '/api/v1/records', { scope: 'agent:gd-01', json: { records: late } });
  assert.equal(pushed.status, 200, pushed.text);
  await hub.ctx.engine.runPeriod('hour', H10);
  const after = Object.fromEntries(
    await Promise.all(
      Object.entries(paths).map(async ([k, p]) => {
        const r = await hub.call('GET', p, {
          scope: 'nation',
          headers: { 'if-none-match': before[k]!.headers.get('etag')! },
        });
        assert.equal(r.status, 200, `${k}: the old ETag no longer matches`);
        assert.notEqual(r.text, before[k]!.text, k);
        return [k, r] as const;
      }),
    ),
  );
  assert.ok(pue(after.overview!) > pue(before.overview!), `PUE ${pue(before.overview!)} → ${pue(after.overview!)}`);
  const gd01 = (r: { body: { ranking: Array<{ code: string; value: number }> } }) =>
    r.body.ranking.find((x) => x.code === 'gd-01')!.value;
  assert.ok(gd01(after.centers!) > gd01(before.centers!));

  // The next hour makes 10:00 an older period, read from storage: the same answers (storage lists values in an
  // order of its own; rankings are ordered by rank and code).
  await hub.ctx.storage.writeRecords(records(T0 + 60 * 60_000, 60, 1));
  await hub.ctx.engine.runPeriod('hour', '2026-10-05T11');
  for (const [k, p] of Object.entries(paths)) {
    const r = await hub.call('GET', p, { scope: 'nation' });
    assert.equal(r.status, 200);
    assert.deepEqual(byIndicator(r.body), byIndicator(after[k]!.body), `${k} from storage`);
    if (k === 'provinces' || k === 'centers') assert.equal(r.text, after[k]!.text, k);
  }
});

/** The answer with every list of values sorted by node and indicator. */
function byIndicator(x: unknown): unknown {
  if (Array.isArray(x)) {
    const items = x.map(byIndicator);
    const key = (v: unknown) => {
      const o = v as { code?: string; indicator?: string };
      return `${o.code ?? ''} ${o.indicator ?? ''}`;
    };
    return items.every((v) => typeof v === 'object' && v !== null && 'indicator' in v)
      ? items.sort((a, b) => key(a).localeCompare(key(b)))
      : items;
  }
  if (typeof x === 'object' && x !== null)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, byIndicator(v)]));
  return x;
}
