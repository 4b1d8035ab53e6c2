/**
 * @module The hub's roll-ups: each center's closed hours merged from raw records, days from hours, months
 * from days (src/records/merge.ts), written to storage and rebuilt once when late records touch them. A
 * close reads the coarsest roll-ups that tile its window, so its cost follows the period, not the history
 * behind it: a month close reads a month of day roll-ups, never the month's minute records.
 *
 * The open day and month are also folded as they go: each hour built is added to a running day, each day to a
 * running month, so the day's close writes its roll-ups without reading its 24 hours back (nor the month's its
 * days). A running period is used only when it holds every child at the generation the state DB says is fresh,
 * each folded from its first build: a child built again (a late record, roll-ups a provincial hub forwarded)
 * drops it, and the close reads storage as before. A hub started mid-day or mid-month reads the closed children
 * of the open day and month once (`prime`), off the closes' path.
 *
 * Which roll-ups are built, and for which generation of late records, is kept in the state DB (a build
 * registers itself before reading its inputs, so a late record that lands meanwhile makes it stale again).
 * Tiers expire (storage Retention): an hour older than the raw records cannot be rebuilt, and an hour
 * older than the hour roll-ups is read from its day, pro rata, as a record of that length would be.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { ParsedRecord, RollupRecord } from '../model/records.ts';
import type { Window } from '../model/values.ts';
import type { RollupKind, Storage, StoredRollup } from '../storage/types.ts';
import type { StateDb } from './state-db.ts';
import type { LiveTelemetry } from './live-telemetry.ts';
import { Accumulation, layoutFor, type Layout } from '../records/merge.ts';
import { periodName, periodWindow, periodsTouching } from '../model/periods.ts';
import { tile } from '../engine/tiling.ts';

export interface RollupKeeperOptions {
  catalog: Catalog;
  registry: RegistryIndex;
  storage: Storage;
  state: StateDb;
  tz: string;
  /** Telemetry records are at most this long: an hour reads records that started this long before it. */
  maxIntervalMs: number;
  live?: LiveTelemetry;
  now: () => number;
  /** Gives the event loop a turn between steps of long work (ingest and /healthz stay answered). */
  yieldTurn?: () => Promise<void>;
  /**
   * Told of every hour roll-up written (a provincial hub forwarding roll-ups queues them). Such a hub also
   * builds every day from its hours, so every hour with data is built, and told of, once.
   */
  onHours?: (rollups: StoredRollup[]) => void;
}

const CHILD: Record<Exclude<RollupKind, 'hour'>, RollupKind> = { day: 'hour', month: 'day' };
const PARENT: Record<Exclude<RollupKind, 'month'>, Exclude<RollupKind, 'hour'>> = { hour: 'day', day: 'month' };
/** Tiles kept for year-earlier comparisons: a window's one or two, and the next day's. */
const COMPARISON_TILES = 3;
/** Hours built from raw records in one pass when many are built at once. */
const HOURS_PER_READ = 24;
/** Raw records are read this many ms of starts at a time (50,000 records for 10,000 centers). */
const RAW_STEP_MS = 5 * 60_000;

export interface BuildStats {
  built: Record<RollupKind, number>;
  /** Roll-ups of hours the hub folded as their records arrived (no raw read). */
  fromMemory: number;
  /** Days and months built from their running fold (no read of their hours or days). */
  fromRunning: Record<'day' | 'month', number>;
}

/** A day (month) folded as its hours (days) are built. */
interface Running {
  period: string;
  acc: Accumulation;
  /** The children folded, each with the generation it was built at. */
  folded: Map<string, number>;
}

export class RollupKeeper {
  private readonly o: RollupKeeperOptions;
  readonly stats: BuildStats = {
    built: { hour: 0, day: 0, month: 0 },
    fromMemory: 0,
    fromRunning: { day: 0, month: 0 },
  };
  private readonly inflight = new Map<string, Promise<void>>();
  /**
   * The newest day and month roll-ups built, held until the next build of that kind: the close that built them
   * evaluates from them, and the next coarser close (the day's at the end of a month is the month's last)
   * folds them, without reading back what was just written. Hours are not held: a national hub also stores
   * the hour roll-ups provincial hubs forward, beside those it builds.
   */
  private readonly built = new Map<RollupKind, { period: string; rollups: StoredRollup[] }>();
  /** The open day and month, folded as their children are built. */
  private readonly running = new Map<Exclude<RollupKind, 'hour'>, Running>();
  /** Tiles read pro rata for year-earlier comparisons (`comparison`), by kind/period, at most COMPARISON_TILES. */
  private readonly comparisons = new Map<string, { gen: number; rollups: StoredRollup[] }>();
  /** Builds of each child kind so far: a priming read that overlapped one is not kept. */
  private readonly childBuilds: Record<Exclude<RollupKind, 'month'>, number> = { hour: 0, day: 0 };

