/** @module Data traffic: WAN uplink octets in and out over the interval, in TB. */
import type { MetricFamily } from './family.ts';
import { select } from './interval.ts';

/** Bytes per TB: traffic is reported in decimal units. */
const BYTES_PER_TB = 1e12;

const DIRECTIONS = [
  ['in', 'traffic_in_tb'],
  ['out', 'traffic_out_tb'],
] as const;

export const traffic: MetricFamily = {
  name: 'data traffic',
  build(iv) {
    const list = iv.bindings('traffic');
    for (const [direction, metric] of DIRECTIONS) {
      const bytes = iv.additive(list, (tr, b) =>
        iv.counterSum(select(tr.counters.values(), 'octets', b, false).filter((c) => c.labels.direction === direction)),
      );
      if (bytes !== undefined) iv.set(metric, bytes / BYTES_PER_TB);
    }
  },
};
