/**
 * @module A simulated clock shared by every device of a simulation: simulated time runs `factor` times faster
 * than wall time from `startMs`, so a day of simulated time can pass in minutes.
 */

export interface SimClockOptions {
  /** Simulated epoch ms at the moment the clock is created (default: now). */
  startMs?: number;
  /** Simulated seconds per wall second (default 1). */
  factor?: number;
  /** Wall-clock source (default Date.now); tests pass a fake one. */
  wall?: () => number;
}

/** A monotonic simulated clock. `now()` is what protocol servers pass to `SimDevice.read`. */
export class SimClock {
  readonly startMs: number;
  readonly factor: number;
  private readonly wall: () => number;
  private readonly wallStart: number;

  constructor(options: SimClockOptions = {}) {
    const factor = options.factor ?? 1;
    if (!(factor > 0) || !Number.isFinite(factor))
      throw new Error(`clock factor must be a positive number (got ${JSON.stringify(options.factor)})`);
    this.wall = options.wall ?? Date.now;
    this.wallStart = this.wall();
    this.startMs = options.startMs ?? this.wallStart;
    this.factor = factor;
  }

  /** Simulated epoch ms now. */
  now(): number {
    return this.startMs + (this.wall() - this.wallStart) * this.factor;
  }

  /** Wall-clock ms until the simulated clock reaches `simMs` (0 when already past). */
  wallDelayUntil(simMs: number): number {
    return Math.max(0, (simMs - this.now()) / this.factor);
  }

  /** Resolves when the simulated clock reaches `simMs`. */
  async until(simMs: number, signal?: AbortSignal): Promise<void> {
    const { setTimeout: sleep } = await import('node:timers/promises');
    while (this.now() < simMs) {
      await sleep(Math.max(1, Math.ceil(this.wallDelayUntil(simMs))), undefined, { signal });
    }
  }

  /** Calls `fn` after `ms` of simulated time; returns a cancel function (the agent's Clock shape). */
  setTimer(fn: () => void, ms: number): () => void {
    const t = setTimeout(fn, Math.max(0, ms / this.factor));
    return () => clearTimeout(t);
  }

  /** The clock as a plain function, the shape the protocol servers take. */
  get fn(): () => number {
    return () => this.now();
  }
}