  private readonly layout: Layout;

  constructor(o: RollupKeeperOptions) {
    this.o = o;
    this.layout = layoutFor(o.catalog);
  }

  private turn(): Promise<void> {
    return this.o.yieldTurn ? this.o.yieldTurn() : Promise.resolve();
  }

  /** Raw records exist from this instant on; hour roll-ups from the second. */
  horizons(): { raw: number; hour: number; long: number } {
    const now = this.o.now();
    const r = this.o.storage.retention;
    return { raw: now - r.raw, hour: now - r.recent, long: now - r.long_term };
  }

  /** Makes the roll-ups of `kind` for `periods` fresh: builds those never built or touched by late records. */
  async ensure(kind: RollupKind, periods: string[]): Promise<void> {
    if (periods.length === 0) return;
    const fresh = this.o.state.freshRollups(kind, periods);
    const todo = periods.filter((p) => !fresh.has(p));
    if (todo.length === 0) return;
    // A build already under way for another caller (a close and a real-time comparison) is joined, not repeated.
    const joined = todo.map((p) => this.inflight.get(`${kind}/${p}`)).filter((x) => x !== undefined);
    const mine = todo.filter((p) => !this.inflight.has(`${kind}/${p}`));
    const steps: Array<{ periods: string[]; run: () => Promise<void> }> =
      kind === 'hour'
        ? chunks(mine, HOURS_PER_READ).map((c) => ({ periods: c, run: () => this.buildHours(c) }))
        : mine.map((p) => ({ periods: [p], run: () => this.buildFromChildren(kind, p) }));
    // Every step is registered before the first runs, so a caller arriving meanwhile joins the later ones too.
    const settled = steps.map(() => Promise.withResolvers<void>());
    steps.forEach((step, i) => {
      settled[i]!.promise.catch(() => undefined);
      for (const p of step.periods) this.inflight.set(`${kind}/${p}`, settled[i]!.promise);
    });
    try {
      for (let i = 0; i < steps.length; i++) {
        await steps[i]!.run().then(settled[i]!.resolve, (err: unknown) => {
          settled[i]!.reject(err);
          throw err;
        });
        await this.turn();
      }
    } catch (err) {
      for (const s of settled) s.reject(err);
      throw err;
    } finally {
      for (const step of steps) for (const p of step.periods) this.inflight.delete(`${kind}/${p}`);
    }
    await Promise.all(joined);
  }

  /** Hours from raw records: the hub's own fold of an hour it held whole, else one storage read. */
  private async buildHours(hours: string[]): Promise<void> {
    const { state, storage, tz } = this.o;
    const gens = state.beginRollups('hour', hours);
    const byHour = new Map<string, StoredRollup[]>();
    const read: string[] = [];
    for (const h of hours) {
      const fold = this.o.live?.takeHour(h);
      if (!fold) {
        read.push(h);
        continue;
      }
      this.stats.fromMemory++;
      const w = periodWindow('hour', h, tz);
      const redo = new Set(fold.redo);
      // Records that started before the hub did and reach into the hour (rare): their centers are read again.
      if (fold.unseen)
        for (const r of await storage.queryRecords({ ...fold.unseen, endAfterMs: w.fromMs, source: 'telemetry' }))
          redo.add(r.center);
      const out = this.stored('hour', redo.size === 0 ? fold.rollups : fold.rollups.filter((r) => !redo.has(r.center)));
      if (redo.size > 0) {
        const acc = new Accumulation(this.o.catalog, w);
        await this.foldRaw([acc], [...redo]);
        out.push(...this.stored('hour', acc.rollups()));
      }
      byHour.set(h, out);
    }
    // An hour that ended before the raw records' horizon has none left to read (storage drops them, ingest refuses
    // them): it is built empty without a read. A year-earlier comparison's day whose hours were never built (history
    // from before the hub) would otherwise read a day of expired minutes in 288 queries, each a round trip to InfluxDB.
    const rawFrom = this.horizons().raw;
    const readable = read.filter((h) => periodWindow('hour', h, tz).toMs > rawFrom);
    for (const h of read) if (!readable.includes(h)) byHour.set(h, []);
    if (readable.length > 0) {
      const accs = readable.map((h) => new Accumulation(this.o.catalog, periodWindow('hour', h, tz)));
      await this.foldRaw(accs);
      readable.forEach((h, i) => byHour.set(h, this.stored('hour', accs[i]!.rollups())));
    }
    const out = [...byHour.values()].flat();
    await storage.writeRollups(out);
    for (const h of hours) state.finishRollup('hour', h, gens.get(h)!);
    for (const h of hours) this.comparisons.delete(`hour/${h}`);
    for (const h of hours) this.foldRunning('hour', h, gens.get(h)!, byHour.get(h)!);
    if (out.length > 0) this.o.onHours?.(out);
    this.stats.built.hour += hours.length;
  }

