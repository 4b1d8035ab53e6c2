/**
 * @module The agent's records: an interval closes once the first round after its end has had every target's
 * deadline pass; its record is built from the readings, unknown chips are reported, and it is written to the
 * outbox (held in memory while the outbox's disk refuses writes) and the senders woken. Intervals the agent was
 * down for are written as records with every target missing, so the hub sees the gap.
 */
import type { Tracer } from '@opentelemetry/api';
import type { CenterRecord } from '../../model/records.ts';
import type { EnqueueResult, Outbox } from '../../push/outbox.ts';
import type { Sender } from '../../push/sender.ts';
import type { ChipClassifier } from '../chips/classify.ts';
import type { AgentConfig } from '../config/types.ts';
import { buildRecord } from '../normalize/record.ts';
import { scaleMetrics } from '../../records/scale.ts';
import { defaultCatalog } from '../../catalog/load.ts';
import type { TargetReadings } from '../normalize/store.ts';
import type { UnclassifiedChip } from '../normalize/families/interval.ts';
import type { AgentMetrics } from '../observe/metrics.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logging.ts';

export interface RecordDeps {
  config: AgentConfig;
  chips: ChipClassifier;
  readings: ReadonlyMap<string, TargetReadings>;
  outbox: Outbox;
  senders: Sender[];
  metrics: AgentMetrics;
  tracer: Tracer;
  clock: Clock;
  log: Logger;
  /** 'current': the first record is the interval holding the start; 'whole': the first one observed whole. */
  firstRecord?: 'current' | 'whole';
}

export class Records {
  /** Records built so far (newest last; the last 100 are kept). */
  readonly recent: CenterRecord[] = [];
  readonly listeners = new Set<(r: CenterRecord) => void>();
  private readonly d: RecordDeps;
  private readonly settleMs: number;
  private readonly inventoryTtlMs: number;
  private readonly warnedChips = new Set<string>();
  /** Whether records are held in memory because the outbox's disk refuses writes. */
  private holding = false;
  private nextStart: number;
  private cancelClose: (() => void) | undefined;
  private stopped = false;

  constructor(d: RecordDeps) {
    this.d = d;
    const { config } = d;
    const maxTimeout = Math.max(0, ...config.targets.map((t) => t.timeoutMs));
    this.settleMs =
      Math.floor(config.scrapeIntervalMs * config.spread) +
      maxTimeout +
      Math.min(1000, Math.floor(config.scrapeIntervalMs * 0.05));
    this.inventoryTtlMs = Math.max(24 * 3_600_000, 3 * config.intervalMs);
    const now = d.clock.now();
    const I = config.intervalMs;
    // A whole interval needs a reading before its start: the first scrape round (spread over one scrape interval).
    this.nextStart =
      d.firstRecord === 'whole' ? Math.ceil((now + config.scrapeIntervalMs) / I) * I : Math.floor(now / I) * I;
  }

  /** Where the next record starts (after resume(): the first record of this run). */
  get nextRecordStart(): number {
    return this.nextStart;
  }

  /** Continues where the outbox's last record ended; the intervals missed while down become explicit gaps. */
  resume(): void {
    const { config, log } = this.d;
    const I = config.intervalMs;
    const lastEnd = this.d.outbox.lastEndMs();
    if (lastEnd === undefined) return;
    if (lastEnd > this.nextStart) {
      this.nextStart = lastEnd;
      return;
    }
    const from = Math.max(lastEnd, this.nextStart - config.outbox.maxBackfill * I);
    const gap: CenterRecord[] = [];
    for (let s = from; s < this.nextStart; s += I) {
      gap.push({
        center: config.center,
        start: new Date(s).toISOString(),
        end: new Date(s + I).toISOString(),
        metrics: {},
        quality: { targets_expected: config.targets.length, targets_missing: config.targets.map((t) => t.id).sort() },
      });
    }
    if (gap.length > 0) {
      this.write(gap);
      log('info', `agent was down: wrote ${gap.length} record(s) with every target missing`);
    }
  }

