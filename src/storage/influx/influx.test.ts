/**
 * @module The storage contract against a real InfluxDB 1.x on loopback, plus what only this adapter
 * promises: retention policies, bound parameters, bounded series cardinality, batching at 5,000
 * points, line protocol identical to node-influx's, and StorageUnavailableError across a restart.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { startInfluxd, type InfluxdHandle } from '../../../tests/support/influxd.ts';
import { runStorageContract, makeRecord, makeRollup, makeValue, BASE_MS } from '../contract.test-suite.ts';
import { InfluxStorage } from './influx-storage.ts';
import { openStorage } from '../open.ts';
import { StorageInputError, StorageUnavailableError } from '../errors.ts';
import { encodePoint, encodeRecords, encodeValues } from '../line-protocol.ts';
import { recordToPoint, rollupToPoint, valueToPoint, type InfluxPoint } from './schema.ts';
import { loadCatalog } from '../../catalog/load.ts';
import type { RollupQuery, StoredRecord, StoredRollup, StoredValue } from '../types.ts';

const MIN = 60_000;
const ALL = { fromMs: BASE_MS - 40 * 86_400_000, toMs: BASE_MS + 40 * 86_400_000 };

let influxd: InfluxdHandle;
// The harness starts in a top-level before() so every describe below shares one server.
before(async () => {
  influxd = await startInfluxd();
});
after(async () => {
  await influxd?.dispose();
});

let dbCounter = 0;
runStorageContract('influxdb', () => new InfluxStorage({ url: influxd.url, database: `dims_contract_${dbCounter++}` }));

async function influxql(
  q: string,
  db?: string,
): Promise<{
  series?: { name?: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
  error?: string;
}> {
  const body = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const res = await fetch(`${influxd.url}/query`, { method: 'POST', body });
  const json = (await res.json()) as { results: [{ series?: never; error?: string }] };
  return json.results[0];
}

describe('influxdb adapter', () => {
  it('creates the database and one retention policy per tier, raw (DEFAULT), realtime, recent, long_term, on open, and alters them on reopen', async () => {
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_rp' });
    const rps = (await influxql('SHOW RETENTION POLICIES ON "dims_rp"')).series![0]!;
    const byName = new Map(
      rps.values.map((v) => [v[0] as string, Object.fromEntries(rps.columns.map((c, i) => [c, v[i]]))]),
    );
    assert.equal(byName.get('raw')?.duration, '840h0m0s');
    assert.equal(byName.get('raw')?.default, true);
    assert.equal(byName.get('realtime')?.duration, '48h0m0s');
    assert.equal(byName.get('recent')?.duration, '2208h0m0s');
    assert.equal(byName.get('long_term')?.duration, '0s');
    await s.close();
    const again = await openStorage({
      kind: 'influxdb',
      url: influxd.url,
      database: 'dims_rp',
      retention: { raw: '30d', long_term: '520w' },
    });
    const rps2 = (await influxql('SHOW RETENTION POLICIES ON "dims_rp"')).series![0]!;
    const durations = Object.fromEntries(rps2.values.map((v) => [v[0], v[1]]));
    assert.equal(durations.raw, '720h0m0s');
    assert.equal(durations.long_term, '87360h0m0s');
    await again.close();
  });

  it('refuses unsafe names and durations before talking to the server', async () => {
    assert.throws(() => new InfluxStorage({ url: influxd.url, database: 'x"; DROP DATABASE y' }), StorageInputError);
    assert.throws(
      () => new InfluxStorage({ url: influxd.url, database: 'ok', retention: { raw: '1d; DROP' } }),
      StorageInputError,
    );
    await assert.rejects(
      openStorage({ kind: 'influxdb', url: 'ftp://x', database: 'ok' } as never),
      /storage config is invalid/,
    );
  });

  it('binds caller input as parameters: an injection-shaped center id is stored and matched literally', async () => {
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_inject' });
    const evil = "x' OR 1=1 --";
    await s.writeRecords([makeRecord({ center: evil }), makeRecord({ center: 'innocent' })]);
    const got = await s.queryRecords({ ...ALL, centers: [evil] });
    assert.deepEqual(
      got.map((r) => r.center),
      [evil],
    );
    const tagValues = (
      await influxql('SHOW TAG VALUES FROM "center_record" WITH KEY = "center"', 'dims_inject')
    ).series![0]!.values.map((v) => v[1]);
    assert.deepEqual(tagValues.sort(), ['innocent', evil].sort());
    // A regex- or quote-breaking id matches nothing rather than everything.
    for (const probe of ["' OR ''='", '.*', '/.*/', '" OR "center" =~ /.*/ --', '$c0']) {
      assert.deepEqual(await s.queryRecords({ ...ALL, centers: [probe] }), [], probe);
    }
    await s.close();
  });

  it('keeps series cardinality bounded by centers and indicators, not by records or periods', async () => {
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_card' });
    const records: StoredRecord[] = [];
    const values: StoredValue[] = [];
    for (let c = 0; c < 20; c++) {
      for (let t = 0; t < 50; t++) {
        records.push(
          makeRecord({
            center: `c${c}`,
            province: c < 10 ? 'GD' : 'BJ',
            startMs: BASE_MS + t * 5 * MIN,
            endMs: BASE_MS + (t + 1) * 5 * MIN,
          }),
        );
        values.push(
          makeValue({
            period_kind: 'hour',
            period: `h${t}`,
            fromMs: BASE_MS + t * 60 * MIN,
            toMs: BASE_MS + (t + 1) * 60 * MIN,
            code: `c${c}`,
            province: c < 10 ? 'GD' : 'BJ',
          }),
        );
      }
    }
    await s.writeRecords(records);
    await s.writeValues(values);
    const card = (await influxql('SHOW SERIES CARDINALITY', 'dims_card')).series![0]!.values[0]![0];
    // 20 center_record series (center, province, source) + 20 indicator_value series.
    assert.equal(card, 40);
    const tagKeys = (await influxql('SHOW TAG KEYS', 'dims_card')).series!.map((x) => [
      x.name,
      x.values.map((v) => v[0]),
    ]);
    assert.deepEqual(tagKeys, [
      ['center_record', ['center', 'province', 'source']],
      ['indicator_value', ['code', 'dimension', 'indicator', 'level', 'period_kind', 'province']],
    ]);
    await s.close();
  });

  it('answers the documented Grafana-style queries', async () => {
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_grafana' });
    await s.writeRecords([makeRecord({ center: 'a' }), makeRecord({ center: 'b' })]);
    await s.writeValues([makeValue({ level: 'province', code: 'GD', indicator: 'pue' })]);
    const since = `time >= ${BASE_MS - 86_400_000}ms`;
    const hist = await influxql(
      `SELECT sum("lat_city_hist_le_1") AS "le_1" FROM "raw"."center_record" WHERE "province" = 'GD' AND ${since}`,
      'dims_grafana',
    );
    assert.equal(hist.series![0]!.values[0]![1], 20);
    const energy = await influxql(
      `SELECT sum("e_it_kwh") FROM "center_record" WHERE ${since} GROUP BY time(1h), "center" fill(none)`,
      'dims_grafana',
    );
    assert.equal(energy.series!.length, 2);
    const pue = await influxql(
      `SELECT last("value") FROM "long_term"."indicator_value" WHERE "period_kind" = 'day' AND "level" = 'province' ` +
        `AND "indicator" = 'pue' AND "reason" = '' AND ${since} GROUP BY "code"`,
      'dims_grafana',
    );
    assert.equal(pue.series![0]!.tags!.code, 'GD');
    assert.equal(pue.series![0]!.values[0]![1], 1.3125);
    await s.close();
  });

  it('points older than the raw retention policy are an input error, not an outage', async () => {
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_old', retention: { raw: '1d' } });
    const old = makeRecord({ startMs: BASE_MS - 10 * 86_400_000, endMs: BASE_MS - 10 * 86_400_000 + MIN });
    await assert.rejects(s.writeRecords([old]), StorageInputError);
    await s.close();
  });

  it('line-protocol.ts encodes exactly what the adapter sends, and what it encodes reads back through the adapter', async () => {
    const bodies: { path: string; body: string }[] = [];
    const fake = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', body });
        res.statusCode = 204;
        res.end();
      });
    });
    try {
      const s = new InfluxStorage({ url: fake.url, database: 'capture' });
      const records = [
        makeRecord({ center: "x' OR 1=1 --", province: 'a,b=c d' }),
        makeRecord({
          center: 'n',
          province: '',
          histograms: undefined,
          metrics: { e_total_kwh: 1e21, water_m3: 1e-7 },
        }),
      ];
      const values = [
        makeValue({ period_kind: 'hour', reason: 'no_data', value: null, unit: 'device·h "x" \\ y' }),
        makeValue({ period_kind: 'year', period: '2025', level: 'nation', code: 'CN', province: '', dimension: '' }),
      ];
      await s.writeRecords(records);
      await s.writeValues(values);
      assert.equal(bodies[0]!.body, encodeRecords(records));
      assert.match(bodies[0]!.path, /rp=raw/);
      assert.match(bodies[0]!.path, /precision=ms/);
      assert.doesNotMatch(bodies[0]!.path, /[?&][up]=/);
      assert.equal(bodies[1]!.body, encodeValues([values[0]!]));
      assert.match(bodies[1]!.path, /rp=recent/);
      assert.equal(bodies[2]!.body, encodeValues([values[1]!]));
      assert.match(bodies[2]!.path, /rp=long_term/);

      bodies.length = 0;
      const many = Array.from({ length: 12_001 }, (_, i) =>
        makeRecord({
          center: `c${i % 50}`,
          startMs: BASE_MS + Math.floor(i / 50) * MIN,
          endMs: BASE_MS + Math.floor(i / 50) * MIN + MIN,
          histograms: undefined,
        }),
      );
      await s.writeRecords(many);
      assert.deepEqual(
        bodies.map((b) => b.body.split('\n').length).sort((a, b) => b - a),
        [5000, 5000, 2001],
      );
    } finally {
      await fake.close();
    }

    // Pre-encoded lines posted straight to /write read back as the same records.
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_lp' });
    const recs = [makeRecord({ center: 'lp-1' }), makeRecord({ center: "lp '2'", province: '' })];
    const res = await fetch(`${influxd.url}/write?db=dims_lp&rp=raw&precision=ms`, {
      method: 'POST',
      body: encodeRecords(recs),
    });
    assert.equal(res.status, 204, await res.text());
    const back = await s.queryRecords(ALL);
    assert.deepEqual(back, [recs[1], recs[0]]);
    await s.close();
  });

  it('maps timeouts and 5xx to StorageUnavailableError, and 4xx to an ordinary error', async () => {
    let mode: 'hang' | '503' | '400' = 'hang';
    const fake = await listen((req, res) => {
      req.resume();
      if (mode === 'hang') return;
      res.statusCode = mode === '503' ? 503 : 400;
      res.end(mode === '400' ? '{"error":"unable to parse"}' : '');
    });
    try {
      const s = new InfluxStorage({ url: fake.url, database: 'x', requestTimeoutMs: 200 });
      await assert.rejects(
        s.writeRecords([makeRecord()]),
        (err: Error) => err instanceof StorageUnavailableError && /timed out after 200 ms/.test(err.message),
      );
      mode = '503';
      await assert.rejects(s.writeRecords([makeRecord()]), StorageUnavailableError);
      await assert.rejects(s.queryRecords(ALL), StorageUnavailableError);
      mode = '400';
      await assert.rejects(
        s.writeRecords([makeRecord()]),
        (err: Error) => !(err instanceof StorageUnavailableError) && /400/.test(err.message),
      );
    } finally {
      await fake.close();
    }
  });

  it('InfluxDB stopped mid-way: StorageUnavailableError, then after restart retried batches are stored exactly once', async () => {
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_outage' });
    const batches: StoredRecord[][] = Array.from({ length: 12 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) =>
        makeRecord({
          center: `c${i}`,
          startMs: BASE_MS + b * MIN,
          endMs: BASE_MS + (b + 1) * MIN,
          metrics: { e_total_kwh: b * 100 + i },
        }),
      ),
    );
    const pending: StoredRecord[][] = [];
    for (let b = 0; b < batches.length; b++) {
      if (b === 4) await influxd.stop();
      if (b === 8) await influxd.restart();
      try {
        await s.writeRecords(batches[b]!);
      } catch (err) {
        assert.ok(err instanceof StorageUnavailableError, `batch ${b}: ${String(err)}`);
        pending.push(batches[b]!);
      }
    }
    assert.equal(pending.length, 4);
    assert.equal(await s.ping(), true);
    // The hub retries what failed; a nervous agent also re-sends everything.
    for (const batch of pending) await s.writeRecords(batch);
    for (const batch of batches) await s.writeRecords(batch);
    await influxd.kill();
    await assert.rejects(s.queryRecords(ALL), StorageUnavailableError);
    assert.equal(await s.ping(), false);
    await influxd.restart();
    const got = await s.queryRecords(ALL);
    assert.equal(got.length, 600);
    assert.deepEqual(
      got.map((r) => r.metrics.e_total_kwh).sort((a, b) => a! - b!),
      batches
        .flat()
        .map((r) => r.metrics.e_total_kwh)
        .sort((a, b) => a! - b!),
    );
    await s.close();
  });
});

