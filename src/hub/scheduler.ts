/**
 * @module The engine's schedule: the rolling real-time window every minute; hours, days, months, quarters
 * and years closed at their boundaries in the hub's time zone (a few minutes late, so the last interval's
 * records can arrive); late records' dirty periods recomputed; storage retention enforced once an hour.
 * Checkpoints in the state DB make a restart pick up where the hub left off: every period closed while it
 * was down is computed (up to max_catch_up).
 *
 * The schedule follows the hub's clock (`ctx.now`), looked at every `tickMs` of wall time, so a benchmark
 * can run it on a compressed clock. The real-time window and the closes run on two tracks: a close or a
 * long recompute (which builds roll-ups in steps that yield) never holds up the next minute's window.
 */
import { periodName, previousPeriod, shiftPeriod, type PeriodKindName } from '../model/periods.ts';
import { isStorageUnavailable } from '../storage/errors.ts';
import type { HubContext } from './context.ts';

export interface TickResult {
  realtime?: string;
  closed: Array<{ kind: PeriodKindName; period: string }>;
  recomputed: Array<{ kind: PeriodKindName; period: string }>;
}

export interface SchedulerOptions {
  /** How often (wall ms) the clock is looked at; default 1000. A compressed clock needs less. */
  tickMs?: number;
}

export class Scheduler {
  private readonly ctx: HubContext;
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | undefined;
  private lastMinute = -1;
  private lastRetentionHour = '';
  private realtime: Promise<unknown> | undefined;
  private work: Promise<unknown> | undefined;
  /** Called after each period recomputed for late records (the hub rewrites that period's reports). */
  onRecomputed: ((kind: PeriodKindName, period: string) => Promise<unknown>) | undefined;

  constructor(ctx: HubContext, o: SchedulerOptions = {}) {
    this.ctx = ctx;
    this.tickMs = o.tickMs ?? 1000;
  }

  /** Starts looking at the clock, and catches up on periods closed while the hub was down. */
  start(): void {
    if (this.timer) return;
    this.lastMinute = Math.floor(this.ctx.now() / 60_000);
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
    this.kickWork('catch-up');
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([this.realtime, this.work]);
    await this.ctx.engine.idle();
  }

  /** Each new minute of the hub's clock: the real-time window, and (on its own track) closes and recomputes. */
  private tick(): void {
    const minute = Math.floor(this.ctx.now() / 60_000);
    if (minute === this.lastMinute) return;
    this.lastMinute = minute;
    if (!this.realtime) {
      this.realtime = this.ctx.engine
        .runRealtime(minute * 60_000)
        .catch((err) => this.report('realtime', err))
        .finally(() => {
          this.realtime = undefined;
        });
    }
    this.kickWork('close');
  }

  /** Closes what is due, recomputes dirty periods, enforces retention; skipped while the last pass runs. */
  private kickWork(name: string): void {
    if (this.work) return; // the next minute's tick picks up whatever is left
    this.work = this.closeDue()
      // Once started and caught up, the open day and month are read into their running folds (rollups.ts).
      .then(() => (name === 'catch-up' ? this.ctx.engine.rollups.prime(this.ctx.config.engine.kinds) : undefined))
      .then(() => this.retention())
      .catch((err) => this.report(name, err))
      .finally(() => {
        this.work = undefined;
      });
  }

  private report(what: string, err: unknown): void {
    const msg = (err as Error)?.message ?? String(err);
    this.ctx.log(
      isStorageUnavailable(err) ? 'warn' : 'error',
      `engine ${what}: ${msg}${isStorageUnavailable(err) ? ' (will retry)' : ''}`,
    );
  }

  /**
   * Once an hour of the hub's clock: storage drops what its tiers no longer keep, and the state DB forgets
   * the roll-ups that went with it.
   */
  async retention(nowMs = this.ctx.now()): Promise<{ deleted: number } | undefined> {
    const tz = this.ctx.config.timezone;
    const hour = periodName('hour', nowMs, tz);
    if (hour === this.lastRetentionHour) return undefined;
    this.lastRetentionHour = hour;
    const { storage, state } = this.ctx;
    const r = await storage.enforceRetention(nowMs);
    const keep = storage.retention;
    if (Number.isFinite(keep.recent)) state.forgetRollups('hour', periodName('hour', nowMs - keep.recent, tz));
    if (Number.isFinite(keep.long_term)) {
      state.forgetRollups('day', periodName('day', nowMs - keep.long_term, tz));
      state.forgetRollups('month', periodName('month', nowMs - keep.long_term, tz));
    }
    return r;
  }

  /** The real-time window, then any dirty periods. */
  async minute(nowMs = this.ctx.now()): Promise<TickResult> {
    const r = await this.ctx.engine.runRealtime(nowMs);
    const recomputed = await this.recomputeDirty();
    return { realtime: r.period, closed: [], recomputed };
  }

  /** The newest period of `kind` that is closed at `nowMs` (boundary plus the close delay passed). */
  latestClosed(kind: PeriodKindName, nowMs: number): string {
    const tz = this.ctx.config.timezone;
    return previousPeriod(kind, periodName(kind, nowMs - this.ctx.config.engine.close_delay_minutes * 60_000, tz), tz);
  }

  /**
   * Computes every period closed since its kind's checkpoint (the latest only, on first start), advancing
   * the checkpoint after each, so a crash mid-way resumes with the next one.
   */
  async closeDue(
    nowMs = this.ctx.now(),
    onClosed?: (kind: PeriodKindName, period: string) => void,
  ): Promise<TickResult> {
    const { state, config, engine } = this.ctx;
    const tz = config.timezone;
    const closed: TickResult['closed'] = [];
    for (const kind of config.engine.kinds) {
      const latest = this.latestClosed(kind, nowMs);
      const cp = state.checkpoint(kind);
      if (cp !== undefined && cp >= latest) continue;
      let next = cp === undefined ? latest : shiftPeriod(kind, cp, 1, tz);
      // Bounded catch-up: after a long outage the oldest missed periods are skipped (recompute by admin).
      const oldest = shiftPeriod(kind, latest, -(config.engine.max_catch_up - 1), tz);
      if (next < oldest) {
        this.ctx.log(
          'warn',
          `engine: ${kind} periods ${next} … ${previousPeriod(kind, oldest, tz)} were missed and are not caught ` +
            `up (max_catch_up ${config.engine.max_catch_up}); use POST /api/v1/admin/recompute`,
        );
        next = oldest;
      }
      for (let p = next; p <= latest; p = shiftPeriod(kind, p, 1, tz)) {
        await engine.runPeriod(kind, p);
        state.setCheckpoint(kind, p, this.ctx.now());
        closed.push({ kind, period: p });
        onClosed?.(kind, p);
      }
    }
    const recomputed = await this.recomputeDirty();
    return { closed, recomputed };
  }

  /** Recomputes periods that late records touched; a mark set again meanwhile stays for the next pass. */
  async recomputeDirty(): Promise<TickResult['recomputed']> {
    const done: TickResult['recomputed'] = [];
    for (const d of this.ctx.state.dirtyPeriods()) {
      const kind = d.kind as PeriodKindName;
      await this.ctx.engine.runPeriod(kind, d.period);
      this.ctx.state.clearDirty(d.kind, d.period, d.generation);
      done.push({ kind, period: d.period });
      await this.onRecomputed?.(kind, d.period);
    }
    this.ctx.metrics.dirtyPeriods.set(this.ctx.state.dirtyPeriods().length);
    return done;
  }
}
