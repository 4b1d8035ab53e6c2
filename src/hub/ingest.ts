/**
 * @module Ingest: validates pushed center records, checks each belongs to the caller, stores the valid ones
 * in one idempotent write, marks the closed periods they touch dirty, and queues them for federation.
 *
 * Stages, in order: validate (each record parsed against the catalog and registry, and the caller's right to
 * write its center checked; records-body.ts parsed the body before) → claim intervals (no overlapping
 * telemetry) → write (one idempotent storage write, started synchronously) → after-write (dirty marks and the
 * federation outbox in the state DB, gauges, counters). Order matters for "no accepted record is lost":
 * storage first, then the state DB, then the 200. A crash before the 200 makes the agent retry; the retry is
 * idempotent.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { Storage, StoredRecord, StoredRollup } from '../storage/types.ts';
import { parseRecord, type RecordProblem } from '../records/parse.ts';
import { recordKey, type CenterRecord, type ParsedRecord, type RollupRecord } from '../model/records.ts';
import { periodName, periodsTouching, periodWindow, type PeriodKindName } from '../model/periods.ts';
import { isStorageUnavailable } from '../storage/errors.ts';
import { HubError } from './errors.ts';
import { boundAnswer, cut, echoText } from '../shared/echo.ts';
import type { StateDb } from './state-db.ts';
import type { HubMetrics } from './metrics.ts';
import { canWriteCenter, type Scope } from './auth/scopes.ts';
import { inSpan, type Tracing } from './tracing.ts';
import type { Claim, OverlapGuard } from './overlap-guard.ts';

export interface Rejected {
  index: number;
  key?: string;
  errors: RecordProblem[];
}

export interface IngestResult {
  /** Keys of the accepted records (empty when the caller asked for a count only). */
  accepted: string[];
  acceptedCount: number;
  rejected: Rejected[];
}

export interface IngestDeps {
  catalog: Catalog;
  registry: RegistryIndex;
  storage: Storage;
  state: StateDb;
  metrics: HubMetrics;
  tracing: Tracing;
  tz: string;
  closeKinds: PeriodKindName[];
  /** Refuses telemetry overlapping telemetry of its center. */
  overlaps: OverlapGuard;
  /** Most closed periods one request's late records may mark for recomputation (beyond: 413, nothing written). */
  maxDirtyPeriods: number;
  /**
   * Queue accepted records for the upstream hub: every record, or (forwarding hour roll-ups instead of
   * telemetry) declarations only.
   */
  federate: boolean | 'declarations';
  now: () => number;
  /**
   * Telemetry that starts more than this long ago is refused: raw records are kept no longer (storage
   * retention), so the closed periods it belongs to could not be rebuilt with it. Infinity: no limit.
   */
  rawRetentionMs?: number;
  /** Told of each stored batch: its telemetry (the engine holds the newest), and how many filings came. */
  stored?: (telemetry: StoredRecord[], declarations: number) => void;
}

export interface IngestOptions {
  /** Declarations endpoint: every record is a filing (source forced to declaration). */
  declaration: boolean;
  /** Row labels for messages (CSV/xlsx rows), by index. */
  labels?: string[];
  /** Problems found before validation (e.g. a malformed period), by index: those records are rejected. */
  preProblems?: Map<number, RecordProblem[]>;
  /** Leave the accepted keys out of the result (the caller answers with a count: `Prefer: return=minimal`). */
  countOnly?: boolean;
}

/**
 * Ingests `raws` for the caller `scope`.
 * @throws HubError 403 when any record names a center the caller may not write (nothing written),
 *   400 when no record is valid, 503 when storage is unavailable (nothing acknowledged).
 */