describe('influxdb adapter: roll-ups a page of centers at a time', () => {
  it('rollupPages returns what queryRollups does, in pages of centers read ahead, narrowed the same way', async () => {
    const s = new InfluxStorage({ url: influxd.url, database: 'dims_pages', rollupPageCenters: 3 });
    await s.open();
    const rollups: StoredRollup[] = [];
    for (let c = 0; c < 8; c++)
      for (let h = 0; h < 3; h++)
        rollups.push(
          makeRollup({
            center: `pg-${c}`,
            province: c % 2 === 0 ? 'GD' : 'BJ',
            startMs: BASE_MS + h * 3_600_000,
            endMs: BASE_MS + (h + 1) * 3_600_000,
          }),
        );
    // A day roll-up and an hour outside the window: neither is in an hour query's pages.
    rollups.push(makeRollup({ center: 'pg-0', kind: 'day', endMs: BASE_MS + 86_400_000, histograms: undefined }));
    rollups.push(makeRollup({ center: 'pg-9', startMs: BASE_MS - 3_600_000, endMs: BASE_MS }));
    await s.writeRollups(rollups);
    const paged = async (q: RollupQuery) => {
      const pages: StoredRollup[][] = [];
      for await (const page of s.rollupPages(q)) pages.push(page);
      return pages;
    };
    const byKey = (a: StoredRollup, b: StoredRollup) =>
      a.startMs - b.startMs || (a.center < b.center ? -1 : a.center > b.center ? 1 : 0);
    for (const q of [
      { kind: 'hour', fromMs: BASE_MS, toMs: BASE_MS + 3 * 3_600_000 },
      { kind: 'hour', fromMs: BASE_MS, toMs: BASE_MS + 2 * 3_600_000, provinces: ['BJ'] },
      {
        kind: 'hour',
        fromMs: BASE_MS,
        toMs: BASE_MS + 3 * 3_600_000,
        centers: ['pg-1', 'pg-2', 'pg-3', 'pg-4', 'nope'],
      },
      { kind: 'day', fromMs: BASE_MS, toMs: BASE_MS + 86_400_000 },
    ] as RollupQuery[]) {
      const whole = await s.queryRollups(q);
      assert.ok(whole.length > 0, JSON.stringify(q));
      const pages = await paged(q);
      assert.deepEqual(pages.flat().sort(byKey), whole, JSON.stringify(q));
      // Each page holds at most three centers.
      for (const page of pages) assert.ok(new Set(page.map((r) => r.center)).size <= 3, JSON.stringify(q));
    }
    assert.equal((await paged({ kind: 'hour', fromMs: BASE_MS, toMs: BASE_MS + 3 * 3_600_000 })).length, 3);
    assert.deepEqual(await paged({ kind: 'hour', fromMs: BASE_MS, toMs: BASE_MS + 3_600_000, centers: [] }), []);
    await s.close();
  });
});

