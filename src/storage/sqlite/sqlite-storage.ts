/**
 * @module Storage adapter on node:sqlite (DatabaseSync): the embedded default, so a trial or a small
 * deployment needs no server.
 *
 * One file (or `:memory:`), WAL journal so readers never wait for the writer, UPSERTs on the
 * identity keys (idempotent writes), one transaction per batch (a batch is stored whole or not at
 * all), and indexes for the hub's queries. Metrics and histograms are JSON text: the record is read
 * whole, never filtered by metric, so a column per metric would buy nothing.
 * Lists in filters are bound as one JSON array parameter (`IN (SELECT value FROM json_each(?))`),
 * so no caller input ever becomes SQL text.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  CenterReportStats,
  PeriodKind,
  RecordQuery,
  Storage,
  StoredRecord,
  StoredValue,
  ValueQuery,
} from '../types.ts';
import type { Histogram } from '../../model/records.ts';
import { StorageUnavailableError } from '../errors.ts';
import { checkRecord, checkValue, compareRecords, compareValues } from '../common.ts';

export interface SqliteStorageOptions {
  /** A file path, or `:memory:` for a store that lives as long as the process. */
  path: string;
  /** How long a writer waits for another connection's lock before giving up (default 5 s). */
  busyTimeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, pad BLOB NOT NULL);

