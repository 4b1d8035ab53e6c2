/**
 * @module Ingest: validates pushed center records, checks each belongs to the caller, stores the valid ones
 * in one idempotent write, marks the closed periods they touch dirty, and queues them for federation.
 *
 * Order matters for "no accepted record is lost": storage first, then the dirty marks and outbox (state DB),
 * then the 200. A crash before the 200 makes the agent retry; the retry is idempotent.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { Storage, StoredRecord } from '../storage/types.ts';
import { parseRecord, type RecordProblem } from '../records/parse.ts';
import { recordKey, type CenterRecord, type ParsedRecord } from '../model/records.ts';
import { periodName, periodsTouching, periodWindow, type PeriodKindName } from '../engine/periods.ts';
import { isStorageUnavailable } from '../storage/errors.ts';
import { HubError } from './errors.ts';
import type { StateDb } from './state-db.ts';
import type { HubMetrics } from './metrics.ts';
import { canWriteCenter, type Scope } from './auth/scopes.ts';
import { inSpan, type Tracing } from './tracing.ts';

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
  /** Queue accepted records for the upstream hub. */
  federate: boolean;
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
      const batch = accept(deps, scope, raws, opts, nowMs);
      // From here on only the summary is held: records alive while storage works would outlive young-
      // generation collections and be copied into the old one (see InfluxStorage.write).
      raws = [];
      try {
        await batch.written;
      } catch (err) {
        if (isStorageUnavailable(err))
          throw new HubError(
            'DIMS_ERR_STORAGE_UNAVAILABLE',
            `storage is unavailable (${(err as Error).message}); nothing was acknowledged, retry later`,
          );
        throw err;
      }
      const a = batch.after;
      markDirty(deps, a.spans, nowMs);
      deps.stored?.(a.stored ?? [], a.declarations);
      if (a.outbox) deps.state.outbox.enqueue(a.outbox, nowMs);
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
      span.setAttribute('dims.accepted', a.acceptedCount);
      span.setAttribute('dims.rejected', a.rejected.length);
      return { accepted: a.keys ?? [], acceptedCount: a.acceptedCount, rejected: labelled(a.rejected, opts.labels) };
    },
  );
}

