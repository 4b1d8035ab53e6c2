/**
 * @module Builds one center record for [start, end) from the targets' readings and their roles: one module per
 * metric family under families/, each behind the MetricFamily interface, run in a fixed order.
 *
 * Rules (see README "What a record says"):
 * - additive metrics (energy, water, core-hours) are emitted only when every contributing target has
 *   a measured delta; otherwise the metric is absent and the targets are listed as missing. A partial
 *   sum would be a wrong number, and the engine treats an absent metric as "no data", never as 0.
 * - gauges are time-weighted over the time actually observed.
 * - snapshots (inventory, peak PFLOPS) use each inventory target's latest inventory.
 * - accelerator device-hours count the time each device was observed, so busy/available stays a
 *   ratio over the same devices even when an exporter misses a scrape.
 */
import type { CenterRecord } from '../../model/records.ts';
import type { MetricFamily } from './families/family.ts';
import { Interval, type BuildContext, type UnclassifiedChip } from './families/interval.ts';
import { energy } from './families/energy.ts';
import { traffic } from './families/traffic.ts';
import { latency } from './families/latency.ts';
import { inletTemperature, powerPeak } from './families/power.ts';
import { racks } from './families/racks.ts';
import { acceleratorUsage, cpuUsage } from './families/compute.ts';
import { inventory } from './families/inventory.ts';

/** The metric families of a center record, in the order their metrics appear in it. */
export const FAMILIES: readonly MetricFamily[] = [
  energy,
  traffic,
  latency,
  powerPeak,
  inletTemperature,
  racks,
  cpuUsage,
  acceleratorUsage,
  inventory,
];

export interface BuildResult {
  record: CenterRecord;
  /** Chips the table did not know, for self-metrics and a one-time warning. */
  unclassified: UnclassifiedChip[];
}

/** Builds the record of [start, end): every family reads the interval, then the record says what was missing. */
export function buildRecord(ctx: BuildContext, start: number, end: number): BuildResult {
  const iv = new Interval(ctx, start, end);
  for (const family of FAMILIES) family.build(iv);
  const record: CenterRecord = {
    center: ctx.config.center,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    metrics: iv.metrics,
    ...(Object.keys(iv.histograms).length > 0 ? { histograms: iv.histograms } : {}),
    quality: {
      targets_expected: ctx.targets.size,
      targets_missing: [...iv.missing].sort(),
      ...(iv.estimated.size > 0 ? { estimated: [...iv.estimated].sort() } : {}),
    },
  };
  return { record, unclassified: iv.unclassified };
}
