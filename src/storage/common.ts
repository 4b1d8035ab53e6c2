/**
 * @module Rules both storage adapters share: input checks before any write, and the read order.
 *
 * Checking a whole batch before writing anything is what keeps a bad item from leaving half a
 * batch stored; the shared order is what lets one contract suite compare both adapters' reads.
 */
import { StorageInputError } from './errors.ts';
import type { PeriodKind, StoredRecord, StoredRollup, StoredValue } from './types.ts';

export const PERIOD_KINDS: readonly PeriodKind[] = ['realtime', 'hour', 'day', 'month', 'quarter', 'year'];
export const LEVELS = ['center', 'province', 'nation'] as const;
export const SOURCES = ['telemetry', 'declaration'] as const;

/** Metric and histogram ids: the raw-metric dictionary's snake_case ids. */
const ID_RE = /^[a-z][a-z0-9_]*$/;

/**
 * Field names the InfluxDB adapter uses for bookkeeping or as tags on `center_record`; a metric
 * with one of these ids would clash, so both adapters refuse it alike.
 */
export const RESERVED_RECORD_FIELDS: ReadonlySet<string> = new Set([
  'time',
  'center',
  'province',
  'source',
  'end_ms',
  'metric_ids',
  'histograms',
]);

/**
 * Tag-like strings (center ids, province and indicator codes) may hold any printable text, quotes
 * included, but not control characters or backslashes: the line protocol cannot carry a trailing
 * backslash or a newline in a tag value unambiguously.
 */
