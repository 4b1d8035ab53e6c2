/**
 * @module The engine's schedule, on the hub's clock: the rolling real-time window every minute; hours, days, months, quarters
 * and years closed at their boundaries in the hub's time zone (a few minutes late, so the last interval's
 * records can arrive); late records' dirty periods recomputed. Checkpoints in the state DB make a restart
 * pick up where the hub left off: every period closed while it was down is computed (up to max_catch_up).
 */
import { periodName, previousPeriod, shiftPeriod, type PeriodKindName } from '../engine/periods.ts';
import { isStorageUnavailable } from '../storage/errors.ts';
import type { HubContext } from './context.ts';

export interface TickResult {
  realtime?: string;
  closed: Array<{ kind: PeriodKindName; period: string }>;
  recomputed: Array<{ kind: PeriodKindName; period: string }>;
}

const MINUTE = 60_000;

export class Scheduler {
  private readonly ctx: HubContext;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /** The close delay's hour (see closeHour) when periods were last closed. */
  private closedAt: string | undefined;
  /** Called after each period recomputed for late records (the hub rewrites that period's reports). */
  onRecomputed: ((kind: PeriodKindName, period: string) => Promise<unknown>) | undefined;

  constructor(ctx: HubContext) {
    this.ctx = ctx;
  }

  /**
   * Starts the schedule on the hub's clock (`ctx.now`, which a demo may set to another instant): the real-time window
   * at every minute boundary, closes once an hour `close_delay_minutes` after the zone's hour boundary. Catches up on
   * periods closed while the hub was down first. A tick that comes while the previous one still runs is skipped (the
   * next one catches up).
   */
  start(): void {
    if (this.timer !== undefined) return;
    const arm = () => {
      this.timer = setTimeout(tick, MINUTE - (((this.ctx.now() % MINUTE) + MINUTE) % MINUTE) + 5);
    };
    const tick = () => {
      arm();
      if (this.running) return;
      const now = this.ctx.now();
      this.running = (async () => {
        await this.guard('minute', () => this.minute(now));
        if (this.closeHour(now) !== this.closedAt) await this.guard('close', () => this.closeDue(now));
      })().finally(() => {
        this.running = undefined;
      });
    };
    arm();
    const now = this.ctx.now();
    this.running = this.guard('catch-up', () => this.closeDue(now)).finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.ctx.engine.idle();
  }

  /** The hour (of the zone) that `nowMs` falls in once the close delay is taken off: closes run when it changes. */
  private closeHour(nowMs: number): string {
    return periodName('hour', nowMs - this.ctx.config.engine.close_delay_minutes * MINUTE, this.ctx.config.timezone);
  }

  private async guard(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.report(what, err);
    }
  }

  private report(what: string, err: unknown): void {
    const msg = (err as Error)?.message ?? String(err);
    this.ctx.log(
      isStorageUnavailable(err) ? 'warn' : 'error',
      `engine ${what}: ${msg}${isStorageUnavailable(err) ? ' (will retry)' : ''}`,
    );
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
    this.closedAt = this.closeHour(nowMs);
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
          `engine: ${kind} periods ${next} … ${previousPeriod(kind, oldest, tz)} were missed and are not caught up (max_catch_up ${config.engine.max_catch_up}); use POST /api/v1/admin/recompute`,
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