export async function ingest(
  deps: IngestDeps,
  scope: Scope,
  raws: unknown[],
  opts: IngestOptions,
): Promise<IngestResult> {
  return inSpan(
    deps.tracing.tracer,
    opts.declaration ? 'ingest.declarations' : 'ingest.records',
    { 'dims.records': raws.length, 'dims.scope': scope.kind },
    async (span) => {
      const nowMs = deps.now();
      const checked = validate(deps, scope, raws, opts, nowMs);
      raws = [];
      const overlaps = await claimIntervals(deps, checked);
      let batch: ReturnType<typeof write>;
      try {
        batch = write(deps, checked, opts, nowMs);
      } catch (err) {
        overlaps.release(false);
        throw err;
      }
      // From here on only the summary is held: records alive while storage works would outlive young-
      // generation collections and be copied into the old one (see InfluxStorage.write).
      try {
        await batch.written;
      } catch (err) {
        overlaps.release(false);
        throw unavailable(err);
      }
      overlaps.release(true);
      const a = batch.after;
      afterWrite(deps, a, nowMs);
      span.setAttribute('dims.accepted', a.acceptedCount);
      span.setAttribute('dims.rejected', a.rejected.length);
      return { accepted: a.keys ?? [], acceptedCount: a.acceptedCount, rejected: labelled(a.rejected, opts.labels) };
    },
  );
}

/**
 * After-write stage, once storage has the records: dirty marks and the federation outbox in the state DB, then
 * the "newest record" gauges and the accepted counters.
 * @throws HubError 503 when the state DB cannot be written (stored but not acknowledged: the retry is idempotent).
 */
function afterWrite(deps: IngestDeps, a: AfterWrite, nowMs: number): void {
  try {
    if (a.received.length > 0) deps.state.noteReceivedRollups(a.received);
    if (a.stale.length > 0) deps.state.markRollupsStale(a.stale);
    if (a.dirty.length > 0) deps.state.markDirty(a.dirty);
    if (a.outbox) deps.state.outbox.enqueue(a.outbox, nowMs);
  } catch (err) {
    // Stored but not acknowledged: the sender retries, the write is idempotent and the marks are made then.
    throw new HubError(
      'DIMS_ERR_STORAGE_UNAVAILABLE',
      `the hub's state database cannot be written (${(err as Error).message}); nothing was acknowledged, retry later`,
    );
  }
  const t = a.telemetry;
  for (let i = 0; i < t.centers.length; i++) {
    const c = t.centers[i]!;
    const mean = t.inletMean[i]!;
    const max = t.inletMax[i]!;
    deps.metrics.noteRecordEnd(
      c.id,
      c.province,
      t.ends[i]!,
      Number.isNaN(mean) && Number.isNaN(max)
        ? undefined
        : {
            ...(Number.isNaN(mean) ? {} : { mean }),
            ...(Number.isNaN(max) ? {} : { max }),
          },
    );
  }
  // One increment per source and batch, not per record (label lookups cost more than the count).
  if (t.centers.length > 0) deps.metrics.recordsAccepted.inc({ source: 'telemetry' }, t.centers.length);
  if (a.declarations > 0) deps.metrics.recordsAccepted.inc({ source: 'declaration' }, a.declarations);
  deps.stored?.(a.stored ?? [], a.declarations);
}

/** What ingest still needs once the write is under way: no record objects, only these facts. */
interface AfterWrite {
  acceptedCount: number;
  rejected: Rejected[];
  /** Accepted keys, when the answer lists them. */
  keys?: string[];
  /** Closed periods the accepted records change, to be recomputed. */
  dirty: Array<{ kind: string; period: string }>;
  /** Hours, days and months whose roll-ups the accepted telemetry changes (those built are rebuilt). */
  stale: Array<{ kind: string; period: string }>;
  /** Hours whose roll-ups a provincial hub forwarded in this batch. */
  received: string[];
  /** Accepted telemetry for the "newest record" gauges: the registry's center (already long-lived), end, inlet temperatures (NaN when absent). */
  telemetry: {
    centers: Array<{ id: string; province: string }>;
    ends: Float64Array;
    inletMean: Float64Array;
    inletMax: Float64Array;
  };
  declarations: number;
  outbox?: CenterRecord[];
  /** The stored telemetry, for `IngestDeps.stored` (the engine keeps the newest in memory anyway). */
  stored?: StoredRecord[];
}

/** A valid record of the batch, with what the later stages need of it. */
interface Good {
  index: number;
  record: ParsedRecord;
  raw: unknown;
  key: string;
  center: { id: string; province: string };
}

