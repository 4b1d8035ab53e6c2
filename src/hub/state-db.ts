/**
 * @module The hub's own state database (node:sqlite): tokens, alert history, engine checkpoints, dirty
 * periods and the federation outbox (in a file beside). Separate from the time-series Storage so that either storage
 * adapter can be used, and so the CLI can manage tokens without touching InfluxDB.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Outbox } from '../push/outbox.ts';
import type { CenterRecord } from '../model/records.ts';

/** The one sink of the federation outbox. */
export const UPSTREAM_SINK = 'upstream';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER,
  expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS alerts (
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT,
  alertname TEXT,
  province TEXT NOT NULL,
  severity TEXT,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  generator_url TEXT,
  receiver TEXT,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (fingerprint, status, starts_at)
);
CREATE INDEX IF NOT EXISTS alerts_by_province ON alerts (province, received_at);
CREATE TABLE IF NOT EXISTS checkpoints (
  kind TEXT PRIMARY KEY,
  period TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rollups (
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  gen INTEGER NOT NULL,
  built_gen INTEGER NOT NULL,
  PRIMARY KEY (kind, period)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dirty_periods (
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  generation INTEGER NOT NULL,
  PRIMARY KEY (kind, period)
);
`;

export interface TokenRow {
  id: string;
  name: string;
  scope: string;
  hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  /** The token is refused from this time on (ms); null: never expires. */
  expires_at: number | null;
}

export interface AlertRow {
  fingerprint: string;
  status: string;
  starts_at: string;
  ends_at: string | null;
  alertname: string | null;
  province: string;
  severity: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generator_url: string | null;
  receiver: string | null;
  received_at: number;
}

export interface AlertFilter {
  /** Only alerts of these provinces ('' = alerts without a province label). Omitted: all. */
  provinces?: string[];
  status?: string;
  sinceMs?: number;
  limit: number;
}

/** Typed access to the state database. One instance per hub process. */
export class StateDb {
  readonly file: string;
  private readonly db: DatabaseSync;
  private generation = 0;
  private readonly statements = new Map<string, StatementSync>();
  private federationOutbox: Outbox | undefined;

  constructor(file: string) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new DatabaseSync(file);
    // WAL keeps readers and the single writer apart; NORMAL sync survives a killed process.
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
    // State databases made before tokens could expire gain the column (all their tokens never expire).
    const columns = this.db.prepare('PRAGMA table_info(tokens)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'expires_at')) this.db.exec('ALTER TABLE tokens ADD COLUMN expires_at INTEGER');
    const row = this.stmt('SELECT COALESCE(MAX(generation), 0) AS g FROM dirty_periods').get() as { g: number };
    this.generation = row.g;
  }

  close(): void {
    this.federationOutbox?.close();
    if (this.db.isOpen) this.db.close();
  }

  /** The prepared statement for `sql`, compiled once: some run on every request (token lookup). */
  private stmt(sql: string): StatementSync {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /** Runs `fn` in one transaction (all or nothing). */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  // --- tokens -------------------------------------------------------------------------------------

  insertToken(t: Omit<TokenRow, 'revoked_at' | 'last_used_at' | 'expires_at'> & { expires_at?: number | null }): void {
    this.stmt('INSERT INTO tokens (id, name, scope, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      t.id,
      t.name,
      t.scope,
      t.hash,
      t.created_at,
      t.expires_at ?? null,
    );
  }

  tokenById(id: string): TokenRow | undefined {
    return this.stmt('SELECT * FROM tokens WHERE id = ?').get(id) as TokenRow | undefined;
  }

  /** Makes an active token expire at `atMs` (earlier expiries stay). Returns false when no active token has this id. */
  expireToken(id: string, atMs: number): boolean {
    return (
      this.stmt(
        'UPDATE tokens SET expires_at = MIN(COALESCE(expires_at, ?), ?) WHERE id = ? AND revoked_at IS NULL',
      ).run(atMs, atMs, id).changes > 0
    );
  }

  tokenByHash(hash: string): TokenRow | undefined {
    return this.stmt('SELECT * FROM tokens WHERE hash = ?').get(hash) as TokenRow | undefined;
  }

  listTokens(): TokenRow[] {
    return this.stmt('SELECT * FROM tokens ORDER BY created_at, id').all() as unknown as TokenRow[];
  }

  /** Returns false when no active token has this id. */
  revokeToken(id: string, nowMs: number): boolean {
    return this.stmt('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(nowMs, id).changes > 0;
  }

  touchToken(id: string, nowMs: number): void {
    this.stmt('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(nowMs, id);
  }

  // --- alerts -------------------------------------------------------------------------------------

  /** Inserts alerts, ignoring ones already held (same fingerprint, status and startsAt). Returns how many were new. */
  insertAlerts(rows: AlertRow[]): number {
    const stmt = this.stmt(`INSERT OR IGNORE INTO alerts
      (fingerprint, status, starts_at, ends_at, alertname, province, severity, labels, annotations, generator_url, receiver, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    return this.transaction(() => {
      let added = 0;
      for (const a of rows) {
        added += Number(
          stmt.run(
            a.fingerprint,
            a.status,
            a.starts_at,
            a.ends_at,
            a.alertname,
            a.province,
            a.severity,
            JSON.stringify(a.labels),
            JSON.stringify(a.annotations),
            a.generator_url,
            a.receiver,
            a.received_at,
          ).changes,
        );
      }
      return added;
    });
  }

  listAlerts(f: AlertFilter): AlertRow[] {
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (f.provinces) {
      if (f.provinces.length === 0) return [];
      where.push(`province IN (${f.provinces.map(() => '?').join(', ')})`);
      args.push(...f.provinces);
    }
    if (f.status) {
      where.push('status = ?');
      args.push(f.status);
    }
    if (f.sinceMs !== undefined) {
      where.push('received_at >= ?');
      args.push(f.sinceMs);
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at DESC, starts_at DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      ...(r as unknown as AlertRow),
      labels: JSON.parse(r.labels as string) as Record<string, string>,
      annotations: JSON.parse(r.annotations as string) as Record<string, string>,
    }));
  }

  // --- engine checkpoints and dirty periods ---------------------------------------------------------

  checkpoint(kind: string): string | undefined {
    return (this.stmt('SELECT period FROM checkpoints WHERE kind = ?').get(kind) as { period: string } | undefined)
      ?.period;
  }

  checkpoints(): Array<{ kind: string; period: string; updated_at: number }> {
    return this.stmt('SELECT * FROM checkpoints ORDER BY kind').all() as unknown as Array<{
      kind: string;
      period: string;
      updated_at: number;
    }>;
  }

  setCheckpoint(kind: string, period: string, nowMs: number): void {
    this.stmt(
      'INSERT INTO checkpoints (kind, period, updated_at) VALUES (?, ?, ?) ON CONFLICT (kind) DO UPDATE SET ' +
        'period = excluded.period, updated_at = excluded.updated_at',
    ).run(kind, period, nowMs);
  }

  /** Marks periods dirty; a period marked again while being recomputed stays dirty (newer generation). */
  markDirty(items: Array<{ kind: string; period: string }>): void {
    if (items.length === 0) return;
    const g = ++this.generation;
    const stmt = this.stmt(
      'INSERT INTO dirty_periods (kind, period, generation) VALUES (?, ?, ?) ON CONFLICT (kind, period) DO ' +
        'UPDATE SET generation = excluded.generation',
    );
    this.transaction(() => {
      for (const i of items) stmt.run(i.kind, i.period, g);
    });
  }

  dirtyPeriods(): Array<{ kind: string; period: string; generation: number }> {
    return this.stmt('SELECT * FROM dirty_periods ORDER BY kind, period').all() as unknown as Array<{
      kind: string;
      period: string;
      generation: number;
    }>;
  }

  /** Clears a dirty mark, unless it was marked again after `generation` was read. */
  clearDirty(kind: string, period: string, generation: number): void {
    this.stmt('DELETE FROM dirty_periods WHERE kind = ? AND period = ? AND generation <= ?').run(
      kind,
      period,
      generation,
    );
  }

  // --- roll-ups: which are built, and whether late records touched them since ----------------------

  /**
   * Which of `periods` have fresh roll-ups: built, and no late record touched them since. A row's
   * `gen` counts late arrivals; `built_gen` is the count the last build saw.
   */
  freshRollups(kind: string, periods: string[]): Set<string> {
    if (periods.length === 0) return new Set();
    const rows = this.stmt(
      'SELECT period FROM rollups WHERE kind = ? AND gen = built_gen AND period IN (SELECT value FROM json_each(?))',
    ).all(kind, JSON.stringify(periods)) as Array<{ period: string }>;
    return new Set(rows.map((r) => r.period));
  }

  /** The generation each of `periods` that is fresh was built at (a period built again has a newer one). */
  builtGenerations(kind: string, periods: string[]): Map<string, number> {
    if (periods.length === 0) return new Map();
    const rows = this.stmt(
      'SELECT period, built_gen FROM rollups WHERE kind = ? AND gen = built_gen AND period IN (SELECT value FROM json_each(?))',
    ).all(kind, JSON.stringify(periods)) as Array<{ period: string; built_gen: number }>;
    return new Map(rows.map((r) => [r.period, Number(r.built_gen)]));
  }

  /**
   * Registers a build of these roll-ups before its inputs are read, and returns the generation each build
   * answers for: a late record marked meanwhile bumps the row, so the build does not count as fresh.
   */
  beginRollups(kind: string, periods: string[]): Map<string, number> {
    const insert = this.stmt('INSERT OR IGNORE INTO rollups (kind, period, gen, built_gen) VALUES (?, ?, 0, -1)');
    const read = this.stmt('SELECT gen FROM rollups WHERE kind = ? AND period = ?');
    return this.transaction(() => {
      const out = new Map<string, number>();
      for (const p of periods) {
        insert.run(kind, p);
        out.set(p, (read.get(kind, p) as { gen: number }).gen);
      }
      return out;
    });
  }

  /** The roll-up of `period` was written from inputs read at generation `gen`. */
  finishRollup(kind: string, period: string, gen: number): void {
    this.stmt('UPDATE rollups SET built_gen = ? WHERE kind = ? AND period = ?').run(gen, kind, period);
  }

  /** Whether any roll-up of `kind` from `fromPeriod` through `toPeriod` was built (names sort in time order). */
  hasRollups(kind: string, fromPeriod: string, toPeriod: string): boolean {
    return (
      this.stmt('SELECT 1 AS x FROM rollups WHERE kind = ? AND period >= ? AND period <= ? LIMIT 1').get(
        kind,
        fromPeriod,
        toPeriod,
      ) !== undefined
    );
  }

  /** Late records touched these periods: their roll-ups (those built or being built) must be rebuilt. */
  markRollupsStale(items: Array<{ kind: string; period: string }>): number {
    if (items.length === 0) return 0;
    const stmt = this.stmt('UPDATE rollups SET gen = gen + 1 WHERE kind = ? AND period = ?');
    return this.transaction(() => {
      let n = 0;
      for (const i of items) n += Number(stmt.run(i.kind, i.period).changes);
      return n;
    });
  }

  /**
   * Hour roll-ups a provincial hub forwarded arrived for these hours: the hours count as having roll-ups
   * (a day is then built from its hours, not from raw records this hub does not have) and are stale, so
   * the roll-ups of this hub's own centers in them are built once more beside the forwarded ones.
   */
  noteReceivedRollups(hours: string[]): void {
    const stmt = this.stmt(
      "INSERT INTO rollups (kind, period, gen, built_gen) VALUES ('hour', ?, 1, 0) ON CONFLICT (kind, period) DO UPDATE SET gen = gen + 1",
    );
    this.transaction(() => {
      for (const h of hours) stmt.run(h);
    });
  }

  /** Forgets roll-ups of periods before `beforePeriod` (their rows expired from storage). */
  forgetRollups(kind: string, beforePeriod: string): void {
    this.stmt('DELETE FROM rollups WHERE kind = ? AND period < ?').run(kind, beforePeriod);
  }

  // --- federation outbox --------------------------------------------------------------------------

  /**
   * The federation outbox: the push Outbox every sender uses, in its own file beside this one
   * (`<state_db>.outbox`), opened on first use. One queue, the upstream hub; a record queued again
   * replaces the pending copy. Items a hub queued in the `outbox` table of earlier versions move into it.
   */
  get outbox(): Outbox {
    if (!this.federationOutbox) {
      const file = this.file === ':memory:' ? ':memory:' : `${path.resolve(this.file)}.outbox`;
      this.federationOutbox = new Outbox(file, [UPSTREAM_SINK], Infinity, { onQueuedKey: 'replace' });
      this.moveLegacyOutbox(this.federationOutbox);
    }
    return this.federationOutbox;
  }

  /** Records waiting for the upstream hub. */
  outboxSize(): number {
    return this.outbox.stats(UPSTREAM_SINK).depth;
  }

  private moveLegacyOutbox(outbox: Outbox): void {
    const legacy = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
    if (!legacy) return;
    const rows = this.db.prepare('SELECT record FROM outbox ORDER BY seq').all() as Array<{ record: string }>;
    outbox.enqueue(
      rows.map((r) => JSON.parse(r.record) as CenterRecord),
      Date.now(),
    );
    this.db.exec('DROP TABLE outbox');
  }
}