/** The roll-up point earlier versions wrote, one field per metric, aux and bucket: a store upgraded in place holds these. */
function perFieldRollupPoint(r: StoredRollup): InfluxPoint {
  const p = recordToPoint(r);
  const aux = r.rollup.aux;
  for (const id of Object.keys(aux)) p.fields[`_aux_${id}`] = aux[id]!;
  p.fields._aux_ids = Object.keys(aux).join(',');
  p.fields._records = r.rollup.records;
  p.fields._covered_ms = r.rollup.coveredMs;
  p.fields._first_start_ms = r.rollup.firstStartMs;
  p.fields._last_end_ms = r.rollup.lastEndMs;
  const tags: Record<string, string> = { center: r.center, kind: r.kind };
  if (r.province !== '') tags.province = r.province;
  return { measurement: 'center_rollup', tags, fields: p.fields, timestamp: r.startMs };
}

/** Posts line protocol straight to /write. */
async function writeLines(db: string, rp: string, lines: string[]): Promise<void> {
  const res = await fetch(`${influxd.url}/write?db=${db}&rp=${rp}&precision=ms`, {
    method: 'POST',
    body: lines.join('\n'),
  });
  assert.equal(res.status, 204, await res.text());
}

/** Forwards every request to influxd and keeps the InfluxQL text of each query. */
async function recordingProxy(): Promise<{ url: string; queries: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  const server = await listen((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      void (async () => {
        const text = Buffer.concat(body).toString();
        if (req.url?.startsWith('/query')) {
          const q = new URL(req.url, 'http://x').searchParams.get('q') ?? new URLSearchParams(text).get('q');
          if (q) queries.push(q);
        }
        const r = await fetch(`${influxd.url}${req.url}`, {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
          ...(req.method === 'GET' ? {} : { body: text }),
        });
        res.statusCode = r.status;
        res.setHeader('content-type', r.headers.get('content-type') ?? 'application/json');
        res.end(Buffer.from(await r.arrayBuffer()));
      })();
    });
  });
  return { ...server, queries };
}

