/**
 * @module Center records: the contract between agent, hub and engine, as sent (CenterRecord) and as
 * parsed for evaluation (ParsedRecord), with their latency histograms.
 */

/** A latency histogram: counts per bucket; `counts` has one more entry than `bounds` (+Inf). */
export interface Histogram {
  bounds: number[];
  counts: number[];
}

/**
 * One center's data for one half-open interval [start, end): the contract between agent, hub and engine.
 * Deltas are increases over the interval, gauges interval statistics, snapshots the value at `end`.
 * `center` + `start` (+ `source`) identify it: a replay of the same record changes nothing.
 */
export interface CenterRecord {
  center: string;
  /** RFC 3339. */
  start: string;
  /** RFC 3339, after start. */
  end: string;
  /** telemetry (default: agents) or declaration (periodic filings). */
  source?: 'telemetry' | 'declaration';
  metrics: Record<string, number | boolean>;
  histograms?: Record<string, Histogram>;
  /** Collection quality: targets expected and the ids of those that gave no reading this interval. */
  quality?: { targets_expected?: number; targets_missing?: string[]; metrics_missing?: string[]; estimated?: string[] };
  /** Optional explicit idempotency key; defaults to `${center}/${start}`. */
  key?: string;
}

/** A record after validation, with parsed times (ms since epoch) for fast evaluation. */
export interface ParsedRecord {
  center: string;
  startMs: number;
  endMs: number;
  source: 'telemetry' | 'declaration';
  metrics: Record<string, number>;
  histograms?: Record<string, Histogram>;
}

/** What a roll-up carries beside its metrics so that roll-ups merge exactly as their records would. */
export interface RollupFacts {
  /**
   * Per metric: for a time-weighted mean, the milliseconds of data behind the value; for a snapshot, the
   * end (ms) of the record the value came from. Deltas and maxima need nothing.
   */
  aux: Record<string, number>;
  /** Telemetry records that started in the interval (coverage and report statistics count these). */
  records: number;
  /** Milliseconds of the interval that telemetry covered. */
  coveredMs: number;
  /** Earliest start and latest end of the records that started in the interval (0 when `records` is 0). */
  firstStartMs: number;
  lastEndMs: number;
}

/** One center's merged telemetry for a closed interval [startMs, endMs): an hour, a day or a month. */
export interface RollupRecord extends ParsedRecord {
  source: 'telemetry';
  rollup: RollupFacts;
}