  /** A day from its hours, a month from its days. */
  private async buildFromChildren(kind: Exclude<RollupKind, 'hour'>, period: string): Promise<void> {
    const { state, storage, tz } = this.o;
    const gen = state.beginRollups(kind, [period]).get(period)!;
    const w = periodWindow(kind, period, tz);
    const child = CHILD[kind];
    const children = periodsTouching(child, w.fromMs, w.toMs, tz);
    // A day none of whose hours was built or received (history pushed at once, a hub that was down) is one
    // read of its raw records rather than one per hour; its hours are built when something needs them.
    const fromRaw =
      kind === 'day' &&
      !this.o.onHours &&
      !state.hasRollups(child, children[0]!, children[children.length - 1]!) &&
      w.fromMs - this.o.maxIntervalMs >= this.horizons().raw;
    let acc = new Accumulation(this.o.catalog, w);
    if (fromRaw) {
      await this.foldRaw([acc]);
    } else {
      await this.ensure(child, children);
      const running = this.whole(kind, period, children);
      if (running) {
        acc = running;
        this.stats.fromRunning[kind]++;
      } else await this.fold(acc, child, children);
    }
    const rollups = this.stored(kind, acc.rollups());
    await storage.writeRollups(rollups);
    state.finishRollup(kind, period, gen);
    this.comparisons.delete(`${kind}/${period}`);
    this.built.set(kind, { period, rollups });
    if (kind === 'day') this.foldRunning('day', period, gen, rollups);
    this.stats.built[kind]++;
  }

  /**
   * The running fold of `period`, if it holds every one of `children` (fresh now) at the generation it is fresh
   * at: the period's roll-ups are then its fold, exactly what reading the children back would give. It is let
   * go either way (the period is built; a later build of it reads storage).
   */
  private whole(kind: Exclude<RollupKind, 'hour'>, period: string, children: string[]): Accumulation | undefined {
    const r = this.running.get(kind);
    if (r?.period !== period) return undefined;
    this.running.delete(kind);
    if (r.folded.size !== children.length) return undefined;
    const gens = this.o.state.builtGenerations(CHILD[kind], children);
    return children.every((c) => r.folded.get(c) === gens.get(c)) ? r.acc : undefined;
  }

  /**
   * A child just built (an hour, a day) is added to its parent's running fold. The fold begins with the
   * parent's first child (or a priming read); a child built a second time, or first built at a later
   * generation (a late record or forwarded roll-ups came before it: storage may hold roll-ups this build did not
   * write), ends it: the parent's close then reads storage.
   */
  private foldRunning(kind: Exclude<RollupKind, 'month'>, period: string, gen: number, rollups: StoredRollup[]): void {
    this.childBuilds[kind]++;
    const { tz } = this.o;
    const parentKind = PARENT[kind];
    const at = periodWindow(kind, period, tz).fromMs;
    const parent = periodName(parentKind, at, tz);
    let r = this.running.get(parentKind);
    if (r?.period !== parent) {
      // Only a newer period's first child begins a fold: building an older one (a year-earlier comparison)
      // leaves the open period's fold alone.
      const pw = periodWindow(parentKind, parent, tz);
      if (pw.fromMs !== at || (r && parent < r.period)) return;
      r = { period: parent, acc: new Accumulation(this.o.catalog, pw), folded: new Map() };
      this.running.set(parentKind, r);
    }
    if (gen !== 0 || r.folded.has(period)) {
      this.running.delete(parentKind);
      return;
    }
    for (const x of rollups) r.acc.add(x);
    r.folded.set(period, gen);
  }