describe('influxdb adapter: roll-ups as compact points', () => {
  const catalog = loadCatalog();
  const metricIds = catalog.metrics.filter((m) => m.kind !== 'histogram').map((m) => m.id);
  const hists = catalog.metrics.filter((m) => m.kind === 'histogram');
  // Values JSON and line protocol must carry exactly: sums that are not short decimals, extremes, big integers.
  const SPECIAL = [
    0,
    0.1 + 0.2,
    1e-300,
    5e-324,
    2 ** 53 - 1,
    2 ** 53 + 2,
    1e21,
    -1234.5678,
    1 / 3,
    1.7976931348623157e308,
  ];
  /** A deterministic generator (mulberry32), so a failure can be replayed. */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const randomRollup = (
    rnd: () => number,
    center: string,
    kind: StoredRollup['kind'],
    startMs: number,
  ): StoredRollup => {
    const value = () =>
      rnd() < 0.4 ? SPECIAL[Math.floor(rnd() * SPECIAL.length)]! : (rnd() - 0.3) * 10 ** (rnd() * 12);
    const metrics: Record<string, number> = {};
    const aux: Record<string, number> = {};
    for (const id of metricIds) {
      if (rnd() < 0.4) continue;
      metrics[id] = value();
      // Any metric may carry aux (means, snapshots, and deltas' covered time).
      if (rnd() < 0.5) aux[id] = Math.abs(value());
    }
    const r: StoredRollup = {
      kind,
      center,
      province: rnd() < 0.2 ? '' : 'GD',
      startMs,
      endMs: startMs + 3_600_000,
      source: 'telemetry',
      metrics,
      rollup: {
        aux,
        records: Math.floor(rnd() * 1000),
        coveredMs: 3_540_000 + rnd(),
        firstStartMs: startMs,
        lastEndMs: startMs + 3_600_000,
      },
    };
    const chosen = hists.filter(() => rnd() < 0.5);
    if (chosen.length > 0)
      r.histograms = Object.fromEntries(
        chosen.map((h) => [h.id, { bounds: h.bounds!, counts: [...h.bounds!, 0].map(() => Math.floor(rnd() * 1e6)) }]),
      );
    return r;
  };
  const rollupsOf = async (s: InfluxStorage, q: RollupQuery) => {
    const out: StoredRollup[] = [];
    for await (const page of s.rollupPages(q)) out.push(...page);
    return out;
  };
  const sorted = (rs: StoredRollup[]) =>
    [...rs].sort((a, b) => a.startMs - b.startMs || (a.center < b.center ? -1 : a.center > b.center ? 1 : 0));

  it('a roll-up reads back exactly: random metric subsets, aux, histograms, values like 0.1+0.2, 1e-300, 2^53+2', async () => {
    const s = new InfluxStorage({ url: influxd.url, database: 'dims_compact_exact' });
    await s.open();
    const rnd = random(15);
    const written: StoredRollup[] = [];
    for (let i = 0; i < 60; i++)
      written.push(
        randomRollup(rnd, `ex-${String(i % 20).padStart(2, '0')}`, 'hour', BASE_MS + Math.floor(i / 20) * 3_600_000),
      );
    written.push({
      ...randomRollup(rnd, 'ex-empty', 'hour', BASE_MS),
      metrics: {},
      rollup: { ...written[0]!.rollup, aux: {} },
    });
    await s.writeRollups(written);
    const q: RollupQuery = { kind: 'hour', ...ALL };
    assert.deepEqual(await s.queryRollups(q), sorted(written));
    assert.deepEqual(await rollupsOf(s, q), sorted(written));
    // One string field holds metrics, aux and histograms: no field per metric, aux or bucket.
    const keys = await influxql('SHOW FIELD KEYS FROM "recent"."center_rollup"', 'dims_compact_exact');
    assert.deepEqual(keys.series![0]!.values.map((v) => v[0]).sort(), [
      '_body',
      '_covered_ms',
      '_first_start_ms',
      '_last_end_ms',
      '_records',
      'end_ms',
    ]);
  });

  it('roll-ups written one field per metric by an earlier version read back, alone and in one page with compact ones', async () => {
    const s = new InfluxStorage({ url: influxd.url, database: 'dims_compact_old' });
    await s.open();
    const rnd = random(7);
    const old: StoredRollup[] = [];
    const compact: StoredRollup[] = [];
    for (let i = 0; i < 8; i++) old.push(randomRollup(rnd, `old-${i}`, 'day', BASE_MS));
    old.push(makeRollup({ center: 'old-make', kind: 'day' }));
    for (let i = 0; i < 8; i++) compact.push(randomRollup(rnd, `new-${i}`, 'day', BASE_MS));
    await writeLines(
      'dims_compact_old',
      'long_term',
      old.map((r) => encodePoint(perFieldRollupPoint(r))),
    );
    const q: RollupQuery = { kind: 'day', ...ALL };
    assert.deepEqual(await s.queryRollups(q), sorted(old));
    assert.deepEqual(await rollupsOf(s, q), sorted(old));
    await s.writeRollups(compact);
    const all = sorted([...old, ...compact]);
    assert.deepEqual(await s.queryRollups(q), all);
    const pages: StoredRollup[][] = [];
    for await (const page of s.rollupPages(q)) pages.push(page);
    assert.equal(pages.length, 1, 'old and compact roll-ups share a page');
    assert.deepEqual(pages[0], all);
  });

  it('an old point rewritten in the compact layout reads as the new roll-up, though InfluxDB keeps its old fields', async () => {
    const s = new InfluxStorage({ url: influxd.url, database: 'dims_compact_rewrite' });
    await s.open();
    const before = makeRollup({ center: 'rw-1', kind: 'month' });
    await writeLines('dims_compact_rewrite', 'long_term', [encodePoint(perFieldRollupPoint(before))]);
    // The rebuilt roll-up has fewer metrics, other aux, no histograms: nothing of the old copy may show through.
    const after: StoredRollup = {
      ...before,
      metrics: { e_total_kwh: 0.1 + 0.2 },
      rollup: { ...before.rollup, aux: { e_total_kwh: 1e-300 }, records: 3 },
    };
    delete after.histograms;
    await s.writeRollups([after]);
    const raw = await influxql('SELECT * FROM "long_term"."center_rollup"', 'dims_compact_rewrite');
    const cols = raw.series![0]!.columns;
    const row = raw.series![0]!.values[0]!;
    assert.ok(typeof row[cols.indexOf('_body')] === 'string', 'the point has a body');
    assert.equal(row[cols.indexOf('inlet_temp_c_mean')], before.metrics.inlet_temp_c_mean, 'old fields remain');
    const q: RollupQuery = { kind: 'month', ...ALL };
    assert.deepEqual(await s.queryRollups(q), [after]);
    assert.deepEqual(await rollupsOf(s, q), [after]);
    // Beside a point still in the old layout, the page is read with SELECT *, and the body still wins.
    const untouched = makeRollup({ center: 'rw-0', kind: 'month' });
    await writeLines('dims_compact_rewrite', 'long_term', [encodePoint(perFieldRollupPoint(untouched))]);
    assert.deepEqual(await s.queryRollups(q), [untouched, after]);
    assert.deepEqual(await rollupsOf(s, q), [untouched, after]);
  });

  it('reads of roll-ups name their fields; only a page holding old points is read again with SELECT *', async () => {
    const s = new InfluxStorage({ url: influxd.url, database: 'dims_compact_query' });
    await s.open();
    const rnd = random(3);
    await s.writeRollups([0, 1, 2, 3].map((i) => randomRollup(rnd, `q-${i}`, 'hour', BASE_MS)));
    const via = await recordingProxy();
    try {
      const reader = new InfluxStorage({ url: via.url, database: 'dims_compact_query', rollupPageCenters: 2 });
      const q: RollupQuery = { kind: 'hour', ...ALL };
      assert.equal((await reader.queryRollups(q)).length, 4);
      assert.equal((await rollupsOf(reader, q)).length, 4);
      const selects = () => via.queries.filter((x) => /center_rollup/.test(x) && /^SELECT/.test(x));
      assert.equal(selects().length, 3, via.queries.join('\n'));
      for (const text of selects())
        assert.match(
          text,
          /^SELECT "_body", "end_ms", "_records", "_covered_ms", "_first_start_ms", "_last_end_ms" FROM /,
        );
      // An old point in the second page: that page alone is read again whole.
      await writeLines('dims_compact_query', 'recent', [
        encodePoint(perFieldRollupPoint(randomRollup(rnd, 'q-3', 'hour', BASE_MS + 3_600_000))),
      ]);
      via.queries.length = 0;
      assert.equal((await rollupsOf(reader, q)).length, 5);
      assert.deepEqual(
        selects().map((x) => x.slice(0, 15)),
        ['SELECT "_body",', 'SELECT "_body",', 'SELECT * FROM "'],
      );
    } finally {
      await via.close();
    }
  });
});

