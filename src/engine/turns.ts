/**
 * @module Turns of the event loop during a long evaluation: a hub evaluating 10,000 centers (seconds of work)
 * still answers its requests, between slices of a few milliseconds, instead of after the whole run.
 */

/** Work between two turns: short enough for a request's answer to wait little, long enough to cost nothing. */
const SLICE_MS = 8;

/** Gives the event loop a turn (setImmediate: pending I/O runs first) once a slice of work has passed. */
export class Turns {
  private last = performance.now();

  /** Whether a slice has passed since the last turn (cheap: call it between small steps). */
  due(): boolean {
    return performance.now() - this.last >= SLICE_MS;
  }

  /** Lets the event loop run, then starts the next slice. */
  async take(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}
