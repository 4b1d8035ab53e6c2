/**
 * @module Re-buckets probe histograms onto the catalog's latency bounds: the interval's bucket increases of
 * each probed host (cumulative, Prometheus style, upper bounds in ms) become one count per catalog bucket.
 *
 * Where the source bounds are the catalog's (the documented prober setting) the counts are exact. Otherwise
 * the cumulative count at a catalog bound is interpolated linearly inside the source bucket holding it, as
 * Prometheus' histogram_quantile assumes; above the last finite source bound nothing is known, so those probes
 * stay in +Inf rather than being spread over buckets they may not belong to.
 */

/** One host's histogram increase over the interval: cumulative counts at finite upper bounds, and all probes. */
export interface ProbeHistogram {
  /** Finite upper bounds, ms, ascending. */
  boundsMs: number[];
  /** Probes answered within each bound (cumulative, same length as boundsMs). */
  cumulative: number[];
  /** Every probe, the +Inf bucket. */
  total: number;
}

/** Cumulative count of `h` at `x` ms. */
function cumulativeAt(h: ProbeHistogram, x: number): number {
  const b = h.boundsMs;
  let prevBound = 0;
  let prevCum = 0;
  for (let k = 0; k < b.length; k++) {
    if (x === b[k]) return h.cumulative[k]!;
    if (x < b[k]!) return prevCum + ((h.cumulative[k]! - prevCum) * (x - prevBound)) / (b[k]! - prevBound);
    prevBound = b[k]!;
    prevCum = h.cumulative[k]!;
  }
  return prevCum;
}

/**
 * Counts per catalog bucket (bounds.length + 1 entries, the last for +Inf), summed over hosts. The cumulative
 * sums are rounded before differencing, so counts are non-negative integers that add up to the probes sent.
 */
export function rebucket(hosts: readonly ProbeHistogram[], bounds: readonly number[]): number[] {
  const cum = bounds.map((x) => hosts.reduce((sum, h) => sum + Math.min(h.total, cumulativeAt(h, x)), 0));
  const total = Math.round(hosts.reduce((sum, h) => sum + h.total, 0));
  const counts: number[] = [];
  let below = 0;
  for (const c of cum) {
    // Cumulative counts never decrease; rounding each keeps them integral and monotone.
    const here = Math.min(total, Math.max(below, Math.round(c)));
    counts.push(here - below);
    below = here;
  }
  counts.push(total - below);
  return counts;
}
