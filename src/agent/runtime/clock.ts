/**
 * @module The agent's notion of time: real, or accelerated so a simulated day passes in minutes.
 *
 * Every timer in the agent (scrape rounds, deadlines, backoff, record closing) goes through a Clock,
 * so a factor of 60 makes a 1-minute scrape interval take one real second and every deadline shrink
 * with it. Record times are simulated times.
 */

export interface Clock {
  /** Current (simulated) time, ms since epoch. */
  now(): number;
  /** Calls fn after `ms` of simulated time; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** Wall-clock time. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

/**
 * Time that runs `factor` times faster than the wall clock, starting at `startMs` (default: now).
 * @example
 * const clock = acceleratedClock(1440, Date.parse('2026-01-01T00:00:00Z')); // a day per minute
 */
export function acceleratedClock(factor: number, startMs = Date.now()): Clock {
  if (!(factor > 0)) throw new Error(`time factor must be positive (got ${factor})`);
  const t0 = performance.now();
  return {
    now: () => Math.floor(startMs + (performance.now() - t0) * factor),
    setTimer(fn, ms) {
      const t = setTimeout(fn, Math.max(0, ms / factor));
      return () => clearTimeout(t);
    },
  };
}

/** Resolves after `ms` of clock time, or rejects when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