  /** Closes every interval that is due, then sets the timer for the next one. */
  closeDue = (): void => {
    if (this.stopped) return;
    const { clock, config } = this.d;
    const I = config.intervalMs;
    while (clock.now() >= this.nextStart + I + this.settleMs) {
      this.close(this.nextStart, this.nextStart + I);
      this.nextStart += I;
      for (const tr of this.d.readings.values()) tr.prune(this.nextStart - 3 * config.scrapeIntervalMs);
    }
    const due = this.nextStart + I + this.settleMs;
    this.cancelClose = clock.setTimer(this.closeDue, Math.max(1, due - clock.now()));
  };

  stop(): void {
    this.stopped = true;
    this.cancelClose?.();
  }

  /** For /readyz: a disk that refuses writes makes the agent not ready (and is retried on each ask). */
  readiness(): { ready: boolean; reason?: string } {
    if (this.holding) this.noteOutbox(this.d.outbox.retryHeld());
    return this.holding
      ? {
          ready: false,
          reason: `the outbox's disk refuses writes; ${this.d.outbox.stats().held} record(s) held in memory`,
        }
      : { ready: true };
  }

  private close(start: number, end: number): void {
    const { config, metrics } = this.d;
    const span = this.d.tracer.startSpan('agent.record', {
      attributes: { 'dims.center': config.center, 'dims.start': new Date(start).toISOString() },
    });
    const { record, unclassified } = buildRecord(
      { config, chips: this.d.chips, targets: this.d.readings, inventoryTtlMs: this.inventoryTtlMs },
      start,
      end,
    );
    // A simulated center read as a 1:N model of itself reports the whole center.
    if (config.modelScale !== 1) scaleMetrics(defaultCatalog(), record.metrics, config.modelScale);
    const missing = record.quality?.targets_missing?.length ?? 0;
    metrics.targetsMissing.set(missing);
    this.reportChips(unclassified);
    span.setAttribute('dims.metrics', Object.keys(record.metrics).length);
    span.setAttribute('dims.targets_missing', missing);
    this.write([record]);
    span.end();
  }

  /** Chips the table does not know: counted per kind, warned about once each. */
  private reportChips(unclassified: UnclassifiedChip[]): void {
    const kinds = { cpu: new Set<string>(), accelerator: new Set<string>() } as Record<string, Set<string>>;
    for (const u of unclassified) {
      const k = `${u.vendor}/${u.model}`;
      kinds[u.kind]?.add(k);
      if (!this.warnedChips.has(`${u.kind}:${k}`)) {
        this.warnedChips.add(`${u.kind}:${k}`);
        this.d.log(
          'warn',
          `the chip table has no peak figures for ${u.kind} ${JSON.stringify(u.vendor)} ${JSON.stringify(u.model)}; ` +
            `it counts in inventory, not in PFLOPS (add it with extra_chips)`,
        );
      }
    }
    for (const [k, set] of Object.entries(kinds)) this.d.metrics.unclassifiedChips.set({ kind: k }, set.size);
  }

  private write(records: CenterRecord[]): void {
    this.noteOutbox(this.d.outbox.enqueue(records, this.d.clock.now()));
    for (const r of records) {
      this.recent.push(r);
      if (this.recent.length > 100) this.recent.shift();
      for (const fn of this.listeners) fn(r);
    }
    for (const s of this.d.senders) s.kick();
  }

  /** A full disk under the outbox: records are held in memory (bounded) and written when it takes them. */
  private noteOutbox(r: EnqueueResult): void {
    const { metrics, log, config } = this.d;
    if (r.error !== undefined) metrics.outboxWriteFailures.inc();
    if (r.held > 0 && !this.holding) {
      this.holding = true;
      log(
        'error',
        `outbox: the disk refuses writes (${r.error}); holding records in memory (at most ${config.outbox.maxMemoryRecords}) until it takes them`,
      );
    } else if (r.held === 0 && this.holding) {
      this.holding = false;
      log('info', `outbox: the disk takes writes again; ${r.added} held record(s) written`);
    }
    metrics.recordsBuilt.inc(r.added);
    if (r.dropped > 0) {
      metrics.recordsDropped.inc(r.dropped);
      log(
        'warn',
        r.held > 0
          ? `outbox: dropped the ${r.dropped} oldest record(s) held in memory (outbox.max_memory_records)`
          : `outbox full: dropped the ${r.dropped} oldest record(s)`,
      );
    }
  }
}