/** Storage failures as the client sees them: unavailable is 503 (nothing acknowledged, retry). */
function unavailable(err: unknown): unknown {
  return isStorageUnavailable(err)
    ? new HubError(
        'DIMS_ERR_STORAGE_UNAVAILABLE',
        `storage is unavailable (${(err as Error).message}); nothing was acknowledged, retry later`,
      )
    : err;
}

/**
 * Validates the batch and checks permission, synchronously.
 * @throws HubError 403 (a foreign center; nothing written) or 400 (no valid record).
 */
function validate(
  deps: IngestDeps,
  scope: Scope,
  raws: unknown[],
  opts: IngestOptions,
  nowMs: number,
): { good: Good[]; rejected: Rejected[] } {
  const ctx = { catalog: deps.catalog, registry: deps.registry, nowMs };
  const oldestMs = nowMs - (deps.rawRetentionMs ?? Infinity);
  // Keys cost a date text per record: made only when the answer lists them (the outbox makes its own).
  const wantKeys = !opts.countOnly;
  const good: Good[] = [];
  const rejected: Rejected[] = [];
  const foreign: Array<{ index: number; center: string }> = [];
  raws.forEach((raw, index) => {
    // Permission is judged on the claimed center before validation, so a forbidden batch is
    // refused whole even when it is also malformed.
    const claimed = claimedCenter(raw);
    if (
      claimed !== undefined &&
      !canWriteCenter(scope, claimed, deps.registry.byId.get(claimed)?.province, opts.declaration || isDeclaration(raw))
    ) {
      foreign.push({ index, center: claimed });
      return;
    }
    const pre = opts.preProblems?.get(index);
    if (pre) {
      rejected.push({ index, ...keyOf(raw), errors: pre });
      return;
    }
    const input =
      opts.declaration && raw && typeof raw === 'object' && !Array.isArray(raw)
        ? { ...(raw as object), source: 'declaration' }
        : raw;
    const { record, problems } = parseRecord(input, ctx);
    if (!record) {
      rejected.push({ index, ...keyOf(raw), errors: problems });
      return;
    }
    if (isRollup(record) && scope.kind !== 'federate') {
      rejected.push({ index, ...keyOf(raw), errors: [ROLLUP_FROM_HUBS] });
      return;
    }
    if (record.source === 'telemetry' && record.startMs < oldestMs && !isRollup(record)) {
      rejected.push({ index, ...keyOf(raw), errors: [tooOld(raw, deps.rawRetentionMs!)] });
      return;
    }
    good.push({
      index,
      record,
      raw: input,
      key: wantKeys ? recordKey(record) : '',
      center: deps.registry.byId.get(record.center)!,
    });
  });
  if (foreign.length > 0) {
    deps.metrics.recordsRejected.inc({ source: opts.declaration ? 'declaration' : 'telemetry' }, raws.length);
    throw new HubError(
      'DIMS_ERR_CENTER_FORBIDDEN',
      `the token may not write records of center ${echoText(foreign[0]!.center)} (record ${foreign[0]!.index}); nothing was written`,
      { records: foreign.slice(0, 20).map((f) => ({ index: f.index, center: cut(f.center) })) },
    );
  }
  if (rejected.length > 0)
    deps.metrics.recordsRejected.inc({ source: opts.declaration ? 'declaration' : 'telemetry' }, rejected.length);
  if (good.length === 0) throw noneValid(rejected, opts);
  return { good, rejected };
}

