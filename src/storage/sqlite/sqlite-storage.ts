/**
 * @module Storage adapter on node:sqlite (DatabaseSync): the embedded default, so a trial or a small
 * deployment needs no server.
 *
 * One file (or `:memory:`), WAL journal so readers never wait for the writer, UPSERTs on the identity keys
 * (idempotent writes), one transaction per batch (a batch is stored whole or not at all). Tables per tier
 * (schema.ts) with compact row bodies (bodies.ts): retention is a range delete per table followed by an
 * incremental vacuum, and a node's indicator values for a period are one row.
 * Lists in filters are bound as one JSON array parameter (`IN (SELECT value FROM json_each(?))`), so no
 * caller input ever becomes SQL text.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DEFAULT_RETENTION,
  tierOf,
  type CenterReportStats,
  type PeriodKind,
  type RecordQuery,
  type Retention,
  type RollupQuery,
  type Storage,
  type StoredRecord,
  type StoredRollup,
  type StoredValue,
  type Tier,
  type TierBytes,
  type ValueQuery,
} from '../types.ts';
import type { Histogram } from '../../model/records.ts';
import { StorageInputError, StorageUnavailableError } from '../errors.ts';
import { checkRecord, checkRollup, checkValue, compareRecords, compareValues } from '../common.ts';
import { InternTable } from './codec.ts';
import type { Layout, PackedRecord, PackedRollup } from '../../records/merge.ts';
import {
  decodeNodeValues,
  decodePackedRecordBody,
  decodePackedRollupBody,
  type PackTarget,
  decodeRecordBody,
  decodeRollupBody,
  encodeNodeValues,
  encodeRecordBody,
  encodeRollupBody,
} from './bodies.ts';
import { LEGACY_TABLES, ROLLUP_TABLES, SCHEMA, VALUE_TABLES } from './schema.ts';

export interface SqliteStorageOptions {
  /** A file path, or `:memory:` for a store that lives as long as the process. */
  path: string;
  /** How long a writer waits for another connection's lock before giving up (default 5 s). */
  busyTimeoutMs?: number;
  /** How long each tier is kept (default DEFAULT_RETENTION). */
  retention?: Partial<Retention>;
}

/** Free space below which probeWrite reports the file system full. */
const PROBE_MIN_FREE = 1024 * 1024;

/** Primary result codes that mean "try again later": busy, locked, I/O error, disk full, cannot open. */
const TRANSIENT = new Set([5, 6, 10, 13, 14]);
/** Rows deleted per transaction while enforcing retention, so ingest is never held up for long. */
const DELETE_BATCH = 20_000;
/** Records are read in pages of this many rows. */
const READ_PAGE = 20_000;
/** Roll-ups are read in pages of this many rows. */
const ROLLUP_PAGE = 5_000;
/** Pages given back per incremental vacuum step. */
const VACUUM_PAGES = 2_000;

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
type NodeRow = Pick<StoredValue, 'period_kind' | 'period' | 'level' | 'code'>;

const RECORD_TABLE = { telemetry: 'telemetry', declaration: 'declaration' } as const;

function valueTable(kind: PeriodKind): string {
  return VALUE_TABLES[tierOf({ period_kind: kind }) as keyof typeof VALUE_TABLES];
}

function rollupTable(kind: StoredRollup['kind']): string {
  return ROLLUP_TABLES[tierOf({ kind }) as keyof typeof ROLLUP_TABLES];
}

/** Which tables make up each tier (for retention and sizes). */
const TIER_TABLES: Record<Tier, string[]> = {
  raw: ['telemetry'],
  realtime: [VALUE_TABLES.realtime],
  recent: [ROLLUP_TABLES.recent, VALUE_TABLES.recent],
  long_term: ['declaration', ROLLUP_TABLES.long_term, VALUE_TABLES.long_term],
};

