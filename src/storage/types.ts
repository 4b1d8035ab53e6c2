/**
 * @module The storage interface the hub writes to and reads from, implemented by the InfluxDB 1.x
 * adapter (production) and the node:sqlite adapter (embedded default). One contract test suite runs
 * against both.
 *
 * Time series only: center records and indicator values. Tokens, alert history and engine
 * checkpoints live in the hub's own state database, whatever the storage adapter.
 */
import type { ParsedRecord } from '../model/records.ts';
import type { IndicatorValue } from '../model/values.ts';

/** A record as stored: the parsed record plus the province it belongs to (a bounded tag). */
export interface StoredRecord extends ParsedRecord {
  province: string;
}

/** Which records to read: half-open [fromMs, toMs) on record start, optionally narrowed. */
export interface RecordQuery {
  fromMs: number;
  toMs: number;
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
  /** Reporting statistics per center over [fromMs, toMs). */
  reportStats(fromMs: number, toMs: number): Promise<CenterReportStats[]>;
  /**
   * Each center's telemetry record with the latest start at or after `fromMs` (centers without one are
   * absent): where a center's stored telemetry ends, found with an index seek, not a scan.
   */
  latestTelemetry(centers: string[], fromMs: number): Promise<Map<string, { startMs: number; endMs: number }>>;
}
