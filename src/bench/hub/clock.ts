/**
 * @module The hub benchmark's clock, shared by its processes (hub, agents, orchestrator): simulated time starts at
 * `simStart` when the wall clock shows `wallStart`, runs at real speed until `fastFrom`, `factor` times faster until
 * `slowFrom`, then at real speed again. The first stretch measures the hub in its steady state; the second brings
 * the hour, day, month, quarter and year ends within the benchmark's time; the third measures the API while the
 * hub runs as it would.
 */

export interface ClockSpec {
  wallStart: number;
  simStart: number;
  /** Simulated time from which the clock runs `factor` times faster. */
  fastFrom: number;
  factor: number;
  /** Simulated time from which the clock runs at real speed again. */
  slowFrom: number;
}

/** Simulated time (ms) at wall time `wall`. */
export function simAt(c: ClockSpec, wall = Date.now()): number {
  const wallFast = c.wallStart + (c.fastFrom - c.simStart);
  const wallSlow = wallFast + (c.slowFrom - c.fastFrom) / c.factor;
  if (wall <= wallFast) return c.simStart + (wall - c.wallStart);
  if (wall <= wallSlow) return c.fastFrom + (wall - wallFast) * c.factor;
  return c.slowFrom + (wall - wallSlow);
}

/** Wall time (ms) at which the simulated clock reaches `sim`. */
export function wallAt(c: ClockSpec, sim: number): number {
  const wallFast = c.wallStart + (c.fastFrom - c.simStart);
  if (sim <= c.fastFrom) return c.wallStart + (sim - c.simStart);
  if (sim <= c.slowFrom) return wallFast + (sim - c.fastFrom) / c.factor;
  return wallFast + (c.slowFrom - c.fastFrom) / c.factor + (sim - c.slowFrom);
}

/** Resolves when the simulated clock reaches `sim`. */
export async function untilSim(c: ClockSpec, sim: number): Promise<void> {
  for (;;) {
    const wait = wallAt(c, sim) - Date.now();
    if (wait <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(wait, 1000)));
  }
}