/** What ingest still needs once the write is under way: no record objects, only these facts. */
interface AfterWrite {
  acceptedCount: number;
  rejected: Rejected[];
  /** Accepted keys, when the answer lists them. */
  keys?: string[];
  /** Distinct [start, end) spans of the accepted records, for the dirty marks. */
  spans: Array<{ startMs: number; endMs: number }>;
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

/**
 * Validates the batch, checks permission and starts the storage write, all synchronously.
 * @throws HubError 403 (a foreign center; nothing written) or 400 (no valid record).
 */
function accept(
  deps: IngestDeps,
  scope: Scope,
  raws: unknown[],
  opts: IngestOptions,
  nowMs: number,
): { written: Promise<void>; after: AfterWrite } {
  const ctx = { catalog: deps.catalog, registry: deps.registry, nowMs };
  const oldestMs = nowMs - (deps.rawRetentionMs ?? Infinity);
  // Keys cost a date text per record: made only when the answer lists them (the outbox makes its own).
  const wantKeys = !opts.countOnly;
  const good: Array<{ record: ParsedRecord; raw: unknown; key: string; center: { id: string; province: string } }> = [];
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
    if (record.source === 'telemetry' && record.startMs < oldestMs) {
      rejected.push({ index, ...keyOf(raw), errors: [tooOld(raw, deps.rawRetentionMs!)] });
      return;
    }
    good.push({
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
      `the token may not write records of center ${JSON.stringify(foreign[0]!.center)} (record ${foreign[0]!.index}); nothing was written`,
      { records: foreign.slice(0, 20) },
    );
  }
  if (rejected.length > 0)
    deps.metrics.recordsRejected.inc({ source: opts.declaration ? 'declaration' : 'telemetry' }, rejected.length);
  if (good.length === 0) {
    throw new HubError(opts.declaration ? 'DIMS_ERR_INVALID_DECLARATIONS' : 'DIMS_ERR_INVALID_RECORDS', undefined, {
      accepted: [],
      rejected: labelled(rejected, opts.labels),
    });
  }
  // The parsed record becomes the stored one (with its province) rather than being copied. The center
  // text is the registry's: the same characters, but long-lived, with its hash already computed for
  // the lookups storage makes per record.
  const stored: StoredRecord[] = good.map((g) =>
    Object.assign(g.record, { center: g.center.id, province: g.center.province }),
  );
  const written = deps.storage.writeRecords(stored);

  // Records of one batch usually share an interval: distinct spans are few.
  const spans = new Map<number, Map<number, { startMs: number; endMs: number }>>();
  let nTelemetry = 0;
  for (const r of stored) {
    let byEnd = spans.get(r.startMs);
    if (!byEnd) spans.set(r.startMs, (byEnd = new Map()));
    if (!byEnd.has(r.endMs)) byEnd.set(r.endMs, { startMs: r.startMs, endMs: r.endMs });
    if (r.source === 'telemetry') nTelemetry++;
  }
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
    telemetry.ends[i] = r.endMs;
    telemetry.inletMean[i] = r.metrics.inlet_temp_c_mean ?? NaN;
    telemetry.inletMax[i] = r.metrics.inlet_temp_c_max ?? NaN;
  }
  const after: AfterWrite = {
    acceptedCount: good.length,
    rejected,
    spans: [...spans.values()].flatMap((m) => [...m.values()]),
    telemetry,
    declarations: good.length - nTelemetry,
  };
  if (!opts.countOnly) after.keys = good.map((g) => g.key);
  if (deps.federate) after.outbox = good.map((g) => g.raw as CenterRecord);
  if (deps.stored)
    after.stored = nTelemetry === stored.length ? stored : stored.filter((r) => r.source === 'telemetry');
  return { written, after };
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

function labelled(rejected: Rejected[], labels?: string[]): Rejected[] {
  if (!labels) return rejected;
  return rejected.map((r) => ({ ...r, ...(labels[r.index] ? { row: labels[r.index] } : {}) }));
}

/**
 * Marks periods dirty that late records touch and that the engine already computed (at or before the
 * kind's checkpoint), and makes the roll-ups of the hours, days and months they touch stale (those
 * built; the others are built when needed). Later periods need no mark: the scheduler computes them
 * when they close.
 */
export function markDirty(
  deps: Pick<IngestDeps, 'state' | 'tz' | 'closeKinds'>,
  records: Array<{ startMs: number; endMs: number }>,
  nowMs: number,
): void {
  if (records.length === 0) return;
  let earliest = Infinity;
  for (const r of records) if (r.startMs < earliest) earliest = r.startMs;
  // Live records lie in the open hour: the common case costs one window computation.
  const openHour = periodWindow('hour', periodName('hour', nowMs, deps.tz), deps.tz).fromMs;
  if (earliest >= openHour) return;
  // Records of one batch usually share an interval: collapse to distinct spans first.
  const spans = new Map<string, { startMs: number; endMs: number }>();
  for (const r of records) if (r.startMs < openHour) spans.set(`${r.startMs}/${r.endMs}`, r);
  markRollupsStale(deps, [...spans.values()], openHour);
  const marks: Array<{ kind: string; period: string }> = [];
  for (const kind of deps.closeKinds) {
    const openFrom = periodWindow(kind, periodName(kind, nowMs, deps.tz), deps.tz).fromMs;
    if (earliest >= openFrom) continue;
    const late = [...spans.values()].filter((s) => s.startMs < openFrom);
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
  if (marks.length > 0) deps.state.markDirty(marks);
}

/** The hour, day and month roll-ups that late records (spans before the open hour) reach into. */
function markRollupsStale(
  deps: Pick<IngestDeps, 'state' | 'tz'>,
  late: Array<{ startMs: number; endMs: number }>,
  openHour: number,
): void {
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
  deps.state.markRollupsStale([...marks.values()]);
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
