/**
 * @module `dims bench engine`: a month of daily records for 1,000 and 10,000 centers, evaluated for the
 * month, against a floor measured in the same run (one tight pass that only sums the same input fields).
 */
import { performance } from 'node:perf_hooks';
import { defaultCatalog } from '../catalog/load.ts';
import { evaluate } from '../engine/evaluate.ts';
import { syntheticFleet } from '../engine/synthetic.ts';
import { periodWindow } from '../model/periods.ts';
import { median, withPeakMemory, type BenchFigure, type BenchResult } from './table.ts';
import type { ParsedRecord } from '../model/records.ts';

/** The floor: the least work any evaluation must do, touching every input field once. */
export function floorPass(records: ParsedRecord[]): number {
  const acc: Record<string, number> = Object.create(null);
  let hist = 0;
  for (const r of records) {
    const m = r.metrics;
    for (const k in m) acc[k] = (acc[k] ?? 0) + m[k]!;
    if (r.histograms) for (const k in r.histograms) for (const c of r.histograms[k]!.counts) hist += c;
  }
  let s = hist;
  for (const k in acc) s += acc[k]!;
  return s;
}

export async function benchEngine(
  opts: { sizes?: number[]; runs?: number; log?: (s: string) => void } = {},
): Promise<BenchResult> {
  const sizes = opts.sizes ?? [1000, 10000];
  const runs = opts.runs ?? 5;
  const log = opts.log ?? (() => {});
  const catalog = defaultCatalog();
  const window = periodWindow('month', '2026-10');
  const days = 30;
  const figures: BenchFigure[] = [];
  const timeBySize = new Map<number, number>();
  for (const n of sizes) {
    log(`engine: generating ${n} centers × ${days} days`);
    const { registry, records } = syntheticFleet(catalog, { centers: n, days, seed: 42, fromMs: window.fromMs });
    const source = { records: async () => records, declarationsBefore: async () => [] };
    const evalTimes: number[] = [];
    const floorTimes: number[] = [];
    let peak = 0;
    let sink = 0;
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      sink += floorPass(records);
      floorTimes.push(performance.now() - t);
      t = performance.now();
      const { result, peakMiB } = await withPeakMemory(() => evaluate({ catalog, registry, window, source }));
      evalTimes.push(performance.now() - t);
      peak = Math.max(peak, peakMiB);
      sink += result.length;
    }
    if (sink === 0) log('engine: empty result');
    const evalMs = median(evalTimes);
    const floorMs = median(floorTimes);
    timeBySize.set(n, evalMs);
    log(`engine: ${n} centers: ${evalMs.toFixed(1)} ms (floor ${floorMs.toFixed(1)} ms)`);
    const last = n === sizes[sizes.length - 1];
    figures.push(
      {
        metric: `eval time, ${n} centers (${records.length.toLocaleString('en-US')} records), median of ${runs}`,
        value: evalMs,
        unit: 'ms',
        baseline: floorMs,
        baselineLabel: 'floor: sum the fields',
        ratio: evalMs / floorMs,
        ...(last ? { goal: '≤ 3× floor', met: evalMs / floorMs <= 3 } : {}),
      },
      { metric: `records per second, ${n} centers`, value: (records.length / evalMs) * 1000, unit: 'records/s' },
      { metric: `peak memory during evaluation, ${n} centers`, value: peak, unit: 'MiB' },
    );
  }
  if (sizes.length >= 2) {
    const a = timeBySize.get(sizes[0]!)!;
    const b = timeBySize.get(sizes[sizes.length - 1]!)!;
    const growth = b / a;
    figures.push({
      metric: `growth: ${sizes[sizes.length - 1]} / ${sizes[0]} centers eval time`,
      value: growth,
      unit: '×',
      goal: '≤ 12',
      met: growth <= 12,
    });
  }
  return { name: 'engine', description: 'Month of daily records evaluated for every level', figures };
}
