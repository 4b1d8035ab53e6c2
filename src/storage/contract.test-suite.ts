/**
 * @module The storage contract: one suite of behaviours every Storage adapter must show, run by each
 * adapter's test file (`runStorageContract('sqlite', () => new SqliteStorage(...))`).
 *
 * `makeStorage` returns a fresh, empty, not yet opened store per call; the suite opens and closes it.
 * Times sit a few days before now so they are inside any retention policy.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage, StoredRecord, StoredRollup, StoredValue } from './types.ts';
import { StorageInputError } from './errors.ts';
import { periodName, periodWindow, shiftPeriod } from '../model/periods.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Midnight UTC three days ago: recent enough for every retention policy. */
export const BASE_MS = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;

const BOUNDS = [0.25, 0.5, 1, 2, 5, 10, 100];

export function makeRecord(over: Partial<StoredRecord> = {}): StoredRecord {
  return {
    center: 'gd-gz-001',
    province: 'GD',
    startMs: BASE_MS,
    endMs: BASE_MS + 5 * MIN,
    source: 'telemetry',
    metrics: { e_total_kwh: 1234.5, e_it_kwh: 987.25, racks_in_use: 310, inlet_temp_c_max: 27.5 },
    histograms: { lat_city_hist: { bounds: BOUNDS, counts: [0, 3, 10, 4, 1, 0, 0, 0] } },
    ...over,
  };
}

export function makeValue(over: Partial<StoredValue> = {}): StoredValue {
  return {
    period_kind: 'day',
    period: new Date(BASE_MS).toISOString().slice(0, 10),
    fromMs: BASE_MS,
    toMs: BASE_MS + DAY,
    level: 'center',
    code: 'gd-gz-001',
    province: 'GD',
    indicator: 'pue',
    dimension: 'environment',
    value: 1.3125,
    unit: 'ratio',
    numerator: 1234.5,
    denominator: 940.571,
    centers: 1,
    coverage: { centers: 1, it_energy: 0.875 },
    reason: null,
    computedAtMs: BASE_MS + DAY + 5 * MIN,
    ...over,
  };
}

export function makeRollup(over: Partial<StoredRollup> = {}): StoredRollup {
  return {
    kind: 'hour',
    center: 'gd-gz-001',
    province: 'GD',
    startMs: BASE_MS,
    endMs: BASE_MS + HOUR,
    source: 'telemetry',
    metrics: { e_total_kwh: 14814.0625, inlet_temp_c_mean: 24.1 + 1e-12, racks_in_use: 310, inlet_temp_c_max: 27.5 },
    histograms: { lat_city_hist: { bounds: BOUNDS, counts: [0, 36, 120, 48, 12, 0, 0, 0] } },
    rollup: {
      aux: { inlet_temp_c_mean: 3_540_000, racks_in_use: BASE_MS + HOUR },
      records: 12,
      coveredMs: 3_540_000.5,
      firstStartMs: BASE_MS,
      lastEndMs: BASE_MS + HOUR,
    },
    ...over,
  };
}

const ALL = { fromMs: BASE_MS - 30 * DAY, toMs: BASE_MS + 30 * DAY };

