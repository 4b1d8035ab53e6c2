/**
 * @module `dims bench reports`: every province's monthly xlsx report for a 900-center fleet, timed and with
 * peak memory, beside the engine evaluation of the same month measured in the same run (the cost of the
 * values themselves, which the hub pays once when it closes the month).
 */
import { performance } from 'node:perf_hooks';
import { defaultCatalog } from '../catalog/load.ts';
import { evaluate, memorySource } from '../engine/evaluate.ts';
import { periodWindow } from '../engine/periods.ts';
import { syntheticFleet } from '../engine/synthetic.ts';
import { median, withPeakMemory, type BenchResult } from './table.ts';
import { engineInputs } from '../report/inputs.ts';
import { buildReport } from '../report/model.ts';
import { renderXlsx } from '../report/xlsx.ts';

const GENERATED_AT = '2026-11-01T03:30:00+08:00';

export async function benchReports(opts: {
  log: (s: string) => void;
  quick?: boolean;
  centers?: number;
}): Promise<BenchResult> {
  const log = opts.log;
  const centers = opts.centers ?? (opts.quick ? 200 : 900);
  const catalog = defaultCatalog();
  const window = periodWindow('month', '2026-10');
  log(`reports: generating ${centers} centers × 30 days`);
  const { registry, records } = syntheticFleet(catalog, { centers, days: 30, seed: 7, fromMs: window.fromMs });
  const provinces = catalog.provinces.map((p) => p.code).sort();

  // Baseline: one engine evaluation of the month.
  const source = memorySource(records);
  let t = performance.now();
  await evaluate({ catalog, registry, window, source });
  const evalMs = performance.now() - t;

  // Cold: values evaluated on first use (month, previous month, a year earlier), then 31 workbooks.
  const inputs = engineInputs({ catalog, registry, records });
  const perReport: number[] = [];
  let bytes = 0;
  t = performance.now();
  const { peakMiB } = await withPeakMemory(async () => {
    for (const p of provinces) {
      const r0 = performance.now();
      const model = await buildReport(inputs, { scope: p, period: '2026-10', generatedAt: GENERATED_AT });
      bytes += (await renderXlsx(model)).length;
      perReport.push(performance.now() - r0);
    }
  });
  const coldMs = performance.now() - t;

  // Warm: the same 31 reports with values already at hand (what the hub does: values are stored).
  const warm: number[] = [];
  t = performance.now();
  for (const p of provinces) {
    const r0 = performance.now();
    const model = await buildReport(inputs, { scope: p, period: '2026-10', generatedAt: GENERATED_AT });
    await renderXlsx(model);
    warm.push(performance.now() - r0);
  }
  const warmMs = performance.now() - t;
  log(
    `reports: 31 xlsx cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(0)} ms, engine month ${evalMs.toFixed(0)} ms, peak ${peakMiB.toFixed(0)} MiB, ${(bytes / 1024).toFixed(0)} KiB`,
  );
  return {
    name: 'reports',
    description: `${provinces.length} provincial monthly xlsx reports for ${centers} centers × 30 days`,
    figures: [
      {
        metric: `${provinces.length} monthly xlsx, cold (incl. evaluating 3 periods)`,
        value: coldMs,
        unit: 'ms',
        baseline: evalMs,
        baselineLabel: 'one engine evaluation of the month',
        ratio: coldMs / evalMs,
        goal: '≤ 10,000 ms',
        met: coldMs <= 10_000,
      },
      {
        metric: `${provinces.length} monthly xlsx, values at hand`,
        value: warmMs,
        unit: 'ms',
        baseline: evalMs,
        baselineLabel: 'one engine evaluation of the month',
        ratio: warmMs / evalMs,
      },
      { metric: 'one report, median (values at hand)', value: median(warm), unit: 'ms' },
      { metric: 'one report, median (cold run)', value: median(perReport), unit: 'ms' },
      {
        metric: 'peak memory (heap + external), cold run',
        value: peakMiB,
        unit: 'MiB',
        goal: '≤ 512 MiB',
        met: peakMiB <= 512,
      },
      { metric: 'total xlsx size', value: bytes / 1024, unit: 'KiB' },
    ],
    notes: [
      'Comparisons (previous month, a year earlier) are evaluated too; the synthetic fleet has no data for them, so they are empty.',
    ],
  };
}
