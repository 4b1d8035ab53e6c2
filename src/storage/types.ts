/**
 * @module The storage interface the hub writes to and reads from, implemented by the InfluxDB 1.x
 * adapter (production) and the node:sqlite adapter (embedded default). One contract test suite runs
 * against both.
 *
 * Time series only: center records, their roll-ups and indicator values. Tokens, alert history, engine
 * checkpoints and which roll-ups are built live in the hub's own state database, whatever the adapter.
 *
 * Data is kept in tiers, each with its own retention (see `Retention`): raw telemetry for weeks, hour
 * roll-ups and hour values for months, real-time values for hours, and everything else (declarations,
 * day and month roll-ups, day to year values) for as long as the deployment wants.
 */
import type { Layout, PackedRecord, PackedRollup } from '../records/merge.ts';
import type { ParsedRecord, RollupRecord } from '../model/records.ts';
import type { IndicatorValue } from '../model/values.ts';

/** A record as stored: the parsed record plus the province it belongs to (a bounded tag). */
export interface StoredRecord extends ParsedRecord {
  province: string;
}

/** Which records to read: half-open [fromMs, toMs) on record start, optionally narrowed. */
export interface RecordQuery {
  /** Records starting in [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /** Only records ending after this instant (a window's start: what starts before it and ends by it is of no use). */
  endAfterMs?: number;
  centers?: string[];
  provinces?: string[];
  source?: 'telemetry' | 'declaration';
}

/** Named periods the engine closes, plus the rolling real-time window. */
export type PeriodKind = 'realtime' | 'hour' | 'day' | 'month' | 'quarter' | 'year';

/** An indicator value for a period, as stored. Identity: (period_kind, period, level, code, indicator). */
export interface StoredValue extends IndicatorValue {
  period_kind: PeriodKind;
  /** Period name: 2026-10, 2026-Q3, 2026, 2026-10-05, 2026-10-05T13; for realtime the window's end (RFC 3339). */
  period: string;
  fromMs: number;
  toMs: number;
  /** Province of the value (the center's province at center level; empty at nation level). */
  province: string;
  dimension: string;
  computedAtMs: number;
}

/** Which values to read. Omitted fields do not filter. */
export interface ValueQuery {
  period_kind: PeriodKind;
  /** One period by name… */
  period?: string;
  /** …or every period whose start lies in [fromMs, toMs) (time series). */
  fromMs?: number;
  toMs?: number;
  level?: IndicatorValue['level'];
  codes?: string[];
  indicators?: string[];
  provinces?: string[];
}

/** Roll-ups the hub keeps per center: hours from raw records, days from hours, months from days. */
export type RollupKind = 'hour' | 'day' | 'month';

/** A roll-up as stored. Identity: (kind, center, startMs); a rebuilt roll-up replaces the earlier one. */
export interface StoredRollup extends RollupRecord {
  kind: RollupKind;
  province: string;
}

/** Which roll-ups to read: one kind, half-open [fromMs, toMs) on start, optionally narrowed. */
export interface RollupQuery {
  kind: RollupKind;
  fromMs: number;
  toMs: number;
  centers?: string[];
  provinces?: string[];
}

/** The storage tiers, each kept for its own time. */
export type Tier = 'raw' | 'realtime' | 'recent' | 'long_term';

/**
 * How long each tier is kept, in ms (Infinity: for ever).
 * - raw: telemetry records (declarations are filings, few and long-lived: they are long_term);
 * - realtime: values of the rolling window;
 * - recent: hour roll-ups and hour values;
 * - long_term: declarations, day and month roll-ups, day, month, quarter and year values.
 */
export type Retention = Record<Tier, number>;

const DAY_MS = 86_400_000;
export const DEFAULT_RETENTION: Retention = {
  raw: 35 * DAY_MS,
  realtime: 2 * DAY_MS,
  recent: 92 * DAY_MS,
  long_term: Infinity,
};