/** Runs the contract against one adapter. */
export function runStorageContract(name: string, makeStorage: () => Storage | Promise<Storage>): void {
  describe(`storage contract: ${name}`, () => {
    const opened: Storage[] = [];
    async function fresh(): Promise<Storage> {
      const s = await makeStorage();
      await s.open();
      opened.push(s);
      return s;
    }
    after(async () => {
      for (const s of opened) await s.close();
    });

    it('opens idempotently and answers ping', async () => {
      const s = await fresh();
      await s.open();
      assert.equal(await s.ping(), true);
      assert.deepEqual(await s.queryRecords(ALL), []);
    });

    describe('records', () => {
      let s: Storage;
      before(async () => {
        s = await fresh();
      });

      it('round-trips metrics and histograms exactly', async () => {
        const a = makeRecord();
        const b = makeRecord({
          center: 'bj-001',
          province: 'BJ',
          metrics: { e_total_kwh: 0.1 + 0.2, water_m3: 1e-9, big: 1.5e21 },
          histograms: undefined,
        });
        const withoutHist = { ...b };
        delete withoutHist.histograms;
        await s.writeRecords([a, b]);
        const got = await s.queryRecords(ALL);
        assert.deepEqual(got, [withoutHist, a]);
      });

      it('writing the same record twice leaves one', async () => {
        const r = makeRecord({ center: 'dup-1', startMs: BASE_MS + HOUR, endMs: BASE_MS + HOUR + 5 * MIN });
        await s.writeRecords([r]);
        await s.writeRecords([r]);
        await s.writeRecords([r, r]);
        const got = await s.queryRecords({ ...ALL, centers: ['dup-1'] });
        assert.equal(got.length, 1);
        assert.deepEqual(got[0], r);
      });

      it('a later copy with the same (center, start, source) replaces the earlier one, fields and all', async () => {
        const first = makeRecord({ center: 'rep-1', metrics: { e_total_kwh: 5, e_it_kwh: 4, water_m3: 2 } });
        const second = makeRecord({
          center: 'rep-1',
          endMs: BASE_MS + 6 * MIN,
          province: 'GD',
          metrics: { e_total_kwh: 6 },
          histograms: undefined,
        });
        await s.writeRecords([first]);
        await s.writeRecords([second]);
        const got = await s.queryRecords({ ...ALL, centers: ['rep-1'] });
        const expected = { ...second };
        delete expected.histograms;
        assert.deepEqual(got, [expected]);
      });

      it('within one batch the last copy of an identity wins', async () => {
        const r1 = makeRecord({ center: 'batch-dup', metrics: { e_total_kwh: 1 } });
        const r2 = makeRecord({ center: 'batch-dup', metrics: { e_total_kwh: 2 } });
        await s.writeRecords([r1, r2]);
        const got = await s.queryRecords({ ...ALL, centers: ['batch-dup'] });
        assert.deepEqual(
          got.map((r) => r.metrics.e_total_kwh),
          [2],
        );
      });

      it('telemetry and a declaration for the same center and start are two records; source filters', async () => {
        const t = makeRecord({ center: 'src-1' });
        const d = makeRecord({
          center: 'src-1',
          source: 'declaration',
          endMs: BASE_MS + 90 * DAY,
          metrics: { diesel_l: 120 },
          histograms: undefined,
        });
        await s.writeRecords([t, d]);
        const both = await s.queryRecords({ ...ALL, centers: ['src-1'] });
        assert.deepEqual(
          both.map((r) => r.source),
          ['declaration', 'telemetry'],
        );
        const decl = await s.queryRecords({ ...ALL, centers: ['src-1'], source: 'declaration' });
        assert.deepEqual(
          decl.map((r) => r.metrics),
          [{ diesel_l: 120 }],
        );
      });

      it('stores ids with quotes, spaces, commas, equals signs and non-ASCII literally', async () => {
        const odd = ["x' OR 1=1 --", 'a,b=c d', 'zj-杭州-01', '"quoted"', "it's"];
        await s.writeRecords(odd.map((center, i) => makeRecord({ center, province: i === 0 ? "p' OR ''='" : 'ZJ' })));
        for (const center of odd) {
          const got = await s.queryRecords({ ...ALL, centers: [center] });
          assert.deepEqual(
            got.map((r) => r.center),
            [center],
            center,
          );
        }
        const byProvince = await s.queryRecords({ ...ALL, provinces: ["p' OR ''='"] });
        assert.deepEqual(
          byProvince.map((r) => r.center),
          ["x' OR 1=1 --"],
        );
      });
    });

    describe('record queries', () => {
      let s: Storage;
      const recs: StoredRecord[] = [];
      before(async () => {
        s = await fresh();
        for (let i = 0; i < 6; i++) {
          for (const [center, province] of [
            ['c1', 'GD'],
            ['c2', 'GD'],
            ['c3', 'BJ'],
          ] as const) {
            recs.push(
              makeRecord({
                center,
                province,
                startMs: BASE_MS + i * 5 * MIN,
                endMs: BASE_MS + (i + 1) * 5 * MIN,
                metrics: { e_total_kwh: i },
              }),
            );
          }
        }
        await s.writeRecords(recs);
      });

      it('leaves out records ending at or before endAfterMs', async () => {
        const got = await s.queryRecords({
          fromMs: BASE_MS,
          toMs: BASE_MS + 15 * MIN,
          endAfterMs: BASE_MS + 10 * MIN,
          source: 'telemetry',
        });
        assert.deepEqual(
          got.map((r) => [r.startMs - BASE_MS, r.center]),
          [
            [10 * MIN, 'c1'],
            [10 * MIN, 'c2'],
            [10 * MIN, 'c3'],
          ],
        );
      });

      it('reads the half-open window [fromMs, toMs) on record start, ordered by start, center, source', async () => {
        const got = await s.queryRecords({ fromMs: BASE_MS + 5 * MIN, toMs: BASE_MS + 15 * MIN });
        assert.deepEqual(
          got.map((r) => [r.startMs - BASE_MS, r.center]),
          [
            [5 * MIN, 'c1'],
            [5 * MIN, 'c2'],
            [5 * MIN, 'c3'],
            [10 * MIN, 'c1'],
            [10 * MIN, 'c2'],
            [10 * MIN, 'c3'],
          ],
        );
      });

      it('narrows by centers and provinces; an empty list matches nothing', async () => {
        assert.equal((await s.queryRecords({ ...ALL, centers: ['c1', 'c3'] })).length, 12);
        assert.equal((await s.queryRecords({ ...ALL, provinces: ['GD'] })).length, 12);
        assert.equal((await s.queryRecords({ ...ALL, provinces: ['GD'], centers: ['c3'] })).length, 0);
        assert.equal((await s.queryRecords({ ...ALL, centers: [] })).length, 0);
        assert.equal((await s.queryRecords({ ...ALL, centers: ['nope'] })).length, 0);
      });

      it('accepts long center lists', async () => {
        const centers = Array.from({ length: 1000 }, (_, i) => `unknown-${i}`).concat(['c2']);
        assert.equal((await s.queryRecords({ ...ALL, centers })).length, 6);
      });

      it('reports per-center statistics over a window', async () => {
        const stats = await s.reportStats(BASE_MS + 5 * MIN, BASE_MS + 20 * MIN);
        assert.deepEqual(stats, [
          { center: 'c1', province: 'GD', records: 3, firstStartMs: BASE_MS + 5 * MIN, lastEndMs: BASE_MS + 20 * MIN },
          { center: 'c2', province: 'GD', records: 3, firstStartMs: BASE_MS + 5 * MIN, lastEndMs: BASE_MS + 20 * MIN },
          { center: 'c3', province: 'BJ', records: 3, firstStartMs: BASE_MS + 5 * MIN, lastEndMs: BASE_MS + 20 * MIN },
        ]);
        assert.deepEqual(await s.reportStats(BASE_MS - DAY, BASE_MS), []);
      });

      it('answers windows reaching past the time range a store can hold (year 1 to 9999) like any other', async () => {
        const far = { fromMs: Date.parse('0001-01-01T00:00:00Z'), toMs: Date.parse('9999-12-31T00:00:00Z') };
        assert.equal((await s.queryRecords(far)).length, 18);
        assert.equal((await s.queryRecords({ fromMs: BASE_MS, toMs: Date.parse('2300-01-01T00:00:00Z') })).length, 18);
        assert.equal(
          (await s.queryRecords({ fromMs: far.fromMs, toMs: Date.parse('1500-01-01T00:00:00Z') })).length,
          0,
        );
        assert.equal((await s.reportStats(far.fromMs, far.toMs)).length, 3);
        assert.deepEqual(await s.queryValues({ period_kind: 'day', ...far }), []);
      });

      it('finds each center’s latest telemetry at or after a time, declarations aside', async () => {
        await s.writeRecords([
          makeRecord({ center: 'c2', startMs: BASE_MS + DAY, endMs: BASE_MS + DAY + 5 * MIN, source: 'declaration' }),
        ]);
        const latest = await s.latestTelemetry(['c1', 'c3', 'nope'], BASE_MS + 10 * MIN);
        assert.deepEqual([...latest].sort(), [
          ['c1', { startMs: BASE_MS + 25 * MIN, endMs: BASE_MS + 30 * MIN }],
          ['c3', { startMs: BASE_MS + 25 * MIN, endMs: BASE_MS + 30 * MIN }],
        ]);
        assert.deepEqual(
          [...(await s.latestTelemetry(['c2'], BASE_MS))],
          [['c2', { startMs: BASE_MS + 25 * MIN, endMs: BASE_MS + 30 * MIN }]],
        );
        assert.equal((await s.latestTelemetry(['c1'], BASE_MS + 30 * MIN)).size, 0);
        assert.equal((await s.latestTelemetry(['c1'], Date.parse('0001-01-01T00:00:00Z'))).size, 1);
        // An upper bound on start: the latest record that started before it (a closed period's last data).
        assert.deepEqual([...(await s.latestTelemetry(['c1', 'c2'], BASE_MS, BASE_MS + 15 * MIN))].sort(), [
          ['c1', { startMs: BASE_MS + 10 * MIN, endMs: BASE_MS + 15 * MIN }],
          ['c2', { startMs: BASE_MS + 10 * MIN, endMs: BASE_MS + 15 * MIN }],
        ]);
        assert.equal((await s.latestTelemetry(['c1'], BASE_MS + 5 * MIN, BASE_MS + 5 * MIN)).size, 0);
      });
    });

    describe('batches', () => {
      it('stores a batch larger than one write request (12,000 records) completely', async () => {
        const s = await fresh();
        const many = Array.from({ length: 12_000 }, (_, i) =>
          makeRecord({
            center: `c${i % 100}`,
            startMs: BASE_MS + Math.floor(i / 100) * MIN,
            endMs: BASE_MS + Math.floor(i / 100) * MIN + MIN,
            metrics: { e_total_kwh: i },
            histograms: undefined,
          }),
        );
        await s.writeRecords(many);
        await s.writeRecords(many.slice(0, 7000));
        const got = await s.queryRecords(ALL);
        assert.equal(got.length, 12_000);
        assert.equal(
          got.reduce((sum, r) => sum + r.metrics.e_total_kwh!, 0),
          (11_999 * 12_000) / 2,
        );
        const stats = await s.reportStats(ALL.fromMs, ALL.toMs);
        assert.equal(stats.length, 100);
        assert.ok(stats.every((x) => x.records === 120));
      });

      it('refuses a batch with a malformed item before writing any of it', async () => {
        const s = await fresh();
        const good = makeRecord({ center: 'ok' });
        const cases: [string, StoredRecord][] = [
          ['NaN metric', makeRecord({ center: 'bad', metrics: { e_total_kwh: Number.NaN } })],
          ['Infinity metric', makeRecord({ center: 'bad', metrics: { e_total_kwh: Infinity } })],
          ['end before start', makeRecord({ center: 'bad', endMs: BASE_MS - 1 })],
          ['empty center', makeRecord({ center: '' })],
          ['newline in center', makeRecord({ center: 'a\nb' })],
          ['reserved metric id', makeRecord({ center: 'bad', metrics: { end_ms: 1 } })],
          [
            'histogram count mismatch',
            makeRecord({ center: 'bad', histograms: { h: { bounds: [1, 2], counts: [1, 2] } } }),
          ],
        ];
        for (const [label, bad] of cases) {
          await assert.rejects(s.writeRecords([good, bad]), StorageInputError, label);
        }
        assert.deepEqual(await s.queryRecords(ALL), []);
        const badValue = makeValue({ value: Number.NaN });
        await assert.rejects(s.writeValues([makeValue({ code: 'ok' }), badValue]), StorageInputError);
        assert.deepEqual(await s.queryValues({ period_kind: 'day' }), []);
      });
    });

    describe('roll-ups', () => {
      let s: Storage;
      before(async () => {
        s = await fresh();
      });

      it('round-trip metrics, bookkeeping and histograms exactly; kinds are apart', async () => {
        const hour = makeRollup();
        const day = makeRollup({ kind: 'day', endMs: BASE_MS + DAY, histograms: undefined });
        const month = makeRollup({ kind: 'month', center: 'bj-001', province: 'BJ', endMs: BASE_MS + 30 * DAY });
        await s.writeRollups([hour, day, month]);
        assert.deepEqual(await s.queryRollups({ kind: 'hour', ...ALL }), [hour]);
        const dayBack = { ...day };
        delete dayBack.histograms;
        assert.deepEqual(await s.queryRollups({ kind: 'day', ...ALL }), [dayBack]);
        assert.deepEqual(await s.queryRollups({ kind: 'month', ...ALL }), [month]);
        assert.deepEqual(await s.queryRecords(ALL), [], 'roll-ups are not records');
      });

      it('a rebuilt roll-up replaces the earlier one; queries narrow by time, centers and provinces', async () => {
        const s2 = await fresh();
        const rows: StoredRollup[] = [];
        for (let h = 0; h < 3; h++)
          for (const [center, province] of [
            ['c1', 'GD'],
            ['c2', 'BJ'],
          ] as const)
            rows.push(makeRollup({ center, province, startMs: BASE_MS + h * HOUR, endMs: BASE_MS + (h + 1) * HOUR }));
        await s2.writeRollups(rows);
        const rebuilt = makeRollup({
          center: 'c1',
          province: 'GD',
          metrics: { e_total_kwh: 1 },
          histograms: undefined,
          rollup: { aux: {}, records: 1, coveredMs: 60_000, firstStartMs: BASE_MS, lastEndMs: BASE_MS + 60_000 },
        });
        await s2.writeRollups([rebuilt, rebuilt]);
        const first = await s2.queryRollups({ kind: 'hour', fromMs: BASE_MS, toMs: BASE_MS + 1, centers: ['c1'] });
        const expected = { ...rebuilt };
        delete expected.histograms;
        assert.deepEqual(first, [expected]);
        const window = await s2.queryRollups({ kind: 'hour', fromMs: BASE_MS + HOUR, toMs: BASE_MS + 3 * HOUR });
        assert.deepEqual(
          window.map((r) => [r.startMs - BASE_MS, r.center]),
          [
            [HOUR, 'c1'],
            [HOUR, 'c2'],
            [2 * HOUR, 'c1'],
            [2 * HOUR, 'c2'],
          ],
        );
        assert.equal((await s2.queryRollups({ kind: 'hour', ...ALL, provinces: ['BJ'] })).length, 3);
        assert.equal((await s2.queryRollups({ kind: 'hour', ...ALL, centers: [] })).length, 0);
        assert.equal((await s2.queryRollups({ kind: 'day', ...ALL })).length, 0);
      });

      it('refuses a roll-up without its bookkeeping, naming it, and writes nothing of the batch', async () => {
        const s2 = await fresh();
        const bad = { ...makeRollup({ center: 'bad-1' }), rollup: undefined } as unknown as StoredRollup;
        await assert.rejects(s2.writeRollups([makeRollup(), bad]), (e: Error) => {
          assert.ok(e instanceof StorageInputError);
          assert.match(e.message, /roll-up 1 \(bad-1\)/);
          return true;
        });
        assert.deepEqual(await s2.queryRollups({ kind: 'hour', ...ALL }), []);
      });
    });

    describe('retention', () => {
      it('keeps everything inside each tier and reports sizes per tier', async () => {
        const s2 = await fresh();
        await s2.writeRecords([makeRecord(), makeRecord({ source: 'declaration', histograms: undefined })]);
        await s2.writeRollups([makeRollup(), makeRollup({ kind: 'day', endMs: BASE_MS + DAY })]);
        await s2.writeValues([makeValue(), makeValue({ period_kind: 'hour', period: 'h', toMs: BASE_MS + HOUR })]);
        await s2.enforceRetention(BASE_MS + 3 * DAY);
        assert.equal((await s2.queryRecords(ALL)).length, 2);
        assert.equal((await s2.queryRollups({ kind: 'hour', ...ALL })).length, 1);
        assert.equal((await s2.queryRollups({ kind: 'day', ...ALL })).length, 1);
        assert.equal((await s2.queryValues({ period_kind: 'hour' })).length, 1);
        const sizes = await s2.sizeByTier();
        assert.deepEqual(Object.keys(sizes).sort(), ['long_term', 'raw', 'realtime', 'recent']);
        for (const b of Object.values(sizes)) assert.ok(Number.isFinite(b) && b >= 0);
        assert.ok(s2.retention.raw > 0 && s2.retention.raw <= s2.retention.long_term);
      });
    });

    describe('indicator values', () => {
      let s: Storage;
      before(async () => {
        s = await fresh();
      });

      it('round-trips values, nulls and reasons exactly', async () => {
        const v1 = makeValue();
        const v2 = makeValue({
          code: 'GD',
          level: 'province',
          indicator: 'green_share',
          dimension: 'environment',
          value: null,
          numerator: 0,
          denominator: 0,
          reason: 'zero_denominator',
          coverage: { centers: null, it_energy: null },
          centers: 0,
        });
        const v3 = makeValue({ code: 'CN', level: 'nation', province: '', dimension: '', unit: '%', value: 0.42 });
        await s.writeValues([v1, v2, v3]);
        const got = await s.queryValues({ period_kind: 'day' });
        assert.deepEqual(
          got,
          [v1, v2, v3].sort((a, b) => (a.level < b.level ? -1 : a.level > b.level ? 1 : 0)),
        );
      });

      it('the same identity written twice leaves one, and the later copy replaces every field', async () => {
        const id = {
          period_kind: 'hour' as const,
          period: 'h1',
          fromMs: BASE_MS,
          toMs: BASE_MS + HOUR,
          code: 'rep',
          indicator: 'pue',
        };
        const withValue = makeValue({ ...id, value: 1.5, reason: null });
        const nulled = makeValue({
          ...id,
          value: null,
          numerator: null,
          denominator: null,
          coverage: { centers: null, it_energy: 0.5 },
          reason: 'no_data',
          computedAtMs: BASE_MS + 2 * HOUR,
        });
        await s.writeValues([withValue]);
        await s.writeValues([withValue]);
        assert.deepEqual(await s.queryValues({ period_kind: 'hour', codes: ['rep'] }), [withValue]);
        await s.writeValues([nulled]);
        assert.deepEqual(await s.queryValues({ period_kind: 'hour', codes: ['rep'] }), [nulled]);
        const back = makeValue({ ...id, value: 1.25, computedAtMs: BASE_MS + 3 * HOUR });
        await s.writeValues([back, back]);
        assert.deepEqual(await s.queryValues({ period_kind: 'hour', codes: ['rep'] }), [back]);
      });

      it('finds a named period’s values whatever time zone named it, and no other period’s', async () => {
        const s2 = await fresh();
        const zones = ['Pacific/Kiritimati', 'Etc/GMT+12', 'Asia/Shanghai', 'UTC', 'Asia/Kathmandu'];
        const kinds = ['hour', 'day', 'month', 'quarter', 'year'] as const;
        const vals: StoredValue[] = [];
        // Every value named so, whichever zone and step it came from (a far zone's next day is another's today).
        const wanted = new Map<string, string[]>();
        for (const tz of zones)
          for (const kind of kinds) {
            const name = periodName(kind, BASE_MS, tz);
            for (const step of [-1, 0, 1]) {
              const period = shiftPeriod(kind, name, step, tz);
              const w = periodWindow(kind, period, tz);
              const code = `${tz}|${step}`;
              vals.push(makeValue({ period_kind: kind, period, fromMs: w.fromMs, toMs: w.toMs, code }));
              wanted.set(`${kind} ${period}`, [...(wanted.get(`${kind} ${period}`) ?? []), code]);
            }
          }
        await s2.writeValues(vals);
        for (const [key, codes] of wanted) {
          const [kind, period] = key.split(' ') as [(typeof kinds)[number], string];
          const got = await s2.queryValues({ period_kind: kind, period });
          assert.deepEqual(got.map((v) => v.code).sort(), [...codes].sort(), key);
        }
      });

      it('keeps period kinds apart and filters by period, window, level, codes, indicators, provinces', async () => {
        const month = new Date(BASE_MS).toISOString().slice(0, 7);
        const vals: StoredValue[] = [];
        for (let d = 0; d < 3; d++) {
          const fromMs = BASE_MS - d * DAY;
          const period = new Date(fromMs).toISOString().slice(0, 10);
          for (const [level, code, province] of [
            ['center', 'c1', 'GD'],
            ['center', 'c2', 'BJ'],
            ['province', 'GD', 'GD'],
            ['nation', 'CN', ''],
          ] as const) {
            for (const indicator of ['pue', 'wue']) {
              vals.push(
                makeValue({
                  period_kind: 'day',
                  period,
                  fromMs,
                  toMs: fromMs + DAY,
                  level,
                  code,
                  province,
                  indicator,
                  value: d + 1,
                }),
              );
            }
          }
        }
        vals.push(
          makeValue({
            period_kind: 'month',
            period: month,
            fromMs: BASE_MS - 20 * DAY,
            toMs: BASE_MS + 10 * DAY,
            level: 'nation',
            code: 'CN',
            province: '',
          }),
        );
        const s2 = await fresh();
        await s2.writeValues(vals);
        assert.equal((await s2.queryValues({ period_kind: 'day' })).length, 24);
        assert.deepEqual(
          (await s2.queryValues({ period_kind: 'month' })).map((v) => v.period),
          [month],
        );
        assert.equal((await s2.queryValues({ period_kind: 'year' })).length, 0);
        const oneDay = await s2.queryValues({
          period_kind: 'day',
          period: new Date(BASE_MS - DAY).toISOString().slice(0, 10),
        });
        assert.equal(oneDay.length, 8);
        assert.ok(oneDay.every((v) => v.value === 2));
        const window = await s2.queryValues({ period_kind: 'day', fromMs: BASE_MS - DAY, toMs: BASE_MS + DAY });
        assert.deepEqual([...new Set(window.map((v) => v.fromMs))], [BASE_MS - DAY, BASE_MS]);
        const series = await s2.queryValues({
          period_kind: 'day',
          level: 'center',
          codes: ['c2'],
          indicators: ['wue'],
        });
        assert.deepEqual(
          series.map((v) => [v.fromMs, v.value]),
          [
            [BASE_MS - 2 * DAY, 3],
            [BASE_MS - DAY, 2],
            [BASE_MS, 1],
          ],
        );
        assert.equal((await s2.queryValues({ period_kind: 'day', provinces: ['GD'] })).length, 12);
        assert.equal((await s2.queryValues({ period_kind: 'day', level: 'nation' })).length, 6);
        assert.equal((await s2.queryValues({ period_kind: 'day', codes: [] })).length, 0);
        const injected = await s2.queryValues({
          period_kind: 'day',
          codes: ["c1' OR 1=1 --"],
          indicators: ['pue" OR ""="'],
        });
        assert.equal(injected.length, 0);
      });
    });
  });
}