function noneValid(rejected: Rejected[], opts: IngestOptions): HubError {
  return new HubError(opts.declaration ? 'DIMS_ERR_INVALID_DECLARATIONS' : 'DIMS_ERR_INVALID_RECORDS', undefined, {
    accepted: [],
    rejected: labelled(rejected, opts.labels),
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Refuses telemetry that overlaps telemetry of its center (in the batch, in flight, stored) and reserves
 * the rest until the write finishes: moves the overlapping records from `checked.good` to its rejected.
 * @throws HubError 400 when no record is left, 503 when storage cannot be asked.
 */
async function claimIntervals(
  deps: IngestDeps,
  checked: { good: Good[]; rejected: Rejected[] },
): Promise<{ release: (ok: boolean) => void }> {
  const claims: Claim[] = [];
  for (const g of checked.good)
    if (g.record.source === 'telemetry' && !isRollup(g.record))
      claims.push({ index: g.index, center: g.center.id, startMs: g.record.startMs, endMs: g.record.endMs });
  if (claims.length === 0) return { release: () => {} };
  let claimed: Awaited<ReturnType<OverlapGuard['claim']>>;
  try {
    claimed = await deps.overlaps.claim(claims);
  } catch (err) {
    throw unavailable(err);
  }
  if (claimed.conflicts.length === 0) return claimed;
  const refused = new Map(claimed.conflicts.map((c) => [c.index, c]));
  const kept: Good[] = [];
  for (const g of checked.good) {
    const c = refused.get(g.index);
    if (!c) {
      kept.push(g);
      continue;
    }
    const o = c.other;
    const which =
      o.where === 'request'
        ? `record ${o.index} of this request`
        : o.where === 'in flight'
          ? 'a record another request is storing'
          : 'a stored record';
    checked.rejected.push({
      index: g.index,
      key: recordKey(g.record),
      errors: [
        {
          path: '/start',
          message:
            `overlaps ${which} of this center, [${iso(o.startMs)}, ${iso(o.endMs)}); telemetry of a center must not ` +
            `overlap (a replay repeats the same start and end)`,
          value: (g.raw as { start?: unknown }).start,
        },
      ],
    });
  }
  deps.metrics.recordsRejected.inc({ source: 'telemetry' }, refused.size);
  checked.good = kept;
  if (kept.length === 0) {
    claimed.release(true);
    throw noneValid(checked.rejected, { declaration: false });
  }
  return claimed;
}

type Span = { startMs: number; endMs: number; declaration: boolean };

/**
 * Bounds the recomputation the batch causes and starts the storage write, synchronously.
 * @throws HubError 413 when the late records would mark too many closed periods (nothing written).
 */
function write(
  deps: IngestDeps,
  checked: { good: Good[]; rejected: Rejected[] },
  opts: IngestOptions,
  nowMs: number,
): { written: Promise<void>; after: AfterWrite } {
  const { good, rejected } = checked;
  const { spans, nTelemetry } = distinctSpans(good);
  const dirty = boundedDirty(deps, spans, good.length, opts, nowMs);
  const { written, records, rollups } = startWrite(deps, good);
  const after: AfterWrite = {
    acceptedCount: good.length,
    rejected,
    dirty,
    stale: staleRollups(
      deps,
      spans.filter((s) => !s.declaration),
      nowMs,
    ),
    received: [...new Set(rollups.map((r) => periodName('hour', r.startMs, deps.tz)))],
    telemetry: telemetrySeen(good, nTelemetry),
    declarations: good.length - nTelemetry,
  };
  if (!opts.countOnly) after.keys = good.map((g) => g.key);
  if (deps.federate === true) after.outbox = good.filter((g) => !isRollup(g.record)).map((g) => g.raw as CenterRecord);
  else if (deps.federate === 'declarations')
    after.outbox = good.filter((g) => g.record.source === 'declaration').map((g) => g.raw as CenterRecord);
  if (deps.stored) after.stored = records.filter((r) => r.source === 'telemetry');
  return { written, after };
}

/** The distinct intervals of a batch (a span is telemetry if any record over it is) and its telemetry count. */
function distinctSpans(good: Good[]): { spans: Span[]; nTelemetry: number } {
  // Records of one batch usually share an interval: distinct spans are few.
  const byStart = new Map<number, Map<number, Span>>();
  let nTelemetry = 0;
  for (const { record: r } of good) {
    let byEnd = byStart.get(r.startMs);
    if (!byEnd) byStart.set(r.startMs, (byEnd = new Map()));
    const span = byEnd.get(r.endMs);
    if (!span) byEnd.set(r.endMs, { startMs: r.startMs, endMs: r.endMs, declaration: r.source === 'declaration' });
    else if (r.source === 'telemetry') span.declaration = false;
    if (r.source === 'telemetry') nTelemetry++;
  }
  return { spans: [...byStart.values()].flatMap((m) => [...m.values()]), nTelemetry };
}

/**
 * The closed periods the batch marks for recomputation, bounded before anything is written.
 * @throws HubError 413 over limits.dirty_periods_per_request.
 */
function boundedDirty(deps: IngestDeps, spans: Span[], count: number, opts: IngestOptions, nowMs: number) {
  const dirty = dirtyMarks(deps, spans, nowMs);
  if (dirty.length > deps.maxDirtyPeriods) {
    deps.metrics.recordsRejected.inc({ source: opts.declaration ? 'declaration' : 'telemetry' }, count);
    throw new HubError(
      'DIMS_ERR_TOO_LARGE',
      `the late records of this request would mark ${dirty.length} closed periods for recomputation (at most ` +
        `${deps.maxDirtyPeriods} per request, limits.dirty_periods_per_request); send them in smaller batches; ` +
        `nothing was written`,
      { periods: dirty.length, limit: deps.maxDirtyPeriods },
    );
  }
  return dirty;
}

/** Starts writing the batch: records as records, forwarded hour roll-ups as roll-ups. */
function startWrite(deps: IngestDeps, good: Good[]) {
  // The parsed record becomes the stored one (with its province) rather than being copied. The center
  // text is the registry's: the same characters, but long-lived, with its hash already computed for
  // the lookups storage makes per record.
  const stored: StoredRecord[] = good.map((g) =>
    Object.assign(g.record, { center: g.center.id, province: g.center.province }),
  );
  // Forwarded hour roll-ups are stored as roll-ups: this hub has no raw records of those centers.
  const rollups: StoredRollup[] = [];
  const records: StoredRecord[] = [];
  for (const r of stored) {
    if (isRollup(r)) rollups.push({ ...r, kind: 'hour' });
    else records.push(r);
  }
  const written =
    rollups.length === 0
      ? deps.storage.writeRecords(stored)
      : Promise.all([deps.storage.writeRecords(records), deps.storage.writeRollups(rollups)]).then(() => undefined);
  return { written, records, rollups };
}

/** Which centers' collection the batch shows alive, to when, with their inlet temperatures. */
function telemetrySeen(good: Good[], nTelemetry: number): AfterWrite['telemetry'] {
  // Only telemetry says a center's collection is alive; a filing may even end in the future.
  const telemetry: AfterWrite['telemetry'] = {
    centers: [],
    ends: new Float64Array(nTelemetry),
    inletMean: new Float64Array(nTelemetry),
    inletMax: new Float64Array(nTelemetry),
  };
  for (const g of good) {
    const r = g.record;
    if (r.source !== 'telemetry') continue;
    const i = telemetry.centers.length;
    telemetry.centers.push(g.center);
    telemetry.ends[i] = isRollup(r) && r.rollup.records > 0 ? r.rollup.lastEndMs : r.endMs;
    telemetry.inletMean[i] = r.metrics.inlet_temp_c_mean ?? NaN;
    telemetry.inletMax[i] = r.metrics.inlet_temp_c_max ?? NaN;
  }
  return telemetry;
}

/**
 * The JSON answer to a push: the accepted keys and the rejected records, or with `minimal` the count
 * of accepted records instead of their keys (every record not rejected was accepted; a batch of
 * 1,000 otherwise answers ~40 KB of keys the sender already knows).
 */
export function ingestAnswer(result: IngestResult, minimal: boolean): object {
  return minimal
    ? { accepted_count: result.acceptedCount, rejected: result.rejected }
    : { accepted: result.accepted, rejected: result.rejected };
}

function claimedCenter(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const c = (raw as { center?: unknown }).center;
  return typeof c === 'string' ? c : undefined;
}

function isDeclaration(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && (raw as { source?: unknown }).source === 'declaration';
}

function keyOf(raw: unknown): { key?: string } {
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as { center?: unknown; start?: unknown; source?: unknown };
  if (typeof r.center !== 'string' || typeof r.start !== 'string') return {};
  const ms = Date.parse(r.start);
  if (!Number.isFinite(ms)) return {};
  return {
    key: recordKey({ center: r.center, startMs: ms, source: r.source === 'declaration' ? 'declaration' : 'telemetry' }),
  };
}

/** Rejections as the answer lists them: with their row labels, and the values they repeat bounded. */
function labelled(rejected: Rejected[], labels?: string[]): Rejected[] {
  return [...rejected]
    .sort((a, b) => a.index - b.index)
    .map((r) => boundAnswer(labels?.[r.index] ? { ...r, row: labels[r.index] } : r));
}

/** Kinds a declaration marks dirty: the periods filings are made for (it would otherwise mark every hour of a year). */
const DECLARATION_KINDS: ReadonlySet<string> = new Set(['month', 'quarter', 'year']);

/**
 * The periods to recompute for late records: those the records touch that the engine already computed
 * (at or before the kind's checkpoint). Later periods need no mark: the scheduler computes them when
 * they close. A telemetry record touches one period of each kind (its interval divides the hour); a
 * declaration marks months, quarters and years only, so a late yearly filing marks 17 periods, not 9,000.
 */
export function dirtyMarks(
  deps: Pick<IngestDeps, 'state' | 'tz' | 'closeKinds'>,
  records: Array<{ startMs: number; endMs: number; declaration?: boolean }>,
  nowMs: number,
): Array<{ kind: string; period: string }> {
  const marks: Array<{ kind: string; period: string }> = [];
  if (deps.closeKinds.length === 0 || records.length === 0) return marks;
  let earliest = Infinity;
  for (const r of records) if (r.startMs < earliest) earliest = r.startMs;
  for (const kind of deps.closeKinds) {
    // Live records lie in the open period: the common case costs one window computation per kind.
    const openFrom = periodWindow(kind, periodName(kind, nowMs, deps.tz), deps.tz).fromMs;
    if (earliest >= openFrom) continue;
    const late = records.filter((s) => s.startMs < openFrom && (!s.declaration || DECLARATION_KINDS.has(kind)));
    if (late.length === 0) continue;
    const checkpoint = deps.state.checkpoint(kind);
    if (checkpoint === undefined) continue;
    const seen = new Set<string>();
    for (const s of late) {
      for (const period of periodsTouching(kind, s.startMs, Math.min(s.endMs, openFrom), deps.tz)) {
        if (period > checkpoint || seen.has(period)) continue;
        seen.add(period);
        marks.push({ kind, period });
      }
    }
  }
  return marks;
}

/**
 * The hour, day and month roll-ups that late telemetry (spans before the open hour) reaches into, among
 * those built: the others are built when needed, with the records then stored.
 */
function staleRollups(
  deps: Pick<IngestDeps, 'state' | 'tz'>,
  spans: Array<{ startMs: number; endMs: number }>,
  nowMs: number,
): Array<{ kind: string; period: string }> {
  // Live records lie in the open hour: the common case costs one window computation.
  const openHour = periodWindow('hour', periodName('hour', nowMs, deps.tz), deps.tz).fromMs;
  const late = spans.filter((s) => s.startMs < openHour);
  if (late.length === 0) return [];
  let from = Infinity;
  let to = -Infinity;
  for (const s of late) {
    if (s.startMs < from) from = s.startMs;
    if (s.endMs > to) to = s.endMs;
  }
  const marks = new Map<string, { kind: string; period: string }>();
  for (const kind of ['hour', 'day', 'month'] as const) {
    // A backfill of history no roll-up was built for yet (the common case of old records) marks nothing.
    const last = periodName(kind, Math.min(to, openHour) - 1, deps.tz);
    if (!deps.state.hasRollups(kind, periodName(kind, from, deps.tz), last)) continue;
    for (const s of late)
      for (const period of periodsTouching(kind, s.startMs, Math.min(s.endMs, openHour), deps.tz))
        marks.set(`${kind}/${period}`, { kind, period });
  }
  return [...marks.values()];
}

/** The problem of a telemetry record older than the raw retention. */
function tooOld(raw: unknown, retentionMs: number): RecordProblem {
  const days = Math.round((retentionMs / 86_400_000) * 10) / 10;
  return {
    path: '/start',
    message: `is older than the raw records are kept (${days} days): the periods it belongs to are closed for good`,
    value: (raw as { start?: unknown } | null)?.start,
  };
}

function isRollup(r: ParsedRecord): r is RollupRecord {
  return (r as Partial<RollupRecord>).rollup !== undefined;
}

const ROLLUP_FROM_HUBS: RecordProblem = {
  path: '/rollup',
  message: 'roll-ups come only from a provincial hub forwarding them (a federate token); an agent sends its records',
};
