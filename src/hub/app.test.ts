/** @module Tests of the hub's ingest and reading endpoints against an in-process hub with embedded storage. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, telemetry, type TestHub } from './test-support.ts';

let hub: TestHub;
const T0 = Date.parse('2026-10-05T02:00:00Z'); // 10:00 in Asia/Shanghai

before(async () => {
  hub = await startTestHub({ now: () => T0 + 3 * 3_600_000 });
});
after(async () => {
  await hub.close();
});

test('health and readiness answer without a token', async () => {
  assert.equal((await hub.call('GET', '/healthz')).status, 200);
  const r = await hub.call('GET', '/readyz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ready');
});

test('POST /records stores valid records, names the keys, and a replay changes nothing', async () => {
  const recs = [telemetry('gz-01', T0), telemetry('gz-01', T0 + 60_000)];
  const r = await hub.call('POST', '/api/v1/records', { scope: 'agent:gz-01', json: { records: recs } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.accepted, ['gz-01/2026-10-05T02:00:00.000Z', 'gz-01/2026-10-05T02:01:00.000Z']);
  assert.deepEqual(r.body.rejected, []);
  const again = await hub.call('POST', '/api/v1/records', { scope: 'agent:gz-01', json: { records: recs } });
  assert.equal(again.status, 200);
  const stored = await hub.ctx.storage.queryRecords({ fromMs: T0, toMs: T0 + 3_600_000, centers: ['gz-01'] });
  assert.equal(stored.length, 2);
  assert.equal(stored[0]!.province, '52');
});

test('a batch with a bad record accepts the good ones and lists field errors for the bad', async () => {
  const bad = { ...telemetry('gz-01', T0 + 120_000), metrics: { e_total_kwh: -5 } };
  const r = await hub.call('POST', '/api/v1/records', {
    scope: 'agent:gz-01',
    json: { records: [telemetry('gz-01', T0 + 180_000), bad] },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.accepted.length, 1);
  assert.equal(r.body.rejected[0].index, 1);
  assert.equal(r.body.rejected[0].key, 'gz-01/2026-10-05T02:02:00.000Z');
  assert.equal(r.body.rejected[0].errors[0].path, '/metrics/e_total_kwh');
  assert.equal(r.body.rejected[0].errors[0].value, -5);
});

test('Prefer: return=minimal answers a count of accepted records instead of their keys', async () => {
  const bad = { ...telemetry('gz-01', T0 + 240_000), metrics: { e_total_kwh: 'x' } };
  const good = [telemetry('gz-01', T0 + 300_000), telemetry('gz-01', T0 + 360_000)];
  const r = await hub.call('POST', '/api/v1/records', {
    scope: 'agent:gz-01',
    json: { records: [good[0], bad, good[1]] },
    headers: { prefer: 'respond-async, return=minimal' },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('preference-applied'), 'return=minimal');
  assert.deepEqual(Object.keys(r.body).sort(), ['accepted_count', 'rejected']);
  assert.equal(r.body.accepted_count, 2);
  assert.equal(r.body.rejected[0].index, 1);
  assert.equal(r.body.rejected[0].errors[0].path, '/metrics/e_total_kwh');
  const stored = await hub.ctx.storage.queryRecords({ fromMs: T0 + 240_000, toMs: T0 + 420_000, centers: ['gz-01'] });
  assert.deepEqual(
    stored.map((s) => s.startMs),
    [T0 + 300_000, T0 + 360_000],
  );
  // Without the preference (or with return=representation) the keys are listed as before.
  const full = await hub.call('POST', '/api/v1/records', {
    scope: 'agent:gz-01',
    json: { records: good },
    headers: { prefer: 'return=representation' },
  });
  assert.equal(full.headers.get('preference-applied'), null);
  assert.deepEqual(full.body.accepted, ['gz-01/2026-10-05T02:05:00.000Z', 'gz-01/2026-10-05T02:06:00.000Z']);
});

test('only bad records: 400 with the field errors and nothing written', async () => {
  const bad = { ...telemetry('gz-01', T0 + 600_000), end: 'yesterday' };
  const r = await hub.call('POST', '/api/v1/records', { scope: 'agent:gz-01', json: { records: [bad] } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'DIMS_ERR_INVALID_RECORDS');
  assert.equal(r.body.rejected[0].errors[0].path, '/end');
  const stored = await hub.ctx.storage.queryRecords({ fromMs: T0 + 600_000, toMs: T0 + 660_000 });
  assert.equal(stored.length, 0);
});

test('a record of another center is refused whole with 403', async () => {
  const r = await hub.call('POST', '/api/v1/records', {
    scope: 'agent:gz-01',
    json: { records: [telemetry('gz-01', T0 + 900_000), telemetry('gz-02', T0 + 900_000)] },
  });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'DIMS_ERR_CENTER_FORBIDDEN');
  assert.equal((await hub.ctx.storage.queryRecords({ fromMs: T0 + 900_000, toMs: T0 + 960_000 })).length, 0);
});

test('federate token writes any center of its province, not others', async () => {
  const ok = await hub.call('POST', '/api/v1/records', {
    scope: 'federate:52',
    json: { records: [telemetry('gz-02', T0)] },
  });
  assert.equal(ok.status, 200, ok.text);
  const no = await hub.call('POST', '/api/v1/records', {
    scope: 'federate:52',
    json: { records: [telemetry('gd-01', T0)] },
  });
  assert.equal(no.status, 403);
});

test('malformed bodies: 400 bad JSON, 400 shape, 413 over the limit, 401 without token', async () => {
  const bad = await hub.call('POST', '/api/v1/records', {
    scope: 'agent:gz-01',
    body: '{"records": [',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'DIMS_ERR_BAD_JSON');
  const shape = await hub.call('POST', '/api/v1/records', { scope: 'agent:gz-01', json: [1, 2] });
  assert.equal(shape.status, 400);
  const huge = await hub.call('POST', '/api/v1/records', {
    scope: 'agent:gz-01',
    body: `{"records":["${'x'.repeat(6 * 1024 * 1024)}"]}`,
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(huge.status, 413);
  assert.equal(huge.body.error.code, 'DIMS_ERR_TOO_LARGE');
  const anon = await hub.call('POST', '/api/v1/records', { json: { records: [] } });
  assert.equal(anon.status, 401);
  const wrong = await hub.call('POST', '/api/v1/records', { token: 'dims_nope', json: { records: [] } });
  assert.equal(wrong.status, 401);
});

test('runPeriod stores values for every level; values, rankings and series read them back', async () => {
  // Two hours of records for four centers; Guangdong is less efficient (higher PUE).
  const recs: Record<string, unknown[]> = {};
  for (const [c, scale] of [
    ['gz-01', 1],
    ['gz-02', 1],
    ['gd-01', 1],
    ['gd-02', 1],
  ] as const) {
    recs[c] = [];
    for (let m = 0; m < 120; m += 10) {
      const r = telemetry(c, T0 + m * 60_000, scale, 10);
      if (c.startsWith('gd')) r.metrics.e_total_kwh = (r.metrics.e_total_kwh as number) * (c === 'gd-01' ? 1.2 : 1.1);
      recs[c]!.push(r);
    }
  }
  await hub.ctx.storage.writeRecords(
    Object.values(recs)
      .flat()
      .map((r) => {
        const x = r as { center: string; start: string; end: string; metrics: Record<string, number> };
        return {
          center: x.center,
          startMs: Date.parse(x.start),
          endMs: Date.parse(x.end),
          source: 'telemetry' as const,
          metrics: x.metrics,
          province: x.center.startsWith('gz') ? '52' : '44',
        };
      }),
  );
  const r1 = await hub.ctx.engine.runPeriod('hour', '2026-10-05T10');
  assert.ok(r1.values > 60);
  const first = await hub.ctx.storage.queryValues({ period_kind: 'hour', period: '2026-10-05T10' });
  await hub.ctx.engine.runPeriod('hour', '2026-10-05T10');
  const second = await hub.ctx.storage.queryValues({ period_kind: 'hour', period: '2026-10-05T10' });
  const strip = (vs: typeof first) => vs.map(({ computedAtMs: _c, ...rest }) => rest);
  assert.deepEqual(strip(second), strip(first), 'running a period twice stores the same values');

  const nation = await hub.call('GET', '/api/v1/values?level=nation&kind=hour&period=2026-10-05T10&indicators=pue', {
    scope: 'nation',
  });
  assert.equal(nation.status, 200, nation.text);
  const pue = nation.body.values[0];
  assert.equal(pue.indicator, 'pue');
  assert.ok(pue.value > 1.25 && pue.value < 1.45, `nation PUE ${pue.value}`);

  const rank = await hub.call('GET', '/api/v1/rankings?indicator=pue&level=province&kind=hour&period=2026-10-05T10', {
    scope: 'nation',
  });
  assert.equal(rank.status, 200, rank.text);
  assert.equal(rank.body.direction, 'lower');
  assert.deepEqual(
    rank.body.ranking
      .filter((r: { value: unknown }) => r.value !== null)
      .map((r: { code: string; rank: number }) => [r.code, r.rank]),
    [
      ['52', 1],
      ['44', 2],
    ],
  );

  const mine = await hub.call('GET', '/api/v1/rankings?indicator=pue&level=province&kind=hour&period=2026-10-05T10', {
    scope: 'province:44',
  });
  assert.equal(mine.status, 200);
  assert.deepEqual(
    mine.body.ranking.map((r: { code: string; rank: number }) => [r.code, r.rank]),
    [['44', 2]],
  );

  const centers = await hub.call(
    'GET',
    '/api/v1/rankings?indicator=pue&level=center&province=44&kind=hour&period=2026-10-05T10',
    { scope: 'province:44' },
  );
  assert.deepEqual(
    centers.body.ranking.map((r: { code: string }) => r.code),
    ['gd-02', 'gd-01'],
  );
  const other = await hub.call(
    'GET',
    '/api/v1/rankings?indicator=pue&level=center&province=52&kind=hour&period=2026-10-05T10',
    { scope: 'province:44' },
  );
  assert.equal(other.status, 403);
  const leak = await hub.call('GET', '/api/v1/rankings?indicator=pue&level=center&kind=hour&period=2026-10-05T10', {
    scope: 'province:44',
  });
  assert.ok(leak.body.ranking.every((r: { province: string }) => r.province === '44'));

  const series = await hub.call(
    'GET',
    `/api/v1/series?indicator=C01&level=province&code=52&kind=hour` +
      `&from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0 + 3 * 3_600_000).toISOString()}`,
    { scope: 'province:52' },
  );
  assert.equal(series.status, 200, series.text);
  assert.equal(series.body.points.length, 1);
  assert.equal(series.body.points[0].period, '2026-10-05T10');
});

test('bad parameters name the parameter and the value', async () => {
  const r = await hub.call('GET', '/api/v1/values?level=planet', { scope: 'nation' });
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /level.*planet/);
  const p = await hub.call('GET', '/api/v1/values?kind=month&period=2026-13x', { scope: 'nation' });
  assert.equal(p.status, 400);
  assert.match(p.body.error.message, /period/);
});

test('a period name selects its kind; a kind that contradicts it is a 400 naming both', async () => {
  const byName = await hub.call('GET', '/api/v1/values?level=nation&period=2026-10-05T10&indicators=pue', {
    scope: 'nation',
  });
  assert.equal(byName.status, 200, byName.text);
  assert.equal(byName.body.kind, 'hour');
  assert.equal(byName.body.period, '2026-10-05T10');
  assert.equal(byName.body.values.length, 1, 'the hour closed above, not an empty real-time answer');
  for (const [period, kind] of [
    ['2026-11', 'month'],
    ['2026-Q3', 'quarter'],
    ['2026', 'year'],
    ['2026-10-05', 'day'],
  ]) {
    const r = await hub.call('GET', `/api/v1/values?level=nation&period=${period}`, { scope: 'nation' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.kind, kind, period);
    assert.equal(r.body.period, period);
  }
  const wrong = await hub.call('GET', '/api/v1/values?level=nation&kind=realtime&period=2026-11', { scope: 'nation' });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.code, 'DIMS_ERR_BAD_PARAMETER');
  assert.match(wrong.body.error.message, /kind "realtime" contradicts period "2026-11", which names a month/);
  const rank = await hub.call('GET', '/api/v1/rankings?indicator=pue&level=province&kind=day&period=2026-Q3', {
    scope: 'nation',
  });
  assert.equal(rank.status, 400);
  assert.match(rank.body.error.message, /kind "day".*period "2026-Q3".*quarter/);
});

test('hierarchy and coverage are scoped to the caller', async () => {
  const h = await hub.call('GET', '/api/v1/hierarchy', { scope: 'province:52' });
  assert.equal(h.status, 200);
  assert.deepEqual(
    h.body.provinces.map((p: { code: string }) => p.code),
    ['52'],
  );
  assert.deepEqual(
    h.body.provinces[0].centers.map((c: { id: string }) => c.id),
    ['gz-01', 'gz-02'],
  );
  const c = await hub.call('GET', '/api/v1/coverage?kind=hour&period=2026-10-05T10', { scope: 'nation' });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.nation.expected, 5);
  const bj = c.body.centers.find((x: { center: string }) => x.center === 'bj-01');
  assert.equal(bj.reported, false);
  assert.equal(bj.late, true);
  const scoped = await hub.call('GET', '/api/v1/coverage', { scope: 'province:44' });
  assert.ok(scoped.body.centers.every((x: { province: string }) => x.province === '44'));
  assert.equal(scoped.body.nation, undefined);
});

test('unknown routes answer 404 with a catalog code', async () => {
  const r = await hub.call('GET', '/api/v1/nothing', { scope: 'nation' });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'DIMS_ERR_NOT_FOUND');
});