describe('influxdb adapter: reads racing writes', () => {
  // InfluxDB applies a point's fields one by one, and a query running meanwhile sees some fields and not others
  // (influxdata/influxdb#8546): real-time runs reading the newest raw records while agents pushed failed with
  // "expected a number, got null", and a point whose metric_ids was not visible yet read as a record without
  // metrics. Here the point is written in two parts, and a proxy holds the adapter's second read until the second
  // part is in, so every read meets the point half written.
  const split = (p: InfluxPoint, later: string[]): [string, string] => {
    const first = Object.fromEntries(Object.entries(p.fields).filter(([k]) => !later.includes(k)));
    const second = Object.fromEntries(Object.entries(p.fields).filter(([k]) => later.includes(k)));
    return [encodePoint({ ...p, fields: first }), encodePoint({ ...p, fields: second })];
  };
  const write = async (db: string, rp: string, line: string) => {
    const res = await fetch(`${influxd.url}/write?db=${db}&rp=${rp}&precision=ms`, { method: 'POST', body: line });
    assert.equal(res.status, 204, await res.text());
  };
  /** Forwards to influxd; before the adapter's second query, writes `then` (the rest of the point). */
  const proxy = (then: () => Promise<void>) => {
    let queries = 0;
    return listen((req, res) => {
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => {
        void (async () => {
          if (req.url?.startsWith('/query') && ++queries === 2) await then();
          const r = await fetch(`${influxd.url}${req.url}`, {
            method: req.method,
            headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
            ...(req.method === 'GET' ? {} : { body: Buffer.concat(body) }),
          });
          res.statusCode = r.status;
          res.setHeader('content-type', r.headers.get('content-type') ?? 'application/json');
          res.end(Buffer.from(await r.arrayBuffer()));
        })();
      });
    });
  };

  for (const later of [['e_it_kwh'], ['metric_ids'], ['lat_city_hist_le_1', 'end_ms']]) {
    it(`a record whose ${later.join(' and ')} is not visible yet is read again and returned whole`, async () => {
      const db = `dims_race_${later[0]}`;
      const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: db });
      const rec = makeRecord({ center: 'race-1' });
      const [first, second] = split(recordToPoint(rec), later);
      await write(db, 'raw', first);
      const via = await proxy(() => write(db, 'raw', second));
      try {
        const reader = new InfluxStorage({ url: via.url, database: db });
        assert.deepEqual(await reader.queryRecords({ ...ALL, source: 'telemetry' }), [rec]);
      } finally {
        await via.close();
        await s.close();
      }
    });
  }

  for (const later of [['_records'], ['_body'], ['_body', 'end_ms']]) {
    it(`a roll-up whose ${later.join(' and ')} is not visible yet is read again and returned whole`, async () => {
      const db = `dims_race_rollup${later.join('')}`;
      const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: db });
      const r = makeRollup({ center: 'race-r' });
      const [first, second] = split(rollupToPoint(r), later);
      await write(db, 'recent', first);
      const via = await proxy(() => write(db, 'recent', second));
      try {
        const reader = new InfluxStorage({ url: via.url, database: db });
        assert.deepEqual(await reader.queryRollups({ kind: 'hour', ...ALL }), [r]);
      } finally {
        await via.close();
        await s.close();
      }
    });
  }

  it('a value whose value field is not visible yet is read again and returned whole', async () => {
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_race_value' });
    const v = makeValue();
    const [first, second] = split(valueToPoint(v), ['value', 'to_ms']);
    await write('dims_race_value', 'long_term', first);
    const via = await proxy(() => write('dims_race_value', 'long_term', second));
    try {
      const reader = new InfluxStorage({ url: via.url, database: 'dims_race_value' });
      assert.deepEqual(await reader.queryValues({ period_kind: 'day' }), [v]);
    } finally {
      await via.close();
      await s.close();
    }
  });

  it('a point that stays without a field its bookkeeping lists fails the read, naming the point and the field', async () => {
    const s = await openStorage({ kind: 'influxdb', url: influxd.url, database: 'dims_race_never' });
    const rec = makeRecord({ center: 'never-1' });
    await write('dims_race_never', 'raw', split(recordToPoint(rec), ['racks_in_use'])[0]);
    await assert.rejects(
      s.queryRecords({ ...ALL, source: 'telemetry' }),
      /center_record point center=never-1,source=telemetry at .* has no field "racks_in_use", still after \d+ reads/,
    );
    await s.close();
  });
});

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('influxdb adapter: values of a named period', () => {
  it('a query by period name reads a bounded time range, not every period of the kind', async () => {
    const s = new InfluxStorage({ url: influxd.url, database: 'dims_named_period' });
    await s.open();
    const v = makeValue();
    await s.writeValues([v, makeValue({ period: 'not-a-day', code: 'odd' })]);
    const via = await recordingProxy();
    try {
      const reader = new InfluxStorage({ url: via.url, database: 'dims_named_period' });
      assert.deepEqual(await reader.queryValues({ period_kind: 'day', period: v.period }), [v]);
      const [text] = via.queries.filter((x) => /^SELECT .*indicator_value/.test(x));
      assert.match(text!, /"period" = \$period/);
      assert.match(text!, /time >= \$from AND time < \$to/, 'bounded in time');
      // A name that is no period is still found (stored by other means), by a query without a time bound.
      via.queries.length = 0;
      assert.equal((await reader.queryValues({ period_kind: 'day', period: 'not-a-day' })).length, 1);
      assert.doesNotMatch(
        via.queries.find((x) => /indicator_value/.test(x))!,
        /time >=/,
      );
    } finally {
      await via.close();
      await s.close();
    }
  });
});

