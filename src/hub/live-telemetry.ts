/**
 * @module The newest telemetry, held in memory by the hub that ingested it: the records of the rolling
 * window (a real-time run reads no storage), and each open hour folded record by record as it arrives (the
 * hour's close writes its roll-ups without reading the hour's raw records back).
 *
 * What the hub did not see is not here: records that arrived before it started (`since`), or that another
 * process wrote to storage. The rolling window's share from before the start is loaded from storage once
 * (`load`), so a restarted hub's real-time runs read memory from the first one on, not storage every minute.
 * An hour is folded only when the hub held it from before its start (a record that started before `since`
 * and reaches into the hour is found in storage at the close, and its center read again); a center
 * whose record came twice in an hour (a replay or a correction replaces, it does not add) is read again
 * from storage at the close.
 *
 * Records are held packed (a tenth of their parsed size: 10,000 centers' rolling window is 160,000 records), and a
 * window is answered as one roll-up per center, merged from them by the record contract's own fold.
 */
import type { Catalog } from '../catalog/types.ts';
import type { ParsedRecord, RollupRecord } from '../model/records.ts';
import { Accumulation, packRecord, type PackedRecord } from '../records/merge.ts';
import { periodName, periodWindow, periodsTouching } from '../model/periods.ts';
import { Turns } from '../engine/turns.ts';

export interface LiveTelemetryOptions {
  catalog: Catalog;
  tz: string;
  /** Records are held while they end within this span of now (the rolling window and a minute). */
  spanMs: number;
  /** The longest telemetry interval: a record may start this long before the hour it reaches into. */
  maxIntervalMs: number;
  now: () => number;
}

interface OpenHour {
  acc: Accumulation;
  /** Centers to read again from storage at the close (a record came twice). */
  redo: Set<string>;
}

/** What an open hour's close gets: the roll-ups folded so far and the centers to read again. */
export interface HourFold {
  rollups: RollupRecord[];
  redo: string[];
  /**
   * Records that started in this span were not seen (the hub started less than the longest interval before
   * the hour): a center with one of them reaching into the hour is read again from storage.
   */
  unseen?: { fromMs: number; toMs: number };
}

export class LiveTelemetry {
  private readonly o: LiveTelemetryOptions;
  /** From this instant on, every record this hub ingested is here. */
  readonly since: number;
  /** Every telemetry record starting from this instant on is held (ingested, or loaded from storage). */
  private heldSince: number;
  /**
   * Every record ending after this instant is held: it moves on as real-time runs finish (`prune`), never past
   * the window of the last run, so a run that waited behind a long close still finds its window in memory.
   */
  private keptFrom: number;
  private readonly byCenter = new Map<string, Map<number, PackedRecord>>();
  private readonly hours = new Map<string, OpenHour>();
  /** Hours whose fold was handed to their close: later records for them are late records. */
  private readonly taken = new Set<string>();

  constructor(o: LiveTelemetryOptions) {
    this.o = o;
    this.since = o.now();
    this.heldSince = this.since;
    this.keptFrom = this.since - o.spanMs;
  }

  /**
   * Holds stored telemetry that started in [fromMs, since), read from storage after the hub started: from then
   * on `records` answers windows reaching back to `fromMs`. A record this hub ingested meanwhile (a late one, a
   * correction) is newer than the stored copy read and is kept. Loaded records are never folded into an hour.
   * A load in several reads passes `complete` false to all but the last: windows are answered once it has run.
   */
  load(records: Iterable<ParsedRecord>, fromMs: number, complete = true): void {
    for (const r of records) {
      if (r.source !== 'telemetry' || r.startMs < fromMs || r.startMs >= this.since || r.endMs <= this.keptFrom)
        continue;
      let held = this.byCenter.get(r.center);
      if (!held) this.byCenter.set(r.center, (held = new Map()));
      if (!held.has(r.startMs)) held.set(r.startMs, packRecord(this.o.catalog, r));
    }
    if (complete) this.heldSince = Math.min(this.heldSince, fromMs);
  }

  /** Every held record ends after this instant (a record ending by it is let go, or not taken by `load`). */
  get heldFrom(): number {
    return this.keptFrom;
  }

  /** Whether `records` can answer a window starting at `fromMs` once the share before the start is loaded. */
  holdable(fromMs: number): boolean {
    // Every record overlapping the window ends after its start, so none of them was let go.
    return fromMs >= this.keptFrom;
  }