/** The time column retention compares, and the key that picks a batch of rows, per table. */
const RETENTION_COLUMNS: Record<string, { time: string; key: string }> = {
  telemetry: { time: 'start_ms', key: '(start_ms, center)' },
  declaration: { time: 'start_ms', key: '(start_ms, center)' },
  [ROLLUP_TABLES.recent]: { time: 'start_ms', key: '(kind, start_ms, center)' },
  [ROLLUP_TABLES.long_term]: { time: 'start_ms', key: '(kind, start_ms, center)' },
  [VALUE_TABLES.realtime]: { time: 'from_ms', key: 'rowid' },
  [VALUE_TABLES.recent]: { time: 'from_ms', key: 'rowid' },
  [VALUE_TABLES.long_term]: { time: 'from_ms', key: 'rowid' },
};

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  readonly retention: Retention;
  private readonly busyTimeoutMs: number;
  private db: DatabaseSync | null = null;
  private names: InternTable | null = null;
  private readonly statements = new Map<string, StatementSync>();
  /** Per layout, where each body name goes in a packed record (names never change meaning: kept across reopens). */
  private readonly packTargets = new WeakMap<Layout, PackTarget>();

  constructor(options: SqliteStorageOptions) {
    this.path = options.path;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.retention = { ...DEFAULT_RETENTION, ...(options.retention ?? {}) };
    for (const [tier, ms] of Object.entries(this.retention))
      if (!(ms > 0)) throw new StorageInputError(`sqlite: retention ${tier} must be a positive duration (got ${ms})`);
  }

  async open(): Promise<void> {
    if (this.db) return;
    try {
      if (this.path !== ':memory:' && !this.path.startsWith('file:'))
        mkdirSync(dirname(this.path), { recursive: true });
      const db = new DatabaseSync(this.path);
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`);
      // Both only take effect on a new file, before its first table: large pages hold a node's values row
      // (a few KB) with others, and incremental vacuum lets retention give space back without a full VACUUM.
      db.exec('PRAGMA page_size = 16384');
      db.exec('PRAGMA auto_vacuum = INCREMENTAL');
      db.exec('PRAGMA journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec(SCHEMA);
      this.db = db;
      const insertName = db.prepare('INSERT INTO names (id, name) VALUES (?, ?)');
      this.names = new InternTable(
        db.prepare('SELECT id, name FROM names').all() as Array<{ id: number; name: string }>,
        (id, name) => insertName.run(id, name),
      );
      this.migrateLegacy();
    } catch (err) {
      throw mapError(err, 'open');
    }
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.names = null;
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
    this.transaction('probe', () => {
      this.stmt('INSERT OR REPLACE INTO write_probe (id, at_ms, pad) VALUES (1, ?, zeroblob(4096))').run(Date.now());
    });
  }

  private handle(): DatabaseSync {
    if (!this.db) throw new Error('sqlite storage is not open');
    return this.db;
  }

  private dict(): InternTable {
    if (!this.names) throw new Error('sqlite storage is not open');
    return this.names;
  }

  /** A prepared statement, kept for the connection's life (the SQL texts are fixed). */
  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.handle().prepare(sql)));
    return s;
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
      // Names interned during the failed batch were rolled back with it.
      this.reloadNames();
      throw mapError(err, what);
    }
  }

  private reloadNames(): void {
    const db = this.handle();
    const insertName = db.prepare('INSERT INTO names (id, name) VALUES (?, ?)');
    this.names = new InternTable(
      db.prepare('SELECT id, name FROM names').all() as Array<{ id: number; name: string }>,
      (id, name) => insertName.run(id, name),
    );
  }

  private all(sql: string, params: SQLInputValue[], what: string): SqlRow[] {
    try {
      return this.stmt(sql).all(...params) as SqlRow[];
    } catch (err) {
      throw mapError(err, what);
    }
  }

  async writeRecords(records: StoredRecord[]): Promise<void> {
    records.forEach((r, i) => checkRecord(r, i));
    if (records.length === 0) return;
    this.handle();
    const dict = this.dict();
    this.transaction('writeRecords', () => {
      for (const r of records) {
        this.stmt(
          `INSERT INTO ${RECORD_TABLE[r.source]} (start_ms, center, end_ms, province, body) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (start_ms, center) DO UPDATE SET
             end_ms = excluded.end_ms, province = excluded.province, body = excluded.body`,
        ).run(r.startMs, r.center, r.endMs, r.province, encodeRecordBody(dict, r.metrics, r.histograms));
      }
    });
  }

  /** The row filters of a record or roll-up query (roll-ups have no `endAfterMs`). */
  private rowFilter(q: Omit<RecordQuery, 'source'>): { where: string[]; params: SQLInputValue[] } {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (q.centers) {
      where.push('center IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(q.centers));
    }
    if (q.provinces) {
      where.push('province IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(q.provinces));
    }
    // Tested on the row, so the bodies of records that ended before a window are never decoded.
    if (q.endAfterMs !== undefined) {
      where.push('end_ms > ?');
      params.push(q.endAfterMs);
    }
    return { where, params };
  }

  async *packedRecordPages(q: Omit<RecordQuery, 'source'>, layout: Layout): AsyncIterable<PackedRecord[]> {
    const dict = this.dict();
    const target = this.packTarget(layout);
    for await (const rows of this.pages(
      `SELECT start_ms, center, end_ms, body FROM ${RECORD_TABLE.telemetry}`,
      { where: [], params: [] },
      q,
      this.rowFilter(q),
      READ_PAGE,
      'queryRecords',
    ))
      yield rows.map((row) => {
        const { values, hist } = decodePackedRecordBody(dict, row.body as Uint8Array, target);
        return { center: row.center as string, startMs: Number(row.start_ms), endMs: Number(row.end_ms), values, hist };
      });
  }

  /** Where body names go in packed records and roll-ups of `layout` (built as names are first met). */
  private packTarget(layout: Layout): PackTarget {
    let target = this.packTargets.get(layout);
    if (!target) this.packTargets.set(layout, (target = { layout, slotOf: [] }));
    return target;
  }

  async queryRecords(q: RecordQuery): Promise<StoredRecord[]> {
    const sources = q.source ? [q.source] : (['telemetry', 'declaration'] as const);
    const { where, params } = this.rowFilter(q);
    const dict = this.dict();
    const out: StoredRecord[] = [];
    for (const source of sources) {
      const table = RECORD_TABLE[source];
      for await (const rows of this.pages(
        `SELECT start_ms, center, end_ms, province, body FROM ${table}`,
        { where: [], params: [] },
        q,
        { where, params },
        READ_PAGE,
        'queryRecords',
      )) {
        for (const row of rows) {
          const { metrics, histograms } = decodeRecordBody(dict, row.body as Uint8Array);
          const rec: StoredRecord = {
            center: row.center as string,
            province: row.province as string,
            startMs: Number(row.start_ms),
            endMs: Number(row.end_ms),
            source,
            metrics,
          };
          if (histograms) rec.histograms = histograms;
          out.push(rec);
        }
      }
    }
    return out.sort(compareRecords);
  }

  /**
   * Rows in key order a page at a time (`page`), with a turn of the event loop between pages: ingest and /healthz
   * are answered while a close reads a day of minute records or a year of month roll-ups.
   */
  private async *pages(
    select: string,
    head: { where: string[]; params: SQLInputValue[] },
    span: { fromMs: number; toMs: number },
    filter: { where: string[]; params: SQLInputValue[] },
    limit: number,
    what: string,
  ): AsyncIterable<SqlRow[]> {
    let after: [number, string] | undefined;
    for (let page = 0; ; page++) {
      if (page > 0) await new Promise((r) => setImmediate(r));
      const rows = this.page(select, head, span, filter, after, limit, what);
      yield rows;
      if (rows.length < limit) return;
      const last = rows[rows.length - 1]!;
      after = [Number(last.start_ms), last.center as string];
    }
  }

  /**
   * One page of rows in key order (`head` columns, start_ms, center) after the row `after`, as at most two index
   * seeks: the rest of `after`'s start, then the starts after it. A row-value bound `(start_ms, center) > (?, ?)`
   * did not seek: SQLite scanned from the window's start on every page, quadratic in a day of 10,000 centers' rows.
   */
  private page(
    select: string,
    head: { where: string[]; params: SQLInputValue[] },
    span: { fromMs: number; toMs: number },
    filter: { where: string[]; params: SQLInputValue[] },
    after: [number, string] | undefined,
    limit: number,
    what: string,
  ): SqlRow[] {
    const and = (parts: string[]) => parts.join(' AND ');
    let rows: SqlRow[] = [];
    if (after)
      rows = this.all(
        `${select} WHERE ${and([...head.where, 'start_ms = ?', 'center > ?', ...filter.where])} ORDER BY center LIMIT ?`,
        [...head.params, after[0], after[1], ...filter.params, limit],
        what,
      );
    if (rows.length < limit) {
      const rest = this.all(
        `${select} WHERE ${and([...head.where, after ? 'start_ms > ?' : 'start_ms >= ?', 'start_ms < ?', ...filter.where])}
         ORDER BY start_ms, center LIMIT ?`,
        [...head.params, after ? after[0] : span.fromMs, span.toMs, ...filter.params, limit - rows.length],
        what,
      );
      rows = rows.length === 0 ? rest : rows.concat(rest);
    }
    return rows;
  }

  async writeRollups(rollups: StoredRollup[]): Promise<void> {
    rollups.forEach((r, i) => checkRollup(r, i));
    if (rollups.length === 0) return;
    this.handle();
    const dict = this.dict();
    this.transaction('writeRollups', () => {
      for (const r of rollups) {
        const f = r.rollup;
        this.stmt(
          `INSERT INTO ${rollupTable(r.kind)} (kind, start_ms, center, end_ms, province, records, covered_ms,
             first_start_ms, last_end_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (kind, start_ms, center) DO UPDATE SET
             end_ms = excluded.end_ms, province = excluded.province, records = excluded.records,
             covered_ms = excluded.covered_ms, first_start_ms = excluded.first_start_ms,
             last_end_ms = excluded.last_end_ms, body = excluded.body`,
        ).run(
          r.kind,
          r.startMs,
          r.center,
          r.endMs,
          r.province,
          f.records,
          f.coveredMs,
          f.firstStartMs,
          f.lastEndMs,
          encodeRollupBody(dict, r.metrics, f.aux, r.histograms),
        );
      }
    });
  }

  async queryRollups(q: RollupQuery): Promise<StoredRollup[]> {
    const out: StoredRollup[] = [];
    for await (const page of this.rollupPages(q)) for (const r of page) out.push(r);
    return out;
  }

  /**
   * Roll-ups in pages of rows in key order, with a turn of the event loop between them: a day close reads
   * 24 hour roll-ups of every center without holding them all, and ingest is answered meanwhile.
   */
  async *rollupPages(q: RollupQuery): AsyncIterable<StoredRollup[]> {
    const dict = this.dict();
    for await (const rows of this.rollupRows('*', q)) yield rows.map((row) => this.rollupOf(dict, q.kind, row));
  }

  /**
   * The roll-ups `rollupPages` returns, decoded straight into packed roll-ups (no object keyed by metric name): a
   * year close folds 240,000 month roll-ups of 10,000 centers.
   */
  async *packedRollupPages(q: RollupQuery, layout: Layout): AsyncIterable<PackedRollup[]> {
    const dict = this.dict();
    const target = this.packTarget(layout);
    for await (const rows of this.rollupRows(
      'start_ms, center, end_ms, records, covered_ms, first_start_ms, last_end_ms, body',
      q,
    ))
      yield rows.map((row) => {
        const { values, aux, hist } = decodePackedRollupBody(dict, row.body as Uint8Array, target);
        return {
          center: row.center as string,
          startMs: Number(row.start_ms),
          endMs: Number(row.end_ms),
          values,
          aux,
          hist,
          records: Number(row.records),
          coveredMs: Number(row.covered_ms),
          firstStartMs: Number(row.first_start_ms),
          lastEndMs: Number(row.last_end_ms),
        };
      });
  }

  /** The rows (`columns`) of the roll-ups a query asks for, a page at a time. */
  private rollupRows(columns: string, q: RollupQuery): AsyncIterable<SqlRow[]> {
    return this.pages(
      `SELECT ${columns} FROM ${rollupTable(q.kind)}`,
      { where: ['kind = ?'], params: [q.kind] },
      q,
      this.rowFilter(q),
      ROLLUP_PAGE,
      'queryRollups',
    );
  }

  private rollupOf(dict: InternTable, kind: StoredRollup['kind'], row: SqlRow): StoredRollup {
    const { metrics, aux, histograms } = decodeRollupBody(dict, row.body as Uint8Array);
    const r: StoredRollup = {
      kind,
      center: row.center as string,
      province: row.province as string,
      startMs: Number(row.start_ms),
      endMs: Number(row.end_ms),
      source: 'telemetry',
      metrics,
      rollup: {
        aux,
        records: Number(row.records),
        coveredMs: Number(row.covered_ms),
        firstStartMs: Number(row.first_start_ms),
        lastEndMs: Number(row.last_end_ms),
      },
    };
    if (histograms) r.histograms = histograms as Record<string, Histogram>;
    return r;
  }

  async writeValues(values: StoredValue[]): Promise<void> {
    values.forEach((v, i) => checkValue(v, i));
    if (values.length === 0) return;
    this.handle();
    this.transaction('writeValues', () => this.putValues(values));
  }

  /** Merges values into their nodes' rows (inside the caller's transaction). */
  private putValues(values: StoredValue[]): void {
    const dict = this.dict();
    // One row per node and period: group (the last copy of a repeated value wins), then merge each group into
    // the row already stored. An engine run lists each node's values together: the node's key is made once.
    const nodes = new Map<string, Map<string, StoredValue>>();
    let prev: StoredValue | undefined;
    let node: Map<string, StoredValue> | undefined;
    for (const v of values) {
      if (
        !prev ||
        v.code !== prev.code ||
        v.level !== prev.level ||
        v.period !== prev.period ||
        v.period_kind !== prev.period_kind
      ) {
        const k = `${v.period_kind}\u0000${v.period}\u0000${v.level}\u0000${v.code}`;
        node = nodes.get(k);
        if (!node) nodes.set(k, (node = new Map()));
      }
      node!.set(v.indicator, v);
      prev = v;
    }
    for (const byIndicator of nodes.values()) {
      const group = [...byIndicator.values()];
      const { period_kind, period, level, code } = group[0]!;
      const table = valueTable(period_kind);
      const old = this.stmt(
        `SELECT body FROM ${table} WHERE period_kind = ? AND period = ? AND level = ? AND code = ?`,
      ).get(period_kind, period, level, code) as { body: Uint8Array } | undefined;
      let merged = group;
      if (old) {
        const fresh = new Set(group.map((v) => v.indicator));
        const kept = decodeNodeValues(dict, group[0]!, old.body).filter((v) => !fresh.has(v.indicator));
        if (kept.length > 0) merged = [...group, ...kept];
      }
      merged.sort((a, b) => (a.indicator < b.indicator ? -1 : a.indicator > b.indicator ? 1 : 0));
      const first = group[0]!;
      this.stmt(
        `INSERT INTO ${table} (period_kind, period, level, code, from_ms, province, body) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (period_kind, period, level, code) DO UPDATE SET
             from_ms = excluded.from_ms, province = excluded.province, body = excluded.body`,
      ).run(period_kind, period, level, code, first.fromMs, first.province, encodeNodeValues(dict, first, merged));
    }
  }

  async queryValues(q: ValueQuery): Promise<StoredValue[]> {
    const where = ['period_kind = ?'];
    const params: SQLInputValue[] = [q.period_kind];
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
    if (q.codes) {
      where.push('code IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(q.codes));
    }
    // Filtered on the row (a node's row carries the province of its latest write) before its body is decoded:
    // a province's report decodes its few dozen centers, not every center.
    if (q.provinces) {
      where.push('province IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(q.provinces));
    }
    const dict = this.dict();
    const rows = this.all(
      `SELECT period_kind, period, level, code, body FROM ${valueTable(q.period_kind)} WHERE ${where.join(' AND ')}`,
      params,
      'queryValues',
    );
    const want = q.indicators ? new Set(q.indicators) : undefined;
    const provinces = q.provinces ? new Set(q.provinces) : undefined;
    const out: StoredValue[] = [];
    for (const row of rows) {
      for (const v of decodeNodeValues(dict, row as unknown as NodeRow, row.body as Uint8Array, want)) {
        if (provinces && !provinces.has(v.province)) continue;
        if (q.fromMs !== undefined && v.fromMs < q.fromMs) continue;
        if (q.toMs !== undefined && v.fromMs >= q.toMs) continue;
        out.push(v);
      }
    }
    return out.sort(compareValues);
  }

  async latestTelemetry(
    centers: string[],
    fromMs: number,
    toMs = Number.MAX_SAFE_INTEGER,
  ): Promise<Map<string, { startMs: number; endMs: number }>> {
    const out = new Map<string, { startMs: number; endMs: number }>();
    try {
      // The index (center, start_ms) answers each center with one backward seek.
      const stmt = this.stmt(
        'SELECT start_ms, end_ms FROM telemetry WHERE center = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms DESC LIMIT 1',
      );
      for (const c of centers) {
        const row = stmt.get(c, fromMs, toMs) as { start_ms: number; end_ms: number } | undefined;
        if (row) out.set(c, { startMs: Number(row.start_ms), endMs: Number(row.end_ms) });
      }
    } catch (err) {
      throw mapError(err, 'latestTelemetry');
    }
    return out;
  }

  async reportStats(fromMs: number, toMs: number): Promise<CenterReportStats[]> {
    // Telemetry and declarations alike; the province is the one of the center's latest record in the window.
    const by = new Map<string, CenterReportStats & { provinceEnd: number }>();
    for (const table of ['telemetry', 'declaration']) {
      const rows = this.all(
        `SELECT center, COUNT(*) AS records, MIN(start_ms) AS first_start, MAX(end_ms) AS last_end,
                (SELECT r2.province FROM ${table} r2
                  WHERE r2.center = r.center AND r2.start_ms >= ? AND r2.start_ms < ?
                  ORDER BY r2.end_ms DESC, r2.start_ms DESC LIMIT 1) AS province
           FROM ${table} r WHERE start_ms >= ? AND start_ms < ? GROUP BY center`,
        [fromMs, toMs, fromMs, toMs],
        'reportStats',
      );
      for (const r of rows) {
        const s = {
          center: r.center as string,
          province: r.province as string,
          records: Number(r.records),
          firstStartMs: Number(r.first_start),
          lastEndMs: Number(r.last_end),
          provinceEnd: Number(r.last_end),
        };
        const prev = by.get(s.center);
        if (!prev) {
          by.set(s.center, s);
          continue;
        }
        prev.records += s.records;
        prev.firstStartMs = Math.min(prev.firstStartMs, s.firstStartMs);
        if (s.lastEndMs > prev.lastEndMs) {
          prev.lastEndMs = s.lastEndMs;
          prev.province = s.province;
        }
      }
    }
    return [...by.values()]
      .map(({ provinceEnd: _, ...s }) => s)
      .sort((a, b) => (a.center < b.center ? -1 : a.center > b.center ? 1 : 0));
  }

  async enforceRetention(nowMs: number): Promise<{ deleted: number }> {
    let deleted = 0;
    for (const [tier, tables] of Object.entries(TIER_TABLES) as Array<[Tier, string[]]>) {
      const keep = this.retention[tier];
      if (!Number.isFinite(keep)) continue;
      const before = nowMs - keep;
      for (const table of tables) {
        const { time, key } = RETENTION_COLUMNS[table]!;
        const sql = `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key.replace(/[()]/g, '')} FROM ${table} WHERE ${time} < ? LIMIT ${DELETE_BATCH})`;
        // In batches, each its own transaction, with a turn of the event loop between them for ingest.
        for (;;) {
          let n = 0;
          this.transaction('enforceRetention', () => {
            n = Number(this.stmt(sql).run(before).changes);
          });
          deleted += n;
          if (n < DELETE_BATCH) break;
          await new Promise((r) => setImmediate(r));
        }
      }
    }
    if (deleted > 0) await this.vacuum();
    return { deleted };
  }

  /** Gives free pages back to the file system a few at a time. */
  private async vacuum(): Promise<void> {
    const db = this.handle();
    for (;;) {
      const free = Number((db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count);
      if (free === 0) return;
      try {
        db.exec(`PRAGMA incremental_vacuum(${VACUUM_PAGES})`);
      } catch (err) {
        throw mapError(err, 'vacuum');
      }
      if (free <= VACUUM_PAGES) return;
      await new Promise((r) => setImmediate(r));
    }
  }

  async sizeByTier(): Promise<TierBytes> {
    const bytes = Object.fromEntries(
      this.all('SELECT name, tbl_name FROM sqlite_schema WHERE type IN (?, ?)', ['table', 'index'], 'sizeByTier').map(
        (r) => [r.name as string, r.tbl_name as string],
      ),
    );
    const size = new Map<string, number>();
    for (const r of this.all('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name', [], 'sizeByTier')) {
      const table = bytes[r.name as string] ?? (r.name as string);
      size.set(table, (size.get(table) ?? 0) + Number(r.bytes));
    }
    const out = { raw: 0, realtime: 0, recent: 0, long_term: 0 } as TierBytes;
    for (const [tier, tables] of Object.entries(TIER_TABLES) as Array<[Tier, string[]]>)
      for (const t of tables) out[tier] += size.get(t) ?? 0;
    return out;
  }

  /** Moves rows of the first layout (JSON bodies, one row per value) into the tier tables, once. */
  private migrateLegacy(): void {
    const db = this.handle();
    const present = new Set(
      (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>).map(
        (r) => r.name,
      ),
    );
    if (!LEGACY_TABLES.some((t) => present.has(t))) return;
    this.transaction('migrate', () => {
      if (present.has('center_record')) {
        const dict = this.dict();
        for (const r of db.prepare('SELECT * FROM center_record').iterate() as Iterable<SqlRow>) {
          const metrics = JSON.parse(r.metrics as string) as Record<string, number>;
          const histograms =
            typeof r.histograms === 'string' ? (JSON.parse(r.histograms) as Record<string, Histogram>) : undefined;
          this.stmt(
            `INSERT OR REPLACE INTO ${RECORD_TABLE[r.source as 'telemetry' | 'declaration']} (start_ms, center, end_ms, province, body)
             VALUES (?, ?, ?, ?, ?)`,
          ).run(
            r.start_ms as number,
            r.center as string,
            r.end_ms as number,
            r.province as string,
            encodeRecordBody(dict, metrics, histograms),
          );
        }
        db.exec('DROP TABLE center_record');
      }
    });
    if (present.has('indicator_value')) {
      const rows = db.prepare('SELECT * FROM indicator_value').all() as SqlRow[];
      this.transaction('migrate', () => {
        this.putValues(rows.map(legacyValue));
        db.exec('DROP TABLE indicator_value');
      });
    }
    // A file made before tiers had no incremental vacuum: set it once (VACUUM rewrites the file).
    db.exec('PRAGMA auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
  }
}

function legacyValue(r: SqlRow): StoredValue {
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
