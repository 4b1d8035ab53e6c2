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
  /** Accepted by the schema; the hub identifies a record by recordKey() alone. */
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

/**
 * What identifies a record: a center, the start of its interval (parsed, or as the RFC 3339 text it was sent
 * with) and whether it is a filing.
 */
export type RecordIdentity = { center: string; source?: string } & ({ startMs: number } | { start: string });

const isoCache = new Map<number, string>();

/** Canonical ISO text of a start; remembered, because a batch repeats the same few starts. */
function isoOf(ms: number): string {
  let iso = isoCache.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (isoCache.size >= 4096) isoCache.clear();
    isoCache.set(ms, iso);
  }
  return iso;
}

/**
 * The idempotency key of a record, the same for agent, outbox, hub and storage: center/start in canonical
 * UTC ISO form, plus /declaration for filings. A record sent again under the same key replaces itself.
 */
export function recordKey(r: RecordIdentity): string {
  const ms = 'startMs' in r ? r.startMs : Date.parse(r.start);
  return `${r.center}/${isoOf(ms)}${r.source === 'declaration' ? '/declaration' : ''}`;
}