  /**
   * Reads the built, fresh children of the day and the month open at `nowMs` into their running folds, once
   * (a hub started mid-day): their closes then read nothing back. A read that a child build overlapped is not
   * kept (the close reads storage instead).
   */
  async prime(kinds: readonly string[] = ['day', 'month'], nowMs = this.o.now()): Promise<void> {
    const { tz, state } = this.o;
    for (const kind of (['day', 'month'] as const).filter((k) => kinds.includes(k))) {
      const period = periodName(kind, nowMs, tz);
      if (this.running.get(kind)?.period === period) continue;
      const w = periodWindow(kind, period, tz);
      const child = CHILD[kind] as Exclude<RollupKind, 'month'>;
      // Every child built and fresh (a closed one; or one written by an import ahead of the clock): each is
      // held at the generation it was read at, so one built again later is not taken from the fold.
      const children = periodsTouching(child, w.fromMs, w.toMs, tz);
      const gens = state.builtGenerations(child, children);
      const fresh = children.filter((c) => gens.has(c));
      const builds = this.childBuilds[child];
      const r: Running = { period, acc: new Accumulation(this.o.catalog, w), folded: new Map() };
      await this.fold(r.acc, child, fresh);
      if (this.childBuilds[child] !== builds || this.running.get(kind)?.period === period) continue;
      for (const c of fresh) r.folded.set(c, gens.get(c)!);
      this.running.set(kind, r);
    }
  }

  private stored(kind: RollupKind, rollups: RollupRecord[]): StoredRollup[] {
    return rollups.map((r) => ({ ...r, kind, province: this.o.registry.byId.get(r.center)?.province ?? '' }));
  }

  /**
   * Folds the raw telemetry records (of `centers`, or all) overlapping the accumulations' windows into them
   * (each record into every window it overlaps), reading a few minutes of records at a time: an hour of 10,000 centers is 600,000
   * records, never held at once.
   */
  private async foldRaw(accs: Accumulation[], centers?: string[]): Promise<void> {
    const fromMs = Math.min(...accs.map((a) => a.window.fromMs)) - this.o.maxIntervalMs;
    const toMs = Math.max(...accs.map((a) => a.window.toMs));
    // A record that started before the windows and ended by their start (most of those read for the longest
    // interval before them) is left out by storage, its body never decoded.
    const endAfterMs = fromMs + this.o.maxIntervalMs;
    for (let t = fromMs; t < toMs; t += RAW_STEP_MS) {
      const q = {
        fromMs: t,
        toMs: Math.min(t + RAW_STEP_MS, toMs),
        endAfterMs,
        source: 'telemetry' as const,
        ...(centers ? { centers } : {}),
      };
      const { storage } = this.o;
      // Decoded straight into packed records where the store can (no parsed record built per row).
      if (storage.packedRecordPages) {
        for await (const page of storage.packedRecordPages(q, this.layout))
          for (const r of page) for (const a of accs) a.addPacked(r);
      } else for (const r of await storage.queryRecords(q)) for (const a of accs) a.add(r);
      await this.turn();
    }
  }

  /**
   * Folds the roll-ups of `kind` for `periods` (fresh already) into `acc`: the newest built from memory, the
   * others from storage a page at a time.
   */
  private async fold(acc: Accumulation, kind: RollupKind, periods: string[]): Promise<void> {
    const held = this.built.get(kind);
    const rest = held ? periods.filter((p) => p !== held.period) : periods;
    if (held && rest.length < periods.length) for (const r of held.rollups) acc.add(r);
    const { storage, tz } = this.o;
    for (const span of spans(kind, rest, tz)) {
      const q = { kind, fromMs: span.fromMs, toMs: span.toMs };
      // Decoded straight into packed roll-ups where the store can (no object of metric names per roll-up).
      if (storage.packedRollupPages) {
        for await (const page of storage.packedRollupPages(q, this.layout))
          for (const r of page) acc.addPackedRollup(r);
      } else if (storage.rollupPages) {
        for await (const page of storage.rollupPages(q)) for (const r of page) acc.add(r);
      } else for (const r of await storage.queryRollups(q)) acc.add(r);
      await this.turn();
    }
  }