describe('influxdb adapter: a whole period of values', () => {
  it('is read a few indicators at a time, and whole', async () => {
    const s = new InfluxStorage({ url: influxd.url, database: 'dims_value_pages' });
    await s.open();
    const values: StoredValue[] = [];
    for (const indicator of ['pue', 'wue', 'cue', 'a01', 'b02'])
      for (const code of ['c1', 'c2', 'c3']) values.push(makeValue({ indicator, code }));
    values.push(makeValue({ period: '2001-01-01', code: 'elsewhere' }));
    await s.writeValues(values);
    const via = await recordingProxy();
    try {
      const reader = new InfluxStorage({ url: via.url, database: 'dims_value_pages', valuePageIndicators: 2 });
      const v = values[0]!;
      const got = await reader.queryValues({ period_kind: 'day', period: v.period });
      assert.deepEqual(
        got,
        values
          .filter((x) => x.period === v.period)
          .sort((a, b) => a.code.localeCompare(b.code) || a.indicator.localeCompare(b.indicator)),
      );
      const selects = via.queries.filter((x) => /^SELECT/.test(x));
      assert.equal(selects.length, 3, 'five indicators, two a page');
      // A query naming nodes or indicators is read in one piece, as before.
      via.queries.length = 0;
      assert.equal((await reader.queryValues({ period_kind: 'day', period: v.period, codes: ['c1'] })).length, 5);
      assert.deepEqual(via.queries.filter((x) => /^(SELECT|SHOW)/.test(x)).length, 1);
    } finally {
      await via.close();
      await s.close();
    }
  });
});
