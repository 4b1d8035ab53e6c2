/**
 * @module The durable outbox of every sender: the agent's (one queue per sink) and a provincial hub's
 * federation outbox (one queue, the upstream hub). Every record is on disk (SQLite WAL, synchronous=FULL)
 * before any sink sees it, leaves only when every sink has it acknowledged, and survives SIGKILL and long
 * hub outages.
 *
 * One row per record plus one delivery row per sink, so a dead hub does not hold back the JSON Lines
 * file and vice versa. Bounded: beyond `maxRecords` the oldest records are dropped and counted (a
 * known, visible loss beats a full disk). Records a hub rejects as invalid move to a dead-letter table,
 * counted, instead of being retried forever. The last interval written is kept with the record in the
 * same transaction, so a restarted agent knows exactly where to continue.
 *
 * A full disk (or an I/O error) is not a crash: with `holdInMemory`, records the file cannot take are
 * held in memory, up to that many (beyond it the oldest held are dropped and counted), and written
 * first thing at the next enqueue or `retryHeld()` once the disk takes them again. Held records are not
 * on disk: a process that dies meanwhile loses them, and its restart reports those intervals as gaps.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { recordKey, type CenterRecord } from '../model/records.ts';

export interface PendingRecord {
  seq: number;
  key: string;
  record: CenterRecord;
  createdMs: number;
}

export interface OutboxStats {
  depth: number;
  /** Records held in memory because the disk would not take them. */
  held: number;
  oldestCreatedMs: number | undefined;
  dropped: number;
  deadLettered: number;
  sent: number;
}

export interface OutboxOptions {
  /**
   * What a record whose key is still queued does: `ignore` keeps the queued copy (an agent replaying an
   * interval never doubles it); `replace` queues the newer copy under a new seq, so a sender holding the
   * old seq cannot acknowledge it away (a hub forwards the last version it stored).
   */
  onQueuedKey?: 'ignore' | 'replace';
  /**
   * Records to hold in memory while the disk refuses writes (full, I/O error) instead of throwing from
   * enqueue; default 0: enqueue throws (a hub answers its sender 503 instead).
   */
  holdInMemory?: number;
}

/** What an enqueue did. */
export interface EnqueueResult {
  /** Records newly written (held records written now included). */
  added: number;
  /** Records dropped: the oldest on disk beyond `maxRecords`, or held in memory beyond `holdInMemory`. */
  dropped: number;
  /** Records held in memory now, because the disk refused the write. */
  held: number;
  /** Why the disk refused, when it did. */
  error?: string;
}

/** SQLite result codes (primary) of a disk that refuses writes: I/O error, disk full. */
const DISK_REFUSED = new Set([10, 13]);

function diskRefused(err: unknown): boolean {
  const code = (err as { errcode?: number }).errcode;
  return typeof code === 'number' && DISK_REFUSED.has(code & 0xff);
}

export class Outbox {
  private readonly db: DatabaseSync;
  private readonly sinks: string[];
  private readonly maxRecords: number;
  private readonly replace: boolean;
  private readonly holdMax: number;
  /** Records the disk refused, oldest first, with when they were enqueued. */
  private held: Array<{ record: CenterRecord; nowMs: number }> = [];
  /** Held records dropped beyond the bound, not yet counted on disk. */
  private heldDropped = 0;