  /**
   * The roll-ups of a day or hour read pro rata (the tile holding a rolling window's year-earlier comparison): read
   * from storage once and kept while the state DB says they are as built then, so the real-time runs of a day read
   * them once, not every minute. A build of the tile since (forwarded roll-ups, a late record) reads them again.
   */
  private async comparison(kind: RollupKind, period: string): Promise<StoredRollup[]> {
    const key = `${kind}/${period}`;
    const built = () => this.o.state.builtGenerations(kind, [period]).get(period);
    const gen = built();
    const hit = this.comparisons.get(key);
    if (hit && gen !== undefined && hit.gen === gen) return hit.rollups;
    this.comparisons.delete(key);
    const w = periodWindow(kind, period, this.o.tz);
    const rollups = await this.o.storage.queryRollups({ kind, fromMs: w.fromMs, toMs: w.toMs });
    // Kept only when no build of the tile began or ended while it was read.
    if (gen !== undefined && built() === gen && !this.inflight.has(key)) {
      this.comparisons.set(key, { gen, rollups });
      for (const k of this.comparisons.keys()) if (this.comparisons.size > COMPARISON_TILES) this.comparisons.delete(k);
    }
    return rollups;
  }

  /**
   * Telemetry for a closed window [fromMs, toMs), as one roll-up per center for the whole window: merged from
   * the roll-ups of the whole months, days and hours inside it (built first where needed), raw records for
   * partial hours, and, where the finer data has expired, the coarser roll-up that holds it (counted pro
   * rata, as a record of that length). Evaluating the merged roll-ups equals evaluating their parts (the
   * merge is the record contract's own), and a close holds one roll-up per center, not one per tile.
   */
  async telemetry(fromMs: number, toMs: number): Promise<ParsedRecord[]> {
    const { tz, storage } = this.o;
    const window: Window = { fromMs, toMs };
    const horizon = this.horizons();
    const t = tile(fromMs, toMs, ['month', 'day', 'hour'], tz);
    const want: Record<RollupKind, string[]> = { hour: [], day: [], month: [] };
    // A day partly past the hour roll-ups' retention is read whole from its day roll-up (pro rata), so no
    // part of it is counted twice.
    const fallback = new Set<string>();
    const dayGone = (ms: number) => {
      const d = periodName('day', ms, tz);
      if (periodWindow('day', d, tz).fromMs >= horizon.hour) return undefined;
      fallback.add(d);
      return d;
    };
    const raw: Array<{ fromMs: number; toMs: number }> = [];
    const hours = new Set<string>();
    for (const x of t.tiles) {
      if (x.kind === 'hour' && dayGone(x.fromMs)) continue;
      want[x.kind as RollupKind].push(x.period);
    }
    // Partial hours (a rolling window's year-earlier comparison): raw records while they are kept, else the
    // hours that hold them, counted pro rata.
    for (const r of t.rest) {
      if (r.fromMs - this.o.maxIntervalMs >= horizon.raw) raw.push(r);
      else
        for (const h of periodsTouching('hour', r.fromMs, r.toMs, tz))
          if (!dayGone(periodWindow('hour', h, tz).fromMs)) hours.add(h);
    }
    for (const h of hours) if (!want.hour.includes(h)) want.hour.push(h);
    for (const d of fallback) if (!want.day.includes(d)) want.day.push(d);
    const acc = new Accumulation(this.o.catalog, window);
    for (const kind of ['month', 'day', 'hour'] as const) {
      const periods = want[kind];
      if (periods.length === 0) continue;
      await this.ensure(kind, periods);
      // The days and hours read pro rata hold a rolling window's year-earlier comparison: the same tile for every
      // run of a day (or an hour), kept in memory.
      const partial: ReadonlySet<string> = kind === 'day' ? fallback : kind === 'hour' ? hours : new Set();
      await this.fold(
        acc,
        kind,
        periods.filter((p) => !partial.has(p)),
      );
      for (const p of periods) if (partial.has(p)) for (const r of await this.comparison(kind, p)) acc.add(r);
    }
    for (const r of raw) {
      if (!(await this.o.live?.fold(acc, r.fromMs, r.toMs)))
        for (const rec of await storage.queryRecords({
          fromMs: r.fromMs - this.o.maxIntervalMs,
          toMs: r.toMs,
          endAfterMs: r.fromMs,
          source: 'telemetry',
        }))
          acc.add(rec);
    }
    return acc.rollups();
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Contiguous runs of periods as [fromMs, toMs) spans, so each run is one storage read. */
function spans(kind: RollupKind, periods: string[], tz: string): Array<{ fromMs: number; toMs: number }> {
  const ws = periods.map((p) => periodWindow(kind, p, tz)).sort((a, b) => a.fromMs - b.fromMs);
  const out: Array<{ fromMs: number; toMs: number }> = [];
  for (const w of ws) {
    const last = out[out.length - 1];
    if (last && last.toMs === w.fromMs) last.toMs = w.toMs;
    else out.push({ fromMs: w.fromMs, toMs: w.toMs });
  }
  return out;
}
