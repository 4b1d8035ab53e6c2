/**
 * @module Progress of a long phase of the demo's start (backfill, closing periods, starting agents): counts and an
 * estimate of the time left, as one live line on a terminal and as a line every few seconds in a log.
 */

/** Where progress goes: `log` writes a line; `live` replaces the terminal's current line (only when `tty`). */
export interface Reporter {
  tty: boolean;
  log(line: string): void;
  live(line: string): void;
}

/** Seconds as the estimate shows them: "8 s", "2 min 5 s". */
export function formatSeconds(s: number): string {
  const r = Math.max(0, Math.round(s));
  return r < 60 ? `${r} s` : `${Math.floor(r / 60)} min ${r % 60} s`;
}

export class Progress {
  private readonly started: number;
  private lastShown = -Infinity;
  private readonly phase: string;
  private readonly total: number;
  private readonly unit: string;
  private readonly out: Reporter;
  private readonly everyMs: number;
  private readonly now: () => number;

  /** `everyMs`: how often a log (not a terminal) gets a line. */
  constructor(
    phase: string,
    total: number,
    unit: string,
    out: Reporter,
    opts: { everyMs?: number; now?: () => number } = {},
  ) {
    this.phase = phase;
    this.total = total;
    this.unit = unit;
    this.out = out;
    this.everyMs = opts.everyMs ?? 10_000;
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** The line for `done` of `total`, with what else the caller counts (`detail`) and the time left. */
  line(done: number, detail?: string): string {
    const elapsed = (this.now() - this.started) / 1000;
    const left =
      done > 0 && done < this.total ? ` · about ${formatSeconds((elapsed / done) * (this.total - done))} left` : '';
    return `${this.phase}: ${done}/${this.total} ${this.unit}${detail ? `, ${detail}` : ''}${left}`;
  }

  /** Reports that `done` of the total are done. */
  update(done: number, detail?: string): void {
    const t = this.now();
    const gap = this.out.tty ? 200 : this.everyMs;
    if (t - this.lastShown < gap && done < this.total) return;
    this.lastShown = t;
    if (this.out.tty) this.out.live(this.line(done, detail));
    else if (done < this.total) this.out.log(this.line(done, detail));
  }

  /** Ends the phase with a summary line (the live line is replaced by it). */
  finish(summary: string): void {
    this.out.log(`${this.phase}: ${summary} (${formatSeconds((this.now() - this.started) / 1000)})`);
  }
}
