/**
 * @module What every benchmark returns and how it is printed: figures beside a baseline measured in the same run.
 */

/** One measured figure; `baseline` is measured in the same run, `ratio` = value / baseline. */
export interface BenchFigure {
  metric: string;
  value: number;
  unit: string;
  baseline?: number;
  baselineLabel?: string;
  ratio?: number;
  /** Human-readable goal, e.g. "≤ 3× floor". */
  goal?: string;
  /** Whether the goal was met (undefined when there is no goal). */
  met?: boolean;
}

export interface BenchResult {
  name: string;
  description: string;
  figures: BenchFigure[];
  notes?: string[];
}

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toPrecision(3);
}

/** Renders results as a Markdown table, followed by each result's notes as a list. */
export function benchTable(results: BenchResult[]): string {
  const lines = [
    '| benchmark | figure | value | unit | baseline (same run) | ratio | goal | met |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const f of r.figures) {
      const base =
        f.baseline === undefined ? '' : `${fmt(f.baseline)}${f.baselineLabel ? ` (${f.baselineLabel})` : ''}`;
      lines.push(
        `| ${r.name} | ${f.metric} | ${fmt(f.value)} | ${f.unit} | ${base} | ${f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`} ` +
          `| ${f.goal ?? ''} | ${f.met === undefined ? '' : f.met ? 'yes' : 'no'} |`,
      );
    }
  }
  const notes = results.flatMap((r) => (r.notes ?? []).map((n) => `- ${r.name}: ${n}`));
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Samples heap + external memory every few ms while `fn` runs; returns its result and the peak in MiB. */
export async function withPeakMemory<T>(fn: () => Promise<T> | T): Promise<{ result: T; peakMiB: number }> {
  let peak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.heapUsed + m.external + m.arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, 5);
  try {
    const result = await fn();
    sample();
    return { result, peakMiB: peak / 1048576 };
  } finally {
    clearInterval(timer);
  }
}
