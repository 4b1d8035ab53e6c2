/** @module Writes metric families as Prometheus text 0.0.4 or OpenMetrics 1.0 (used by the simulator and tests). */
import type { ExpositionFormat } from './parse.ts';

/** A family to write. Counter names carry `_total` here; OpenMetrics output strips it from the family name. */
export interface WriteFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  help: string;
  unit?: string;
  samples: Array<{ suffix?: string; labels?: Record<string, string>; value: number }>;
}

/** Content-Type of each format, as the exporters send it. */
export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** Renders families in the given format, ending with a newline (and `# EOF` for OpenMetrics). */
export function writeExposition(families: readonly WriteFamily[], format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  const lines: string[] = [];
  for (const f of families) {
    // OpenMetrics names the counter family without _total; its samples keep it.
    // A counter named without _total (dcgm-exporter does that) gets it on its samples in OpenMetrics.
    const counterOm = om && f.type === 'counter';
    const famName = counterOm && f.name.endsWith('_total') ? f.name.slice(0, -'_total'.length) : f.name;
    const sampleName = counterOm ? `${famName}_total` : f.name;
    const help = f.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
    lines.push(`# HELP ${famName} ${om ? help.replaceAll('"', '\\"') : help}`);
    lines.push(`# TYPE ${famName} ${f.type}`);
    if (om && f.unit !== undefined) lines.push(`# UNIT ${famName} ${f.unit}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      const ls = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
      lines.push(`${s.suffix === undefined ? sampleName : f.name + s.suffix}${ls} ${formatValue(s.value)}`);
    }
  }
  if (om) lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function escapeLabel(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