  /** `maxRecords` bounds the records kept (Infinity: unbounded). */
  constructor(path: string, sinks: string[], maxRecords: number, options: OutboxOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.sinks = sinks;
    this.maxRecords = maxRecords;
    this.replace = options.onQueuedKey === 'replace';
    this.holdMax = options.holdInMemory ?? 0;
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        start_ms INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS deliveries (
        seq INTEGER NOT NULL REFERENCES records(seq) ON DELETE CASCADE,
        sink TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (sink, seq)
      );
      CREATE TABLE IF NOT EXISTS dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sink TEXT NOT NULL,
        key TEXT NOT NULL,
        body TEXT NOT NULL,
        errors TEXT NOT NULL,
        moved_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS state (k TEXT PRIMARY KEY, v TEXT NOT NULL);
    `);
    this.db.exec('PRAGMA foreign_keys = ON;');
    // A sink removed from the config must not pin records forever.
    const placeholders = sinks.map(() => '?').join(',');
    this.tx(() => {
      this.db.prepare(`DELETE FROM deliveries WHERE sink NOT IN (${placeholders || "''"})`).run(...sinks);
      this.db.prepare('DELETE FROM records WHERE seq NOT IN (SELECT seq FROM deliveries)').run();
    });
  }

  private tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const r = fn();
      this.db.exec('COMMIT');
      return r;
    } catch (err) {
      // SQLite rolls back by itself on a full disk; a second ROLLBACK would hide the cause.
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private getState(k: string): string | undefined {
    const row = this.db.prepare('SELECT v FROM state WHERE k = ?').get(k) as { v: string } | undefined;
    return row?.v;
  }

  private addCounter(k: string, n: number): void {
    this.db
      .prepare(
        'INSERT INTO state (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = CAST(CAST(v AS INTEGER) + ? AS TEXT)',
      )
      .run(k, String(n), n);
  }

  /** End (ms) of the last interval whose record was written, if any. */
  lastEndMs(): number | undefined {
    const v = this.getState('last_end_ms');
    return v === undefined ? undefined : Number(v);
  }

  /**
   * Writes records (and advances last_end) durably in one transaction, after any records held from a
   * full disk. A key already present is ignored, so a replayed interval never doubles. When the disk
   * refuses and `holdInMemory` allows, the records are held instead (see the module comment).
   */
  enqueue(records: CenterRecord[], nowMs: number): EnqueueResult {
    const items = [...this.held, ...records.map((record) => ({ record, nowMs }))];
    try {
      const r = this.write(items);
      this.held = [];
      return { ...r, held: 0 };
    } catch (err) {
      if (this.holdMax <= 0 || !diskRefused(err)) throw err;
      return this.hold(records, nowMs, err);
    }
  }

  /** Writes the held records if the disk takes them now (in one transaction, oldest first). */
  retryHeld(): EnqueueResult {
    if (this.held.length === 0) return { added: 0, dropped: 0, held: 0 };
    try {
      const r = this.write(this.held);
      this.held = [];
      return { ...r, held: 0 };
    } catch (err) {
      if (!diskRefused(err)) throw err;
      return { added: 0, dropped: 0, held: this.held.length, error: (err as Error).message };
    }
  }

  private hold(records: CenterRecord[], nowMs: number, err?: unknown): EnqueueResult {
    for (const record of records) this.held.push({ record, nowMs });
    const over = Math.max(0, this.held.length - this.holdMax);
    if (over > 0) {
      this.held.splice(0, over);
      this.heldDropped += over;
    }
    return {
      added: 0,
      dropped: over,
      held: this.held.length,
      ...(err ? { error: (err as Error).message } : {}),
    };
  }

  private write(items: Array<{ record: CenterRecord; nowMs: number }>): { added: number; dropped: number } {
    const written = this.tx(() => {
      let added = 0;
      const ins = this.db.prepare(
        'INSERT OR IGNORE INTO records (key, start_ms, body, created_ms) VALUES (?, ?, ?, ?)',
      );
      const del = this.db.prepare('INSERT INTO deliveries (seq, sink) VALUES (?, ?)');
      const unqueue = this.replace ? this.db.prepare('DELETE FROM records WHERE key = ?') : undefined;
      let lastEnd = this.lastEndMs() ?? -Infinity;
      for (const { record: r, nowMs } of items) {
        const key = recordKey(r);
        unqueue?.run(key);
        const res = ins.run(key, Date.parse(r.start), JSON.stringify(r), nowMs);
        if (res.changes > 0) {
          added++;
          for (const s of this.sinks) del.run(Number(res.lastInsertRowid), s);
        }
        lastEnd = Math.max(lastEnd, Date.parse(r.end));
      }
      if (Number.isFinite(lastEnd))
        this.db
          .prepare("INSERT INTO state (k, v) VALUES ('last_end_ms', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v")
          .run(String(lastEnd));
      // Held records dropped while the disk was full are counted with the others once it takes writes.
      if (this.heldDropped > 0) this.addCounter('dropped_total', this.heldDropped);
      let dropped = 0;
      if (Number.isFinite(this.maxRecords)) {
        const count = (this.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;
        if (count > this.maxRecords) {
          dropped = count - this.maxRecords;
          this.db
            .prepare('DELETE FROM records WHERE seq IN (SELECT seq FROM records ORDER BY seq LIMIT ?)')
            .run(dropped);
          this.addCounter('dropped_total', dropped);
        }
      }
      return { added, dropped };
    });
    this.heldDropped = 0;
    return written;
  }

  /** The oldest records still owed to `sink`, in order. */
  peek(sink: string, limit: number): PendingRecord[] {
    const rows = this.db
      .prepare(
        'SELECT r.seq, r.key, r.body, r.created_ms FROM deliveries d JOIN records r ON r.seq = d.seq WHERE d.sink = ? ORDER BY r.seq LIMIT ?',
      )
      .all(sink, limit) as Array<{ seq: number; key: string; body: string; created_ms: number }>;
    return rows.map((r) => ({
      seq: r.seq,
      key: r.key,
      record: JSON.parse(r.body) as CenterRecord,
      createdMs: r.created_ms,
    }));
  }

  /** Marks records delivered to `sink`; a record delivered everywhere is deleted. */
  ack(sink: string, seqs: number[]): void {
    if (seqs.length === 0) return;
    this.tx(() => {
      const del = this.db.prepare('DELETE FROM deliveries WHERE sink = ? AND seq = ?');
      const gone = this.db.prepare(
        'DELETE FROM records WHERE seq = ? AND NOT EXISTS (SELECT 1 FROM deliveries WHERE seq = ?)',
      );
      for (const s of seqs) {
        del.run(sink, s);
        gone.run(s, s);
      }
      this.addCounter(`sent_total:${sink}`, seqs.length);
    });
  }

  /** Moves a record `sink` refused as invalid to the dead-letter table (counted, never retried). */
  deadLetter(sink: string, seq: number, errors: unknown, nowMs: number): void {
    this.tx(() => {
      const row = this.db.prepare('SELECT key, body FROM records WHERE seq = ?').get(seq) as
        { key: string; body: string } | undefined;
      if (!row) return;
      this.db
        .prepare('INSERT INTO dead_letters (sink, key, body, errors, moved_ms) VALUES (?, ?, ?, ?, ?)')
        .run(sink, row.key, row.body, JSON.stringify(errors), nowMs);
      this.db.prepare('DELETE FROM deliveries WHERE sink = ? AND seq = ?').run(sink, seq);
      this.db
        .prepare('DELETE FROM records WHERE seq = ? AND NOT EXISTS (SELECT 1 FROM deliveries WHERE seq = ?)')
        .run(seq, seq);
      this.addCounter('dead_letter_total', 1);
    });
  }

  noteAttempt(sink: string, seqs: number[]): void {
    const up = this.db.prepare('UPDATE deliveries SET attempts = attempts + 1 WHERE sink = ? AND seq = ?');
    for (const s of seqs) up.run(sink, s);
  }

  stats(sink?: string): OutboxStats {
    const depth = sink
      ? (this.db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE sink = ?').get(sink) as { n: number }).n
      : (this.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;
    const oldest = sink
      ? (
          this.db
            .prepare('SELECT MIN(r.created_ms) AS m FROM deliveries d JOIN records r ON r.seq = d.seq WHERE d.sink = ?')
            .get(sink) as { m: number | null }
        ).m
      : (this.db.prepare('SELECT MIN(created_ms) AS m FROM records').get() as { m: number | null }).m;
    const sent = sink
      ? Number(this.getState(`sent_total:${sink}`) ?? 0)
      : this.sinks.reduce((a, s) => a + Number(this.getState(`sent_total:${s}`) ?? 0), 0);
    return {
      depth,
      held: this.held.length,
      oldestCreatedMs: oldest ?? this.held[0]?.nowMs,
      dropped: Number(this.getState('dropped_total') ?? 0) + this.heldDropped,
      deadLettered: Number(this.getState('dead_letter_total') ?? 0),
      sent,
    };
  }

  deadLetters(): Array<{ sink: string; key: string; errors: unknown }> {
    const rows = this.db.prepare('SELECT sink, key, errors FROM dead_letters ORDER BY id').all() as Array<{
      sink: string;
      key: string;
      errors: string;
    }>;
    return rows.map((r) => ({ sink: r.sink, key: r.key, errors: JSON.parse(r.errors) as unknown }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
