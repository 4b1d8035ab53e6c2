/**
 * @module Percentiles of merged latency histograms (as Prometheus' histogram_quantile does).
 *
 * Upper levels add bucket counts and take the quantile of the merged histogram: averaging p95s,
 * or taking their maximum, would be wrong.
 */

/**
 * The q-quantile of a histogram with upper `bounds` and `counts` (one extra count for +Inf), by linear
 * interpolation inside the bucket; a quantile in the +Inf bucket is the last finite bound.
 * Undefined for an empty histogram.
 */
export function mergedQuantile(bounds: number[], counts: number[], q: number): number | undefined {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return undefined;
  const rank = q * total;
  let cum = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (cum + c >= rank && c > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      return lower + ((upper - lower) * (rank - cum)) / c;
    }
    cum += c;
  }
  return bounds[bounds.length - 1];
}
