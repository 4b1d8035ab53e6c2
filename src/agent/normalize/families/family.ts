/** @module What every metric family of a center record implements: read one interval, add its metrics. */
import type { Interval } from './interval.ts';

export interface MetricFamily {
  /** What the family measures, for docs and errors. */
  readonly name: string;
  /** Adds the family's metrics to `iv` (and marks the targets it could not read as missing). */
  build(iv: Interval): void;
}
