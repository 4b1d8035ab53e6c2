/**
 * @module Scaling a center's metrics from a scaled model to the whole center: a simulated center whose devices are a
 * 1:N model of it reports N times every extensive quantity (energies, water, traffic, peak power, racks, inventory,
 * device- and core-hours, PFLOPS); temperatures, times, flags and incident counts stay as they are.
 */
import type { Catalog } from '../catalog/types.ts';

/** Units of raw metrics that grow with the size of a center (indicators/raw-metrics.yaml). */
const EXTENSIVE_UNITS = new Set([
  'kWh',
  'kW',
  'm3',
  'L',
  'TB',
  'racks',
  'servers',
  'devices',
  'PFLOPS',
  'PFLOPS·h',
  'device·h',
  'core·h',
]);
/** Multiplies every extensive metric of `metrics` by `n` (an integer: counts stay whole), in place; returns it. */
export function scaleMetrics<M extends Record<string, number | boolean>>(catalog: Catalog, metrics: M, n: number): M {
  if (n === 1) return metrics;
  for (const id in metrics) {
    const unit = catalog.metricById.get(id)?.unit;
    const v = metrics[id];
    if (typeof v !== 'number' || unit === undefined || !EXTENSIVE_UNITS.has(unit)) continue;
    (metrics as Record<string, number | boolean>)[id] = v * n;
  }
  return metrics;
}