/** The tier of an item: values by period kind, roll-ups by kind, records by source. */
export function tierOf(item: { period_kind: PeriodKind } | { kind: RollupKind } | { source: string }): Tier {
  if ('period_kind' in item)
    return item.period_kind === 'realtime' ? 'realtime' : item.period_kind === 'hour' ? 'recent' : 'long_term';
  if ('kind' in item) return item.kind === 'hour' ? 'recent' : 'long_term';
  return item.source === 'telemetry' ? 'raw' : 'long_term';
}

/** Bytes a store holds per tier (estimates where the backend only knows totals). */
export type TierBytes = Record<Tier, number>;

/** Per-center reporting facts for coverage and lateness. */
export interface CenterReportStats {
  center: string;
  province: string;
  records: number;
  firstStartMs: number;
  lastEndMs: number;
}

/** What both adapters provide. All writes are idempotent: writing the same item twice leaves one. */
export interface Storage {
  readonly kind: 'sqlite' | 'influxdb';
  /** Creates databases, retention policies or tables as needed. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** True when the backing store answers. */
  ping(): Promise<boolean>;
  /**
   * Writes a few bytes where records go, to learn whether writes succeed again (after a full disk):
   * resolves when they do, throws StorageUnavailableError when they still fail. Stores nothing records
   * or values queries return.
   */
  probeWrite(): Promise<void>;
  /** Stores records; a record with the same (center, start, source) replaces the earlier one. */
  writeRecords(records: StoredRecord[]): Promise<void>;
  queryRecords(q: RecordQuery): Promise<StoredRecord[]>;
  /** Stores values; same identity replaces. */
  writeValues(values: StoredValue[]): Promise<void>;
  queryValues(q: ValueQuery): Promise<StoredValue[]>;
  /** Reporting statistics per center over [fromMs, toMs), from the raw records still kept. */
  reportStats(fromMs: number, toMs: number): Promise<CenterReportStats[]>;
  /** Stores roll-ups; same identity replaces. */
  writeRollups(rollups: StoredRollup[]): Promise<void>;
  queryRollups(q: RollupQuery): Promise<StoredRollup[]>;
  /**
   * The roll-ups `queryRollups` returns, a page at a time (optional): a close folds a day's hours or a
   * month's days of 10,000 centers without holding them all at once.
   */
  rollupPages?(q: RollupQuery): AsyncIterable<StoredRollup[]>;
  /**
   * The roll-ups `rollupPages` returns, packed for folding with `layout` (optional): a year close folds 240,000
   * month roll-ups of 10,000 centers without building an object of metric names for each.
   */
  packedRollupPages?(q: RollupQuery, layout: Layout): AsyncIterable<PackedRollup[]>;
  /**
   * The telemetry records `queryRecords` returns (its `source` aside), packed for folding with `layout` and a page
   * at a time (optional): a close folds an hour of 10,000 centers' minute records without building 600,000 parsed
   * records.
   */
  packedRecordPages?(q: Omit<RecordQuery, 'source'>, layout: Layout): AsyncIterable<PackedRecord[]>;
  /** How long each tier is kept. */
  readonly retention: Retention;
  /**
   * Drops what is past its tier's retention at `nowMs` and gives the space back. InfluxDB does this
   * itself (retention policies); the embedded store deletes and vacuums incrementally.
   */
  enforceRetention(nowMs: number): Promise<{ deleted: number }>;
  /** Bytes held per tier (for sizing and the hub benchmark). */
  sizeByTier(): Promise<TierBytes>;
  /**
   * Each center's telemetry record with the latest start at or after `fromMs` (and before `toMs`, when
   * given; centers without one are absent): where a center's stored telemetry ends, found with an index
   * seek, not a scan.
   */
  latestTelemetry(
    centers: string[],
    fromMs: number,
    toMs?: number,
  ): Promise<Map<string, { startMs: number; endMs: number }>>;
}