  /** Telemetry just stored by ingest (declarations are not held here). */
  add(records: Iterable<ParsedRecord>): void {
    const heldFrom = this.keptFrom;
    const openFrom = this.openFrom();
    for (const r of records) {
      if (r.source !== 'telemetry') continue;
      let held = this.byCenter.get(r.center);
      // A record seen before replaces the earlier copy; one that ended before what is held cannot be told apart
      // (a copy of it would have been let go).
      const again = held?.has(r.startMs) === true || r.endMs <= heldFrom;
      if (r.endMs > heldFrom) {
        if (!held) this.byCenter.set(r.center, (held = new Map()));
        held.set(r.startMs, packRecord(this.o.catalog, r));
      }
      if (r.endMs <= openFrom) continue;
      // The common case: the record lies inside an hour already open (no time-zone arithmetic per record).
      let inside: OpenHour | undefined;
      for (const h of this.hours.values()) {
        const w = h.acc.window;
        if (r.startMs >= w.fromMs && r.endMs <= w.toMs) inside = h;
      }
      if (inside) {
        if (again) inside.redo.add(r.center);
        else inside.acc.add(r);
        continue;
      }
      for (const hour of periodsTouching('hour', r.startMs, r.endMs, this.o.tz)) {
        if (this.taken.has(hour)) continue;
        let h = this.hours.get(hour);
        if (!h) {
          const w = periodWindow('hour', hour, this.o.tz);
          if (w.fromMs < openFrom) continue;
          this.hours.set(hour, (h = { acc: new Accumulation(this.o.catalog, w), redo: new Set() }));
        }
        if (again) h.redo.add(r.center);
        else h.acc.add(r);
      }
    }
  }

  /** The start of the hour before the current one: records of earlier hours are late and not folded. */
  private openFrom(): number {
    return periodWindow('hour', periodName('hour', this.o.now() - 3_600_000, this.o.tz), this.o.tz).fromMs;
  }

  /**
   * Telemetry of [fromMs, toMs) as one roll-up per center for that window (what its records fold to), if every
   * record ingested that overlaps it is held; undefined otherwise.
   */
  async records(fromMs: number, toMs: number): Promise<RollupRecord[] | undefined> {
    const acc = new Accumulation(this.o.catalog, { fromMs, toMs });
    return (await this.fold(acc, fromMs, toMs)) ? acc.rollups() : undefined;
  }

  /**
   * Folds the held telemetry overlapping [fromMs, toMs) into `acc` (which counts each record against its own
   * window), if every record ingested that overlaps it is held; false (nothing folded) otherwise. The fold takes
   * turns of the event loop (src/engine/turns.ts): 10,000 centers' rolling window is about a quarter of a second of
   * work, which in one piece held every request that came meanwhile (the overview's p99 was that pause). A record
   * ingested during a turn may or may not be in the fold, as if it had come just before or just after it.
   */
  async fold(acc: Accumulation, fromMs: number, toMs: number, turns = new Turns()): Promise<boolean> {
    if (fromMs - this.o.maxIntervalMs < this.heldSince || !this.holdable(fromMs)) return false;
    for (const held of this.byCenter.values()) {
      for (const r of held.values()) if (r.endMs > fromMs && r.startMs < toMs) acc.addPacked(r);
      if (turns.due()) await turns.take();
    }
    return true;
  }

  /**
   * Hands an hour's fold to its close, once: the roll-ups of every center and the centers to read again,
   * or undefined when the hub did not hold the whole hour (it started later, the hour is long gone, or
   * its fold was handed over before).
   */
  takeHour(hour: string): HourFold | undefined {
    // A second build of an hour (late records touched it) reads storage: the fold was handed over once.
    if (this.taken.has(hour)) return undefined;
    const w = periodWindow('hour', hour, this.o.tz);
    // Only the last two hours are folded: a record for an older hour is a late one and was not.
    if (w.fromMs < this.openFrom()) return undefined;
    const h = this.hours.get(hour);
    this.hours.delete(hour);
    this.taken.add(hour);
    if (this.taken.size > 48) this.taken.delete(this.taken.values().next().value!);
    if (w.fromMs < this.since) return undefined;
    const unseen =
      w.fromMs - this.o.maxIntervalMs < this.since
        ? { unseen: { fromMs: w.fromMs - this.o.maxIntervalMs, toMs: this.since } }
        : {};
    if (!h) return { rollups: [], redo: [], ...unseen };
    for (const c of h.redo) h.acc.drop(c);
    return { rollups: h.acc.rollups(), redo: [...h.redo], ...unseen };
  }

  /**
   * Drops records that ended before the held span and before `neededFrom` (what the last real-time run's window
   * needed: a later run's window starts no earlier), and hours long past that no close took.
   */
  prune(neededFrom = Infinity): void {
    const now = this.o.now();
    const heldFrom = (this.keptFrom = Math.max(this.keptFrom, Math.min(neededFrom, now - this.o.spanMs)));
    for (const [c, held] of this.byCenter) {
      for (const [start, r] of held) if (r.endMs <= heldFrom) held.delete(start);
      if (held.size === 0) this.byCenter.delete(c);
    }
    for (const [hour, h] of this.hours) if (h.acc.window.toMs < now - 6 * 3_600_000) this.hours.delete(hour);
  }

  /** Records held (for /metrics and tests). */
  size(): number {
    let n = 0;
    for (const held of this.byCenter.values()) n += held.size;
    return n;
  }
}