CREATE TABLE IF NOT EXISTS center_record (
  center     TEXT    NOT NULL,
  start_ms   INTEGER NOT NULL,
  source     TEXT    NOT NULL,
  end_ms     INTEGER NOT NULL,
  province   TEXT    NOT NULL,
  metrics    TEXT    NOT NULL,
  histograms TEXT,
  PRIMARY KEY (center, start_ms, source)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS center_record_by_start ON center_record (start_ms);
CREATE INDEX IF NOT EXISTS center_record_by_province ON center_record (province, start_ms);

CREATE TABLE IF NOT EXISTS indicator_value (
  period_kind        TEXT    NOT NULL,
  period             TEXT    NOT NULL,
  level              TEXT    NOT NULL,
  code               TEXT    NOT NULL,
  indicator          TEXT    NOT NULL,
  from_ms            INTEGER NOT NULL,
  to_ms              INTEGER NOT NULL,
  province           TEXT    NOT NULL,
  dimension          TEXT    NOT NULL,
  value              REAL,
  unit               TEXT    NOT NULL,
  numerator          REAL,
  denominator        REAL,
  centers            REAL    NOT NULL,
  coverage_centers   REAL,
  coverage_it_energy REAL,
  reason             TEXT,
  computed_at_ms     INTEGER NOT NULL,
  PRIMARY KEY (period_kind, period, level, code, indicator)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS indicator_value_by_start ON indicator_value (period_kind, from_ms);
CREATE INDEX IF NOT EXISTS indicator_value_by_indicator ON indicator_value (period_kind, indicator, level, from_ms);
`;

/** Free space below which probeWrite reports the file system full. */
const PROBE_MIN_FREE = 1024 * 1024;

/** Primary result codes that mean "try again later": busy, locked, I/O error, disk full, cannot open. */
const TRANSIENT = new Set([5, 6, 10, 13, 14]);

function mapError(err: unknown, what: string): Error {
  const e = err as { errcode?: number; message?: string };
  if (typeof e?.errcode === 'number' && TRANSIENT.has(e.errcode & 0xff)) {
    return new StorageUnavailableError(`sqlite unavailable during ${what}: ${e.message ?? String(err)}`, {
      cause: err,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

type SqlRow = Record<string, unknown>;

function rowToRecord(r: SqlRow): StoredRecord {
  const rec: StoredRecord = {
    center: r.center as string,
    province: r.province as string,
    startMs: Number(r.start_ms),
    endMs: Number(r.end_ms),
    source: r.source as StoredRecord['source'],
    metrics: JSON.parse(r.metrics as string) as Record<string, number>,
  };
  if (typeof r.histograms === 'string') rec.histograms = JSON.parse(r.histograms) as Record<string, Histogram>;
  return rec;
}

function rowToValue(r: SqlRow): StoredValue {
  return {
    period_kind: r.period_kind as PeriodKind,
    period: r.period as string,
    level: r.level as StoredValue['level'],
    code: r.code as string,
    indicator: r.indicator as string,
    province: r.province as string,
    dimension: r.dimension as string,
    fromMs: Number(r.from_ms),
    toMs: Number(r.to_ms),
    computedAtMs: Number(r.computed_at_ms),
    value: r.value as number | null,
    unit: r.unit as string,
    numerator: r.numerator as number | null,
    denominator: r.denominator as number | null,
    centers: r.centers as number,
    coverage: { centers: r.coverage_centers as number | null, it_energy: r.coverage_it_energy as number | null },
    reason: r.reason as StoredValue['reason'],
  };
}

/** Histograms are stored only when there is at least one, so `{}` and absent read back alike (absent). */
function histogramsText(h: StoredRecord['histograms']): string | null {
  if (!h || Object.keys(h).length === 0) return null;
  const sorted: Record<string, Histogram> = {};
  for (const id of Object.keys(h).sort()) sorted[id] = { bounds: h[id]!.bounds, counts: h[id]!.counts };
  return JSON.stringify(sorted);
}

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  private readonly busyTimeoutMs: number;
  private db: DatabaseSync | null = null;
  private upsertRecord: StatementSync | null = null;
  private upsertValue: StatementSync | null = null;

  constructor(options: SqliteStorageOptions) {
    this.path = options.path;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  }

  async open(): Promise<void> {
    if (this.db) return;
    try {
      if (this.path !== ':memory:' && !this.path.startsWith('file:'))
        mkdirSync(dirname(this.path), { recursive: true });
      const db = new DatabaseSync(this.path);
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`);
      db.exec('PRAGMA journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec(SCHEMA);
      this.upsertRecord = db.prepare(`
        INSERT INTO center_record (center, start_ms, source, end_ms, province, metrics, histograms)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (center, start_ms, source) DO UPDATE SET
          end_ms = excluded.end_ms, province = excluded.province,
          metrics = excluded.metrics, histograms = excluded.histograms`);
      this.upsertValue = db.prepare(`
        INSERT INTO indicator_value (period_kind, period, level, code, indicator, from_ms, to_ms, province, dimension,
          value, unit, numerator, denominator, centers, coverage_centers, coverage_it_energy, reason, computed_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (period_kind, period, level, code, indicator) DO UPDATE SET
          from_ms = excluded.from_ms, to_ms = excluded.to_ms, province = excluded.province,
          dimension = excluded.dimension, value = excluded.value, unit = excluded.unit,
          numerator = excluded.numerator, denominator = excluded.denominator, centers = excluded.centers,
          coverage_centers = excluded.coverage_centers, coverage_it_energy = excluded.coverage_it_energy,
          reason = excluded.reason, computed_at_ms = excluded.computed_at_ms`);
      this.db = db;
    } catch (err) {
      throw mapError(err, 'open');
    }
  }

  async close(): Promise<void> {
    this.upsertRecord = null;
    this.upsertValue = null;
    const db = this.db;
    this.db = null;
    if (db?.isOpen) db.close();
  }

  async ping(): Promise<boolean> {
    try {
      return this.db?.prepare('SELECT 1 AS ok').get()?.ok === 1;
    } catch {
      return false;
    }
  }

  /**
   * A committed write of a page's worth of bytes, and room on the file system for more: SQLite in WAL
   * mode can commit into WAL space it already has while the file system is full, so free space is
   * checked as well (under 1 MiB counts as full).
   */
  async probeWrite(): Promise<void> {
    if (this.path !== ':memory:' && !this.path.startsWith('file:')) {
      let free: number;
      try {
        const st = statfsSync(dirname(this.path));
        free = st.bavail * st.bsize;
      } catch (err) {
        throw new StorageUnavailableError(
          `sqlite probe: cannot read free space of ${dirname(this.path)}: ${(err as Error).message}`,
        );
      }
      if (free < PROBE_MIN_FREE)
        throw new StorageUnavailableError(
          `sqlite unavailable during probe: database or disk is full (${free} bytes free on ${dirname(this.path)})`,
        );
    }
    const db = this.handle();
    this.transaction('probe', () => {
      db.prepare('INSERT OR REPLACE INTO write_probe (id, at_ms, pad) VALUES (1, ?, zeroblob(4096))').run(Date.now());
    });
  }

  private handle(): DatabaseSync {
    if (!this.db) throw new Error('sqlite storage is not open');
    return this.db;
  }

  /** Runs `fn` in one IMMEDIATE transaction: the batch is stored whole or not at all. */
  private transaction(what: string, fn: () => void): void {
    const db = this.handle();
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      throw mapError(err, what);
    }
    try {
      fn();
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw mapError(err, what);
    }
  }

  async writeRecords(records: StoredRecord[]): Promise<void> {
    records.forEach((r, i) => checkRecord(r, i));
    if (records.length === 0) return;
    const stmt = this.upsertRecord!;
    this.handle();
    this.transaction('writeRecords', () => {
      for (const r of records) {
        const metrics: Record<string, number> = {};
        for (const id of Object.keys(r.metrics).sort()) metrics[id] = r.metrics[id]!;
        stmt.run(
          r.center,
          r.startMs,
          r.source,
          r.endMs,
          r.province,
          JSON.stringify(metrics),
          histogramsText(r.histograms),
        );
      }
    });
  }

  async writeValues(values: StoredValue[]): Promise<void> {
    values.forEach((v, i) => checkValue(v, i));
    if (values.length === 0) return;
    this.handle();
    const stmt = this.upsertValue!;
    this.transaction('writeValues', () => {
      for (const v of values) {
        stmt.run(
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
      }
    });
  }

  private all(sql: string, params: (string | number | null)[], what: string): SqlRow[] {
    try {
      return this.handle()
        .prepare(sql)
        .all(...params) as SqlRow[];
    } catch (err) {
      throw mapError(err, what);
    }
  }

  async queryRecords(q: RecordQuery): Promise<StoredRecord[]> {
    const where = ['start_ms >= ?', 'start_ms < ?'];
    const params: (string | number)[] = [q.fromMs, q.toMs];
    if (q.source) {
      where.push('source = ?');
      params.push(q.source);
    }
    if (q.centers) {
      where.push('center IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(q.centers));
    }
    if (q.provinces) {
      where.push('province IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(q.provinces));
    }
    const rows = this.all(`SELECT * FROM center_record WHERE ${where.join(' AND ')}`, params, 'queryRecords');
    return rows.map(rowToRecord).sort(compareRecords);
  }

  async queryValues(q: ValueQuery): Promise<StoredValue[]> {
    const where = ['period_kind = ?'];
    const params: (string | number)[] = [q.period_kind];
    if (q.period !== undefined) {
      where.push('period = ?');
      params.push(q.period);
    }
    if (q.fromMs !== undefined) {
      where.push('from_ms >= ?');
      params.push(q.fromMs);
    }
    if (q.toMs !== undefined) {
      where.push('from_ms < ?');
      params.push(q.toMs);
    }
    if (q.level) {
      where.push('level = ?');
      params.push(q.level);
    }
    for (const [col, list] of [
      ['code', q.codes],
      ['indicator', q.indicators],
      ['province', q.provinces],
    ] as const) {
      if (!list) continue;
      where.push(`${col} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(list));
    }
    const rows = this.all(`SELECT * FROM indicator_value WHERE ${where.join(' AND ')}`, params, 'queryValues');
    return rows.map(rowToValue).sort(compareValues);
  }

  async latestTelemetry(centers: string[], fromMs: number): Promise<Map<string, { startMs: number; endMs: number }>> {
    const out = new Map<string, { startMs: number; endMs: number }>();
    try {
      // The primary key (center, start_ms, source) answers each center with one backward seek.
      const stmt = this.handle().prepare(
        "SELECT start_ms, end_ms FROM center_record WHERE center = ? AND start_ms >= ? AND source = 'telemetry' ORDER BY start_ms DESC LIMIT 1",
      );
      for (const c of centers) {
        const row = stmt.get(c, fromMs) as { start_ms: number; end_ms: number } | undefined;
        if (row) out.set(c, { startMs: Number(row.start_ms), endMs: Number(row.end_ms) });
      }
    } catch (err) {
      throw mapError(err, 'latestTelemetry');
    }
    return out;
  }

  async reportStats(fromMs: number, toMs: number): Promise<CenterReportStats[]> {
    // The province comes from the center's latest record in the window (a center may have moved).
    const rows = this.all(
      `SELECT center,
              COUNT(*) AS records,
              MIN(start_ms) AS first_start,
              MAX(end_ms) AS last_end,
              (SELECT r2.province FROM center_record r2
                WHERE r2.center = r.center AND r2.start_ms >= ? AND r2.start_ms < ?
                ORDER BY r2.end_ms DESC, r2.start_ms DESC LIMIT 1) AS province
         FROM center_record r
        WHERE start_ms >= ? AND start_ms < ?
        GROUP BY center`,
      [fromMs, toMs, fromMs, toMs],
      'reportStats',
    );
    return rows
      .map((r) => ({
        center: r.center as string,
        province: r.province as string,
        records: Number(r.records),
        firstStartMs: Number(r.first_start),
        lastEndMs: Number(r.last_end),
      }))
      .sort((a, b) => (a.center < b.center ? -1 : a.center > b.center ? 1 : 0));
  }
}