// eslint-disable-next-line no-control-regex
const TAG_BAD_RE = /[\\\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const TEXT_BAD_RE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

function fail(what: string, message: string): never {
  throw new StorageInputError(`${what}: ${message}`);
}

function checkTag(what: string, name: string, v: unknown, allowEmpty: boolean): void {
  if (typeof v !== 'string') fail(what, `${name} must be a string`);
  if (!allowEmpty && v.length === 0) fail(what, `${name} must not be empty`);
  if (TAG_BAD_RE.test(v)) fail(what, `${name} must not contain backslashes or control characters`);
}

function checkText(what: string, name: string, v: unknown): void {
  if (typeof v !== 'string') fail(what, `${name} must be a string`);
  if (TEXT_BAD_RE.test(v)) fail(what, `${name} must not contain control characters`);
}

function checkInt(what: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(what, `${name} must be an integer (ms since epoch)`);
}

function checkNumber(what: string, name: string, v: unknown, nullable: boolean): void {
  if (v === null && nullable) return;
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(what, `${name} must be a finite number${nullable ? ' or null' : ''}`);
}

/**
 * Whether `id` looks like a bucket field of one of the histograms. A plain loop rather than
 * histIds.some(closure): a closure over the metric loop's id makes every iteration allocate.
 */
function isBucketOf(id: string, histIds: string[]): boolean {
  for (const h of histIds) if (id.startsWith(`${h}_le_`)) return true;
  return false;
}

/** Metric ids already found well-formed (snake_case, not reserved, no bucket-like infix). */
const GOOD_METRIC_IDS = new Set<string>();

/** Throws StorageInputError unless the record can be stored and read back unchanged by both adapters. */
export function checkRecord(r: StoredRecord, index = 0): void {
  const what = `record ${index} (${typeof r?.center === 'string' ? r.center : '?'})`;
  if (r === null || typeof r !== 'object') fail(`record ${index}`, 'must be an object');
  checkTag(what, 'center', r.center, false);
  checkTag(what, 'province', r.province, true);
  checkInt(what, 'startMs', r.startMs);
  checkInt(what, 'endMs', r.endMs);
  if (r.endMs <= r.startMs) fail(what, 'endMs must be after startMs');
  if (!(SOURCES as readonly string[]).includes(r.source)) fail(what, `source must be one of ${SOURCES.join(', ')}`);
  if (r.metrics === null || typeof r.metrics !== 'object') fail(what, 'metrics must be an object');
  const histIds = r.histograms ? Object.keys(r.histograms) : [];
  for (const id in r.metrics) {
    // Ids repeat in every record: each is checked once per process, then only looked up.
    if (!GOOD_METRIC_IDS.has(id)) {
      if (!ID_RE.test(id)) fail(what, `metric id "${id}" must be snake_case`);
      if (RESERVED_RECORD_FIELDS.has(id)) fail(what, `metric id "${id}" is reserved`);
      if (!id.includes('_le_')) GOOD_METRIC_IDS.add(id);
    }
    if (histIds.length > 0 && isBucketOf(id, histIds)) fail(what, `metric id "${id}" clashes with a histogram bucket`);
    const v = r.metrics[id];
    if (typeof v !== 'number' || !Number.isFinite(v)) checkNumber(what, `metric ${id}`, v, false);
  }
  if (histIds.length === 0) return;
  for (const [id, h] of Object.entries(r.histograms!)) {
    if (!ID_RE.test(id)) fail(what, `histogram id "${id}" must be snake_case`);
    if (RESERVED_RECORD_FIELDS.has(id) || id in r.metrics)
      fail(what, `histogram id "${id}" is reserved or also a metric`);
    if (!h || !Array.isArray(h.bounds) || !Array.isArray(h.counts))
      fail(what, `histogram ${id} needs bounds and counts`);
    if (h.counts.length !== h.bounds.length + 1) fail(what, `histogram ${id} needs one more count than bounds`);
    h.bounds.forEach((b, i) => {
      checkNumber(what, `histogram ${id} bound`, b, false);
      if (i > 0 && !(b > h.bounds[i - 1]!)) fail(what, `histogram ${id} bounds must increase`);
    });
    for (const c of h.counts) {
      checkNumber(what, `histogram ${id} count`, c, false);
      if (c < 0) fail(what, `histogram ${id} counts must not be negative`);
    }
  }
}

/** Throws StorageInputError unless the value can be stored and read back unchanged by both adapters. */
export function checkValue(v: StoredValue, index = 0): void {
  const what = `value ${index} (${typeof v?.indicator === 'string' ? v.indicator : '?'}/${typeof v?.code === 'string' ? v.code : '?'})`;
  if (v === null || typeof v !== 'object') fail(`value ${index}`, 'must be an object');
  if (!PERIOD_KINDS.includes(v.period_kind)) fail(what, `period_kind must be one of ${PERIOD_KINDS.join(', ')}`);
  checkText(what, 'period', v.period);
  if (v.period.length === 0) fail(what, 'period must not be empty');
  if (!(LEVELS as readonly string[]).includes(v.level)) fail(what, `level must be one of ${LEVELS.join(', ')}`);
  checkTag(what, 'code', v.code, false);
  checkTag(what, 'indicator', v.indicator, false);
  checkTag(what, 'province', v.province, true);
  checkTag(what, 'dimension', v.dimension, true);
  checkInt(what, 'fromMs', v.fromMs);
  checkInt(what, 'toMs', v.toMs);
  if (v.toMs <= v.fromMs) fail(what, 'toMs must be after fromMs');
  checkInt(what, 'computedAtMs', v.computedAtMs);
  checkNumber(what, 'value', v.value, true);
  checkNumber(what, 'numerator', v.numerator, true);
  checkNumber(what, 'denominator', v.denominator, true);
  checkNumber(what, 'centers', v.centers, false);
  if (!v.coverage || typeof v.coverage !== 'object') fail(what, 'coverage must be an object');
  checkNumber(what, 'coverage.centers', v.coverage.centers, true);
  checkNumber(what, 'coverage.it_energy', v.coverage.it_energy, true);
  checkText(what, 'unit', v.unit);
  if (v.reason !== null) {
    checkText(what, 'reason', v.reason);
    if (v.reason.length === 0) fail(what, 'reason must be null or a non-empty string');
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Read order of records: start, then center, then source. */
export function compareRecords(a: StoredRecord, b: StoredRecord): number {
  return a.startMs - b.startMs || cmp(a.center, b.center) || cmp(a.source, b.source);
}

/** Read order of values: period start, period name, then level, code, indicator. */
export function compareValues(a: StoredValue, b: StoredValue): number {
  return (
    a.fromMs - b.fromMs ||
    cmp(a.period, b.period) ||
    cmp(a.level, b.level) ||
    cmp(a.code, b.code) ||
    cmp(a.indicator, b.indicator)
  );
}

/** The identity of a value: (period_kind, period, level, code, indicator). */
export function valueKey(v: StoredValue): string {
  // Checked values carry no control characters in these fields, so NUL separates them unambiguously.
  return `${v.period_kind}\u0000${v.period}\u0000${v.level}\u0000${v.code}\u0000${v.indicator}`;
}

/** Keeps the last item per identity, so a batch that repeats an item stores it once, as its last copy. */
export function lastPerKey<T>(items: readonly T[], key: (t: T) => string): readonly T[] {
  // Batches rarely repeat an item: find out with one set per item, and only then keep the last copies.
  const seen = new Set<string>();
  for (const item of items) seen.add(key(item));
  if (seen.size === items.length) return items;
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k);
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

const ROLLUP_KINDS = ['hour', 'day', 'month'] as const;

/** Throws StorageInputError unless the roll-up can be stored and read back unchanged by both adapters. */
export function checkRollup(r: StoredRollup, index = 0): void {
  const what = `roll-up ${index} (${typeof r?.center === 'string' ? r.center : '?'})`;
  if (r === null || typeof r !== 'object') fail(`roll-up ${index}`, 'must be an object');
  if (!(ROLLUP_KINDS as readonly string[]).includes(r.kind))
    fail(what, `kind must be one of ${ROLLUP_KINDS.join(', ')}`);
  if (r.source !== 'telemetry') fail(what, 'source must be telemetry (declarations are not rolled up)');
  const f = r.rollup;
  if (!f || typeof f !== 'object' || !f.aux || typeof f.aux !== 'object') fail(what, 'rollup must carry aux');
  checkRecord(r, index);
  for (const id in f.aux) {
    if (!(id in r.metrics)) fail(what, `aux ${id} has no metric`);
    checkNumber(what, `aux ${id}`, f.aux[id], false);
  }
  checkNumber(what, 'records', f.records, false);
  if (!Number.isSafeInteger(f.records) || f.records < 0) fail(what, 'records must be a count');
  checkNumber(what, 'coveredMs', f.coveredMs, false);
  checkInt(what, 'firstStartMs', f.firstStartMs);
  checkInt(what, 'lastEndMs', f.lastEndMs);
}

/** The identity of a roll-up: (kind, center, start). */
export function rollupKey(r: StoredRollup): string {
  return `${r.kind}\u0000${r.center}\u0000${r.startMs}`;
}
