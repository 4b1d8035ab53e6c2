/**
 * @module Cumulative counters (energy, water, CPU seconds) turned into exact interval deltas: resets
 * and meter replacement handled, gaps reported as unknown instead of filled.
 *
 * Readings are kept as a continuous cumulative value `c` within a *segment*. A device restart (the
 * counter drops to a small value) keeps the segment: `c` continues from the last reading, as
 * Prometheus' increase() does. A meter replacement (the serial changes, or a drop/jump no plausible
 * load explains) starts a new segment: what was consumed between the two readings is unknown, so any
 * interval whose boundaries straddle it has no delta. The value at an interval boundary is
 * interpolated between the readings just before and after it, so consecutive deltas add up exactly
 * (the boundary value is shared) and a month of deltas equals the meter's increase.
 */

export interface CounterPoint {
  t: number;
  /** Continuous cumulative value within the segment. */
  c: number;
  /** The raw reading, for reset detection. */
  raw: number;
  seg: number;
}

export interface CounterOptions {
  /** Readings further apart than this never bridge a boundary (ms). */
  maxGapMs: number;
  /** Highest plausible rate (units per ms), e.g. rated kW / 3.6e6 for kWh; undefined = learn from readings. */
  maxRatePerMs?: number;
}

/** Why a reading was not taken as a continuation; counted by the caller for self-metrics. */
export type Discontinuity = 'reset' | 'replacement' | null;

/** One counter series (one meter register, one PSU's kWh, one host's CPU seconds). */
export class CounterSeries {
  private points: CounterPoint[] = [];
  private seg = 0;
  private identity: string | undefined;
  private readonly opts: CounterOptions;

  constructor(opts: CounterOptions) {
    this.opts = opts;
  }

  /** Adds a reading; returns what discontinuity, if any, it revealed. Out-of-order readings are ignored. */
  add(t: number, raw: number, identity?: string): Discontinuity {
    if (!Number.isFinite(raw) || raw < 0) return null;
    const last = this.points.at(-1);
    if (last !== undefined && t <= last.t) return null;
    let kind: Discontinuity = null;
    if (last === undefined) {
      this.push(t, raw, raw);
    } else if (identity !== undefined && this.identity !== undefined && identity !== this.identity) {
      kind = 'replacement';
      this.seg++;
      this.push(t, raw, raw);
    } else {
      const dt = t - last.t;
      const inc = raw - last.raw;
      // Float noise in a device's own conversions is not a reset.
      const noise = 1e-9 * Math.max(1, Math.abs(last.raw));
      const limit = this.plausibleIncrease(dt);
      if (inc >= -noise) {
        if (limit !== undefined && inc > limit) {
          kind = 'replacement';
          this.seg++;
          this.push(t, raw, raw);
        } else {
          this.push(t, last.c + Math.max(0, inc), raw);
        }
      } else if (limit !== undefined && raw <= limit) {
        // Restarted from zero: what it counted since is real consumption.
        kind = 'reset';
        this.push(t, last.c + raw, raw);
      } else {
        // A drop to a value no plausible load since the last reading explains: a different meter.
        kind = 'replacement';
        this.seg++;
        this.push(t, raw, raw);
      }
    }
    if (identity !== undefined) this.identity = identity;
    return kind;
  }

  private push(t: number, c: number, raw: number): void {
    this.points.push({ t, c, raw, seg: this.seg });
  }

  /** The most a counter can plausibly grow in dt: configured rate, else 20x the fastest recent rate. */
  private plausibleIncrease(dt: number): number | undefined {
    if (this.opts.maxRatePerMs !== undefined) return this.opts.maxRatePerMs * dt * 1.5;
    let best: number | undefined;
    const pts = this.points;
    for (let i = Math.max(1, pts.length - 8); i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      if (a.seg !== b.seg || b.t - a.t > this.opts.maxGapMs) continue;
      const r = (b.c - a.c) / (b.t - a.t);
      if (best === undefined || r > best) best = r;
    }
    // Without any observed rate (or an idle meter) nothing is implausible but a drop, which is then
    // taken as a replacement: an unknown delta is better than an invented one.
    if (best === undefined || best <= 0) return undefined;
    return best * dt * 20;
  }

  /** Value at `t`: a reading at t, or interpolated between readings around t in one segment. */
  valueAt(t: number): { c: number; seg: number } | undefined {
    const pts = this.points;
    // Binary search for the first point with p.t >= t.
    let lo = 0;
    let hi = pts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pts[mid]!.t < t) lo = mid + 1;
      else hi = mid;
    }
    const after = pts[lo];
    if (after !== undefined && after.t === t) return { c: after.c, seg: after.seg };
    const before = pts[lo - 1];
    if (before === undefined || after === undefined) return undefined;
    if (before.seg !== after.seg || after.t - before.t > this.opts.maxGapMs) return undefined;
    const f = (t - before.t) / (after.t - before.t);
    return { c: before.c + f * (after.c - before.c), seg: before.seg };
  }

  /** Increase over [start, end), or undefined when either boundary is unknown or a replacement lies between. */
  delta(start: number, end: number): number | undefined {
    const a = this.valueAt(start);
    const b = this.valueAt(end);
    if (a === undefined || b === undefined || a.seg !== b.seg) return undefined;
    return Math.max(0, b.c - a.c);
  }

  /** Drops readings older than `t`, keeping the last one before it (needed to interpolate at t). */
  prune(t: number): void {
    let i = 0;
    while (i + 1 < this.points.length && this.points[i + 1]!.t <= t) i++;
    if (i > 0) this.points.splice(0, i);
  }

  get size(): number {
    return this.points.length;
  }

  /** Time of the newest reading. */
  get lastT(): number | undefined {
    return this.points.at(-1)?.t;
  }
}
