/**
 * @module Whether storage takes writes: every record and value write is watched, a failure (a full disk
 * above all) makes the hub not ready until a write succeeds again, and is logged and counted once.
 *
 * A hub whose writes fail answers pushes 503 (nothing acknowledged: agents and federating hubs keep the
 * records in their outboxes and retry), so nothing is lost while the disk is full. /readyz asks storage
 * for a probe write (at most every 5 s) while writes fail, so readiness comes back when space does,
 * even when no push arrives to find out.
 */
import type { Storage } from '../storage/types.ts';
import { isStorageUnavailable } from '../storage/errors.ts';
import type { HubMetrics } from './metrics.ts';

type Logger = (level: 'info' | 'warn' | 'error', message: string) => void;

export type WriteFailure = 'disk_full' | 'unavailable';

const PROBE_EVERY_MS = 5000;

/** Why a write failed, from the store's message: the file system is full, or the store is unavailable otherwise. */
export function failureReason(err: unknown): WriteFailure {
  const text = `${(err as Error)?.message ?? ''} ${(err as { code?: string })?.code ?? ''}`;
  return /no space left|disk is full|ENOSPC|SQLITE_FULL/i.test(text) ? 'disk_full' : 'unavailable';
}

export class StorageHealth {
  private readonly storage: Storage;
  private readonly metrics: HubMetrics;
  private readonly log: Logger;
  private failing: { sinceMs: number; reason: WriteFailure; message: string } | undefined;
  private lastProbeMs = 0;
  private probing: Promise<void> | undefined;

  constructor(storage: Storage, metrics: HubMetrics, log: Logger) {
    this.storage = storage;
    this.metrics = metrics;
    this.log = log;
    metrics.storageWritable.set(1);
  }

  /** A write succeeded: storage takes writes (again). */
  ok(): void {
    if (!this.failing) return;
    const s = Math.round((Date.now() - this.failing.sinceMs) / 1000);
    this.log('info', `storage: writes succeed again after ${s} s (${this.failing.reason})`);
    this.failing = undefined;
    this.metrics.storageWritable.set(1);
  }

  /** A write failed because storage could not take it (not because the input was bad). */
  failed(err: unknown): void {
    const reason = failureReason(err);
    const message = (err as Error)?.message ?? String(err);
    this.metrics.storageWriteFailures.inc({ reason });
    if (this.failing?.reason === reason) return;
    this.failing = { sinceMs: this.failing?.sinceMs ?? Date.now(), reason, message };
    this.metrics.storageWritable.set(0);
    this.log(
      'error',
      `storage: writes fail (${reason === 'disk_full' ? 'the disk is full' : 'storage unavailable'}: ${message}); ` +
        `pushes are answered 503 and their senders keep the records until writes succeed`,
    );
  }

  /** Storage with its writes watched: the object the hub uses. */
  watch(inner: Storage): Storage {
    const track = (p: Promise<void>): Promise<void> =>
      p.then(
        () => this.ok(),
        (err: unknown) => {
          if (isStorageUnavailable(err)) this.failed(err);
          throw err;
        },
      );
    return {
      get kind() {
        return inner.kind;
      },
      open: () => inner.open(),
      close: () => inner.close(),
      ping: () => inner.ping(),
      probeWrite: () => inner.probeWrite(),
      writeRecords: (records) => track(inner.writeRecords(records)),
      writeValues: (values) => track(inner.writeValues(values)),
      queryRecords: (q) => inner.queryRecords(q),
      queryValues: (q) => inner.queryValues(q),
      reportStats: (from, to) => inner.reportStats(from, to),
      latestTelemetry: (centers, from, to) => inner.latestTelemetry(centers, from, to),
      writeRollups: (rollups) => track(inner.writeRollups(rollups)),
      queryRollups: (q) => inner.queryRollups(q),
      ...(inner.rollupPages ? { rollupPages: (q) => inner.rollupPages!(q) } : {}),
      ...(inner.packedRecordPages ? { packedRecordPages: (q, layout) => inner.packedRecordPages!(q, layout) } : {}),
      ...(inner.packedRollupPages ? { packedRollupPages: (q, layout) => inner.packedRollupPages!(q, layout) } : {}),
      get retention() {
        return inner.retention;
      },
      enforceRetention: (nowMs) => inner.enforceRetention(nowMs),
      sizeByTier: () => inner.sizeByTier(),
    };
  }

  /** What /readyz says: ready, or why not (storage does not answer; writes fail, and a probe still fails). */
  async status(): Promise<{ ready: boolean; reason?: WriteFailure; message?: string; since?: string }> {
    let answers = false;
    try {
      answers = await this.storage.ping();
    } catch {
      answers = false;
    }
    if (!answers) return { ready: false, reason: 'unavailable', message: 'storage does not answer a ping' };
    if (this.failing && Date.now() - this.lastProbeMs >= PROBE_EVERY_MS) {
      this.lastProbeMs = Date.now();
      this.probing ??= this.storage.probeWrite().then(
        () => this.ok(),
        (err: unknown) => this.failed(err),
      );
      await this.probing;
      this.probing = undefined;
    }
    const f = this.failing;
    return f
      ? { ready: false, reason: f.reason, message: f.message, since: new Date(f.sinceMs).toISOString() }
      : { ready: true };
  }

  /** Whether writes are known to fail now. */
  get writesFailing(): boolean {
    return this.failing !== undefined;
  }
}
