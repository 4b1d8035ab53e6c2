/** @module Bad input to center records: each kind of problem is refused with the field and value named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '../catalog/load.ts';
import { indexRegistry } from '../registry/load.ts';
import { parseRecord, parseRecords, findOverlaps, dropReplays } from './parse.ts';
import { recordKey } from '../model/records.ts';
import type { Center } from '../model/centers.ts';

const catalog = defaultCatalog();
const c1: Center = {
  id: 'c1',
  name: 'c1',
  province: '44',
  type: 'general',
  hub_cluster: null,
  commission_date: '2020-01-01',
  size_class: 'large',
  racks_design: 10,
  racks_installed: 8,
  it_rated_kw: 20,
  grid_capacity_kw: 40,
};
const ctx = { catalog, registry: indexRegistry([c1]), nowMs: Date.parse('2026-11-01T00:00:00Z') };
const good = {
  center: 'c1',
  start: '2026-10-01T00:00:00+08:00',
  end: '2026-10-01T00:05:00+08:00',
  metrics: { e_total_kwh: 12.5, e_it_kwh: 10 },
};

function problemsOf(raw: unknown) {
  return parseRecord(raw, ctx).problems;
}

test('a good record parses with UTC times and its idempotency key', () => {
  const { record, problems } = parseRecord(good, ctx);
  assert.deepEqual(problems, []);
  assert.equal(record!.startMs, Date.parse('2026-09-30T16:00:00Z'));
  assert.equal(recordKey(record!), 'c1/2026-09-30T16:00:00.000Z');
});

const cases: Array<{ name: string; raw: unknown; path: string; message: RegExp }> = [
  { name: 'not an object', raw: 'hello', path: '/', message: /object/ },
  { name: 'missing end', raw: { ...good, end: undefined }, path: '/end', message: /required/ },
  { name: 'malformed time', raw: { ...good, start: 'yesterday' }, path: '/start', message: /date-time/ },
  {
    name: 'malformed end',
    raw: { ...good, end: '2026-10-01 00:05' },
    path: '/end',
    message: /must match format "date-time"/,
  },
  {
    name: 'a day that does not exist',
    raw: { ...good, start: '2026-02-30T00:00:00Z' },
    path: '/start',
    message: /date-time/,
  },
  { name: 'time without a zone', raw: { ...good, end: '2026-10-01T00:05:00' }, path: '/end', message: /date-time/ },
  { name: 'time as a number', raw: { ...good, start: 1790812800000 }, path: '/start', message: /must be string/ },
  {
    name: 'unknown metric id',
    raw: { ...good, metrics: { e_totl_kwh: 1 } },
    path: '/metrics/e_totl_kwh',
    message: /not a raw metric/,
  },
  {
    name: 'negative delta',
    raw: { ...good, metrics: { e_it_kwh: -3 } },
    path: '/metrics/e_it_kwh',
    message: /negative delta/,
  },
  {
    name: 'end before start',
    raw: { ...good, end: '2026-09-30T00:00:00+08:00' },
    path: '/end',
    message: /after start/,
  },
  { name: 'end equal to start', raw: { ...good, end: good.start }, path: '/end', message: /after start/ },
  {
    name: 'center not in the registry',
    raw: { ...good, center: 'c9' },
    path: '/center',
    message: /not a center of the registry/,
  },
  {
    name: 'registry fact sent as telemetry',
    raw: { ...good, metrics: { racks_installed: 5 } },
    path: '/metrics/racks_installed',
    message: /registry/,
  },
  {
    name: 'declaration metric sent as telemetry',
    raw: { ...good, metrics: { security_incidents: 1 } },
    path: '/metrics/security_incidents',
    message: /declaration/,
  },
  { name: 'string value', raw: { ...good, metrics: { e_it_kwh: '10' } }, path: '/metrics/e_it_kwh', message: /number/ },
  { name: 'NaN', raw: { ...good, metrics: { e_it_kwh: NaN } }, path: '/metrics/e_it_kwh', message: /finite/ },
  {
    name: 'huge number',
    raw: { ...good, metrics: { e_it_kwh: 1e300 } },
    path: '/metrics/e_it_kwh',
    message: /implausibly large/,
  },
  {
    name: 'far-future timestamp',
    raw: { ...good, start: '2099-01-01T00:00:00Z', end: '2099-01-01T00:05:00Z' },
    path: '/end',
    message: /future/,
  },
  { name: 'extra field', raw: { ...good, colour: 'red' }, path: '/colour', message: /not an allowed field/ },
  {
    name: 'histogram with wrong bounds',
    raw: { ...good, histograms: { lat_city_hist: { bounds: [1, 2], counts: [1, 2, 3] } } },
    path: '/histograms/lat_city_hist/bounds',
    message: /dictionary bounds/,
  },
  {
    name: 'a year-long telemetry interval',
    raw: { ...good, start: '2025-10-01T00:00:00+08:00', end: '2026-10-01T00:00:00+08:00' },
    path: '/end',
    message: /makes a 365 d interval; telemetry intervals are whole seconds that divide an hour/,
  },
  {
    name: 'a 2-hour telemetry interval',
    raw: { ...good, end: '2026-10-01T02:00:00+08:00' },
    path: '/end',
    message: /makes a 2 h interval/,
  },
  {
    name: 'a 1 ms telemetry interval',
    raw: { ...good, end: '2026-10-01T00:00:00.001+08:00' },
    path: '/end',
    message: /makes a 1 ms interval/,
  },
  {
    name: 'a 7-minute telemetry interval',
    raw: { ...good, end: '2026-10-01T00:07:00+08:00' },
    path: '/end',
    message: /makes a 7 min interval/,
  },
  {
    name: 'a 5-minute record that starts at :01',
    raw: { ...good, start: '2026-10-01T00:01:00+08:00', end: '2026-10-01T00:06:00+08:00' },
    path: '/start',
    message:
      /must be a multiple of its 5 min interval counted from 1970-01-01T00:00Z \(e.g. 2026-09-30T16:00:00.000Z\)/,
  },
  {
    name: 'a 1 s record that starts at .500',
    raw: { ...good, start: '2026-10-01T00:00:00.5+08:00', end: '2026-10-01T00:00:01.5+08:00' },
    path: '/start',
    message: /multiple of its 1 s interval/,
  },
  { name: '-0 kWh', raw: { ...good, metrics: { e_total_kwh: -0 } }, path: '/metrics/e_total_kwh', message: /negative/ },
];

test('telemetry intervals that divide an hour are accepted when aligned; declarations keep spanning months', () => {
  for (const seconds of [1, 2, 30, 60, 300, 600, 900, 1800, 3600]) {
    const start = Date.parse('2026-10-01T00:00:00Z');
    const raw = { ...good, start: new Date(start).toISOString(), end: new Date(start + seconds * 1000).toISOString() };
    assert.deepEqual(problemsOf(raw), [], `${seconds} s`);
  }
  const quarter = {
    ...good,
    source: 'declaration',
    start: '2026-07-01T00:00:00+08:00',
    end: '2026-10-01T00:00:00+08:00',
    metrics: { diesel_l: 5 },
  };
  assert.deepEqual(problemsOf(quarter), []);
  const summary = { ...good, end: '2026-11-01T00:00:00+08:00' };
  assert.deepEqual(
    parseRecord(summary, { ...ctx, anyInterval: true }).problems,
    [],
    'golden scripts state a month as one record',
  );
});

for (const c of cases) {
  test(`refused: ${c.name}`, () => {
    const problems = problemsOf(c.raw);
    assert.ok(problems.length > 0, 'expected a problem');
    const hit = problems.find((p) => p.path === c.path);
    assert.ok(hit, `no problem at ${c.path}: ${JSON.stringify(problems)}`);
    assert.match(hit.message, c.message);
  });
}

test('times are checked on every record, also when their text repeats (the parsed times are remembered)', () => {
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(problemsOf({ ...good, start: 'yesterday' }), [
      { path: '/start', message: 'must match format "date-time"', value: 'yesterday' },
    ]);
    assert.deepEqual(problemsOf(good), []);
  }
  const long = `2026-10-01T00:00:00${'0'.repeat(100)}Z`;
  assert.deepEqual(problemsOf({ ...good, start: long }), [
    { path: '/start', message: 'must match format "date-time"', value: long },
  ]);
  assert.deepEqual(
    problemsOf({ ...good, start: 5, end: 'x' }).map((p) => p.path),
    ['/start', '/end'],
  );
});

test('a batch returns the good records and names each bad one by index and key', () => {
  const { records, errors } = parseRecords(
    [
      good,
      { ...good, start: '2026-10-01T00:05:00+08:00', end: '2026-10-01T00:10:00+08:00', metrics: { e_it_kwh: -1 } },
    ],
    ctx,
  );
  assert.equal(records.length, 1);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.index, 1);
  assert.equal(errors[0]!.key, 'c1/2026-09-30T16:05:00.000Z');
});

test('overlapping telemetry intervals of one center are found; identical replays are dropped instead', () => {
  const a = parseRecord(good, ctx).record!;
  const b = parseRecord({ ...good, start: '2026-10-01T00:03:00+08:00', end: '2026-10-01T00:04:00+08:00' }, ctx).record!;
  assert.equal(findOverlaps([a, b]).length, 1);
  assert.equal(dropReplays([a, { ...a }]).length, 1);
  assert.equal(findOverlaps(dropReplays([a, { ...a }])).length, 0);
});

test('a declaration carries declaration metrics and may be filed for the current period', () => {
  const { problems } = parseRecord(
    {
      center: 'c1',
      start: '2026-10-01T00:00:00+08:00',
      end: '2026-11-01T00:00:00+08:00',
      source: 'declaration',
      metrics: { security_incidents: 2, mlps_l3_valid: true },
    },
    ctx,
  );
  assert.deepEqual(problems, []);
});
