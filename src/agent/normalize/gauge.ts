/**
 * @module Gauges (power, temperature, utilization) turned into time-weighted interval statistics.
 *
 * Between two readings no further apart than `maxGapMs` the value is taken as linear; longer gaps
 * are not covered, so a mean is over the time actually observed and `covered` says how much that was.
 */

export interface GaugePoint {
  t: number;
  v: number;
}

export interface GaugeStats {
  /** ∫ v dt over the covered part of the interval, value·ms. */
  integral: number;
  /** Covered time, ms. */
  covered: number;
  /** integral / covered, undefined when nothing was covered. */
  mean: number | undefined;
  /** Highest value seen in the interval (readings and interpolated edges), undefined when none. */
  max: number | undefined;
}

export class GaugeSeries {
  points: GaugePoint[] = [];
  readonly maxGapMs: number;

  constructor(maxGapMs: number) {
    this.maxGapMs = maxGapMs;
  }

  add(t: number, v: number): void {
    if (!Number.isFinite(v)) return;
    const last = this.points.at(-1);
    if (last !== undefined && t <= last.t) return;
    this.points.push({ t, v });
  }

  /** Value at t: a reading at t or linear between readings around t; undefined in a gap. */
  valueAt(t: number): number | undefined {
    const pts = this.points;
    let lo = 0;
    let hi = pts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pts[mid]!.t < t) lo = mid + 1;
      else hi = mid;
    }
    const after = pts[lo];
    if (after !== undefined && after.t === t) return after.v;
    const before = pts[lo - 1];
    if (before === undefined || after === undefined || after.t - before.t > this.maxGapMs) return undefined;
    return before.v + ((t - before.t) / (after.t - before.t)) * (after.v - before.v);
  }

  stats(start: number, end: number): GaugeStats {
    return integrate(this.points, this.maxGapMs, start, end);
  }

  prune(t: number): void {
    let i = 0;
    while (i + 1 < this.points.length && this.points[i + 1]!.t <= t) i++;
    if (i > 0) this.points.splice(0, i);
  }

  get lastT(): number | undefined {
    return this.points.at(-1)?.t;
  }
}

/** Trapezoidal integral of a piecewise-linear series over [start, end), skipping gaps. */
export function integrate(pts: readonly GaugePoint[], maxGapMs: number, start: number, end: number): GaugeStats {
  let integral = 0;
  let covered = 0;
  let max: number | undefined;
  const seeMax = (v: number) => {
    if (max === undefined || v > max) max = v;
  };
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    if (p.t >= start && p.t < end) seeMax(p.v);
    const q = pts[i + 1];
    if (q === undefined || q.t - p.t > maxGapMs) continue;
    const a = Math.max(start, p.t);
    const b = Math.min(end, q.t);
    if (a >= b) continue;
    const slope = (q.v - p.v) / (q.t - p.t);
    const va = p.v + slope * (a - p.t);
    const vb = p.v + slope * (b - p.t);
    integral += ((va + vb) / 2) * (b - a);
    covered += b - a;
    seeMax(va);
    // The open end is the next interval's; a reading exactly at `end` is not this interval's maximum.
    if (b < end) seeMax(vb);
  }
  return { integral, covered, mean: covered > 0 ? integral / covered : undefined, max };
}

/**
 * Combines several series point-wise at the union of their reading times (e.g. the sum of all facility
 * meters' power, or the number of racks above a threshold). A time where any input is unknown is skipped.
 */
export function combine(
  series: readonly GaugeSeries[],
  start: number,
  end: number,
  fn: (values: number[]) => number,
  maxGapMs: number,
): GaugePoint[] {
  const times = new Set<number>();
  for (const s of series) {
    for (const p of s.points) if (p.t >= start - maxGapMs && p.t <= end + maxGapMs) times.add(p.t);
  }
  const out: GaugePoint[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const values: number[] = [];
    let ok = true;
    for (const s of series) {
      const v = s.valueAt(t);
      if (v === undefined) {
        ok = false;
        break;
      }
      values.push(v);
    }
    if (ok) out.push({ t, v: fn(values) });
  }
  return out;
}
