/**
 * @module The engine's schedule: the rolling real-time window every minute; hours, days, months, quarters
 * and years closed at their boundaries in the hub's time zone (a few minutes late, so the last interval's
 * records can arrive); late records' dirty periods recomputed. Checkpoints in the state DB make a restart
 * pick up where the hub left off: every period closed while it was down is computed (up to max_catch_up).
 */
import cron, { type ScheduledTask } from 'node-cron';
import { periodName, previousPeriod, shiftPeriod, type PeriodKindName } from '../engine/periods.ts';
import { isStorageUnavailable } from '../storage/errors.ts';
import type { HubContext } from './context.ts';

export interface TickResult {
  realtime?: string;
  closed: Array<{ kind: PeriodKindName; period: string }>;
  recomputed: Array<{ kind: PeriodKindName; period: string }>;
}

export class Scheduler {
  private readonly ctx: HubContext;
  private tasks: ScheduledTask[] = [];
  private running: Promise<unknown> | undefined;
  /** Called after each period recomputed for late records (the hub rewrites that period's reports). */
  onRecomputed: ((kind: PeriodKindName, period: string) => Promise<unknown>) | undefined;

  constructor(ctx: HubContext) {
    this.ctx = ctx;
  }

  /** Starts the cron tasks and catches up on periods closed while the hub was down. */
  start(): void {
    const tz = this.ctx.config.timezone;
    const delay = this.ctx.config.engine.close_delay_minutes;
    const guarded = (name: string, fn: () => Promise<unknown>) => async () => {
      if (this.running) return; // the previous run is still going: skip, the next tick catches up
      this.running = fn()
        .catch((err) => this.report(name, err))
        .finally(() => {
          this.running = undefined;
        });
      await this.running;
    };
    this.tasks.push(
      cron.schedule(
        '* * * * *',
        guarded('minute', () => this.minute()),
        { timezone: tz, name: 'dims-realtime', noOverlap: true },
      ),
    );
    // Every close happens at an hour boundary of the zone; closing runs `delay` minutes after it.
    this.tasks.push(
      cron.schedule(
        `${delay} * * * *`,
        guarded('close', () => this.closeDue()),
        { timezone: tz, name: 'dims-close', noOverlap: true },
      ),
    );
    void guarded('catch-up', () => this.closeDue())();
  }

  async stop(): Promise<void> {
    for (const t of this.tasks) await t.destroy();
    this.tasks = [];
    await this.running;
    await this.ctx.engine.idle();
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
  async closeDue(nowMs = this.ctx.now()): Promise<TickResult> {
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
