/** @module The storage contract against the SQLite adapter, plus what only the embedded store promises. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { runStorageContract, makeRecord, makeRollup, makeValue, BASE_MS } from '../contract.test-suite.ts';
import { SqliteStorage } from './sqlite-storage.ts';
import { openStorage } from '../open.ts';
import { StorageUnavailableError } from '../errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'dims-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStorageContract('sqlite (:memory:)', () => new SqliteStorage({ path: ':memory:' }));
runStorageContract('sqlite (file)', () => new SqliteStorage({ path: join(dir, `contract-${n++}.db`) }));

describe('sqlite adapter', () => {
  it('uses WAL, keeps data across reopen, and creates the folder of its file', async () => {
    const path = join(dir, 'nested', 'deeper', 'store.db');
    const s = await openStorage({ kind: 'sqlite', path });
    await s.writeRecords([makeRecord()]);
    await s.writeValues([makeValue()]);
    await s.close();
    const db = new DatabaseSync(path);
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    db.close();
    const again = await openStorage({ kind: 'sqlite', path });
    assert.equal((await again.queryRecords({ fromMs: BASE_MS, toMs: BASE_MS + 1 })).length, 1);
    assert.equal((await again.queryValues({ period_kind: 'day' })).length, 1);
    assert.equal(await again.ping(), true);
    await again.close();
    assert.equal(await again.ping(), false);
  });

  it('answers StorageUnavailableError while another connection holds the write lock, and succeeds after', async () => {
    const path = join(dir, 'locked.db');
    const s = new SqliteStorage({ path, busyTimeoutMs: 50 });
    await s.open();
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    await assert.rejects(s.writeRecords([makeRecord()]), StorageUnavailableError);
    other.exec('ROLLBACK');
    other.close();
    await s.writeRecords([makeRecord()]);
    assert.equal((await s.queryRecords({ fromMs: BASE_MS, toMs: BASE_MS + 1 })).length, 1);
    await s.close();
  });

  it('reads time windows by key and series and periods through indexes', async () => {
    const path = join(dir, 'plan.db');
    const s = await openStorage({ kind: 'sqlite', path });
    await s.close();
    const db = new DatabaseSync(path);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(plan('SELECT * FROM telemetry WHERE start_ms >= 1 AND start_ms < 2'), /USING PRIMARY KEY/);
    assert.match(
      plan("SELECT * FROM rollup_long WHERE kind = 'day' AND start_ms >= 1 AND start_ms < 2"),
      /USING PRIMARY KEY/,
    );
    assert.match(
      plan(
        "SELECT * FROM value_recent WHERE period_kind = 'hour' AND level = 'center' AND code = 'c1' AND from_ms >= 1",
      ),
      /USING INDEX value_recent_series/,
    );
    assert.match(
      plan("SELECT * FROM value_long WHERE period_kind = 'month' AND period = '2026-10' AND level = 'province'"),
      /USING INDEX value_long_identity/,
    );
    db.close();
  });

  it("enforces each tier's retention: deletes what is past it, keeps the rest, and gives the pages back", async () => {
    const HOUR = 3_600_000;
    const DAY = 24 * HOUR;
    const path = join(dir, 'retention.db');
    const s = new SqliteStorage({
      path,
      retention: { raw: 2 * DAY, realtime: HOUR, recent: 5 * DAY, long_term: Infinity },
    });
    await s.open();
    const old = BASE_MS - 10 * DAY;
    const records = [];
    for (let i = 0; i < 3000; i++)
      records.push(makeRecord({ center: `c${i % 50}`, startMs: old + i * 60_000, endMs: old + (i + 1) * 60_000 }));
    await s.writeRecords(records);
    await s.writeRecords([makeRecord(), makeRecord({ source: 'declaration', startMs: old, endMs: old + DAY })]);
    await s.writeRollups([makeRollup({ startMs: old, endMs: old + HOUR }), makeRollup()]);
    await s.writeRollups([makeRollup({ kind: 'day', startMs: old, endMs: old + DAY })]);
    const rt = (fromMs: number) =>
      makeValue({ period_kind: 'realtime', period: new Date(fromMs).toISOString(), fromMs, toMs: fromMs + HOUR });
    await s.writeValues([
      rt(BASE_MS - 3 * HOUR),
      rt(BASE_MS),
      makeValue({ period: 'old', fromMs: old, toMs: old + DAY }),
    ]);
    const before = (await s.sizeByTier()).raw;

    const { deleted } = await s.enforceRetention(BASE_MS + 30 * 60_000);
    assert.equal(deleted, 3000 + 1 + 1);
    const all = { fromMs: old - DAY, toMs: BASE_MS + DAY };
    assert.deepEqual(
      (await s.queryRecords(all)).map((r) => [r.source, r.startMs]),
      [
        ['declaration', old],
        ['telemetry', BASE_MS],
      ],
    );
    assert.deepEqual(
      (await s.queryRollups({ kind: 'hour', ...all })).map((r) => r.startMs),
      [BASE_MS],
    );
    assert.equal((await s.queryRollups({ kind: 'day', ...all })).length, 1, 'long-term roll-ups stay');
    assert.deepEqual(
      (await s.queryValues({ period_kind: 'realtime' })).map((v) => v.fromMs),
      [BASE_MS],
    );
    assert.equal((await s.queryValues({ period_kind: 'day' })).length, 1, 'day values are long-term');
    assert.ok((await s.sizeByTier()).raw < before, 'the raw tier shrank');
    await s.close();
    const db = new DatabaseSync(path);
    assert.equal((db.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum, 2);
    assert.ok((db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count < 2000);
    db.close();
  });

  it('keeps a one-minute record inside its page: a compact body, names interned once', async () => {
    const path = join(dir, 'compact.db');
    const s = new SqliteStorage({ path });
    await s.open();
    const metrics: Record<string, number> = {};
    for (let i = 0; i < 36; i++) metrics[`metric_number_${i}`] = i % 3 === 0 ? i * 10 : 1234.5678 + i / 7;
    const bounds = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 25, 30, 40, 50, 75, 100];
    const h = { bounds, counts: bounds.map((_, i) => i).concat(3) };
    await s.writeRecords([
      makeRecord({ metrics, histograms: { lat_city_hist: h, lat_region_hist: h, lat_hub_hist: h } }),
    ]);
    await s.close();
    const db = new DatabaseSync(path);
    const len = (db.prepare('SELECT length(body) AS n FROM telemetry').get() as { n: number }).n;
    assert.ok(len < 500, `body is ${len} bytes`);
    db.close();
  });

  it('reads records and roll-ups a page at a time in key order, every row once, pages ending inside a start', async () => {
    const s = new SqliteStorage({ path: join(dir, 'pages.db') });
    await s.open();
    const HOUR_MS = 3_600_000;
    // 2 starts × 13,000 centers: the 20,000-record and 5,000-roll-up pages end in the middle of a start.
    const centers = Array.from({ length: 13_000 }, (_, i) => `c-${String(i).padStart(5, '0')}`);
    const starts = [BASE_MS, BASE_MS + HOUR_MS];
    await s.writeRecords(
      starts.flatMap((t) => centers.map((center) => makeRecord({ center, startMs: t, endMs: t + 60_000 }))),
    );
    await s.writeRollups(
      starts.flatMap((t) => centers.map((center) => makeRollup({ center, startMs: t, endMs: t + HOUR_MS }))),
    );
    const want = starts.flatMap((t) => centers.map((c) => `${t}/${c}`));
    const records = await s.queryRecords({ fromMs: BASE_MS, toMs: BASE_MS + 2 * HOUR_MS });
    assert.deepEqual(
      records.map((r) => `${r.startMs}/${r.center}`),
      want,
    );
    const pages: number[] = [];
    const rollups: string[] = [];
    for await (const page of s.rollupPages({ kind: 'hour', fromMs: BASE_MS, toMs: BASE_MS + 2 * HOUR_MS })) {
      pages.push(page.length);
      for (const r of page) rollups.push(`${r.startMs}/${r.center}`);
    }
    assert.deepEqual(rollups, want);
    assert.deepEqual(pages, [5000, 5000, 5000, 5000, 5000, 1000]);
    // A later window starts at its own first row.
    assert.equal(
      (await s.queryRollups({ kind: 'hour', fromMs: BASE_MS + 1, toMs: BASE_MS + 2 * HOUR_MS })).length,
      13_000,
    );
    await s.close();
  });

  it('moves the rows of the first layout (JSON bodies, one row per value) into the tiers on open', async () => {
    const path = join(dir, 'legacy.db');
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE center_record (center TEXT, start_ms INTEGER, source TEXT, end_ms INTEGER, province TEXT,
               metrics TEXT, histograms TEXT, PRIMARY KEY (center, start_ms, source)) WITHOUT ROWID;
             CREATE TABLE indicator_value (period_kind TEXT, period TEXT, level TEXT, code TEXT, indicator TEXT,
               from_ms INTEGER, to_ms INTEGER, province TEXT, dimension TEXT, value REAL, unit TEXT, numerator REAL,
               denominator REAL, centers REAL, coverage_centers REAL, coverage_it_energy REAL, reason TEXT,
               computed_at_ms INTEGER, PRIMARY KEY (period_kind, period, level, code, indicator)) WITHOUT ROWID;`);
    const r = makeRecord();
    db.prepare('INSERT INTO center_record VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      r.center,
      r.startMs,
      r.source,
      r.endMs,
      r.province,
      JSON.stringify(r.metrics),
      JSON.stringify(r.histograms),
    );
    const v = makeValue();
    db.prepare('INSERT INTO indicator_value VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      v.period_kind,
      v.period,
      v.level,
      v.code,
      v.indicator,
      v.fromMs,
      v.toMs,
      v.province,
      v.dimension,
      v.value,
      v.unit,
      v.numerator,
      v.denominator,
      v.centers,
      v.coverage.centers,
      v.coverage.it_energy,
      v.reason,
      v.computedAtMs,
    );
    db.close();
    const s = await openStorage({ kind: 'sqlite', path });
    assert.deepEqual(await s.queryRecords({ fromMs: BASE_MS, toMs: BASE_MS + 1 }), [r]);
    assert.deepEqual(await s.queryValues({ period_kind: 'day' }), [v]);
    await s.close();
    const after = new DatabaseSync(path);
    const tables = (
      after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    assert.ok(!tables.includes('center_record') && !tables.includes('indicator_value'));
    after.close();
  });
});
