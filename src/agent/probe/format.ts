/** @module The text `dims probe` prints: one block per target, one line per reading with unit, labels and profile. */
import { SIGNAL_UNITS } from '../../../collectors/types.ts';
import type { ProbeResult } from './probe.ts';

/** Formats results as aligned text; each reading is `signal [device] value unit  labels  (profile)`. */
export function formatProbe(results: readonly ProbeResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const ms = `${Math.round(r.durationMs)} ms`;
    if (!r.ok) {
      lines.push(`${r.id} (${r.protocol}): FAILED after ${ms}: ${r.error!.kind}: ${r.error!.message}`, '');
      continue;
    }
    const profiles = [...new Set(r.report?.produced.map((p) => p.profile) ?? [])];
    const partial = (r.report?.missing.length ?? 0) > 0 ? ', PARTIAL' : '';
    lines.push(
      `${r.id} (${r.protocol}): ${r.samples.length} readings in ${ms}${partial}` +
        (profiles.length > 0 ? `, profile ${profiles.join(', ')}` : ''),
    );
    if (r.report?.detected !== undefined) lines.push(`  profile auto: ${r.report.detected}`);
    const rows = r.samples.map((s) => [
      s.signal,
      s.device ?? '',
      formatValue(s.value),
      SIGNAL_UNITS[s.signal],
      Object.entries(s.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      // The profile of each reading only matters when several profiles produced them.
      profiles.length > 1 ? (s.profile ?? '') : '',
    ]);
    const widths = [0, 1, 2, 3, 4].map((i) => Math.max(0, ...rows.map((row) => row[i]!.length)));
    for (const row of rows) {
      const [signal, device, value, unit, labels, profile] = row;
      lines.push(
        `  ${signal!.padEnd(widths[0]!)}  ${device!.padEnd(widths[1]!)}  ${value!.padStart(widths[2]!)} ` +
          `${unit!.padEnd(widths[3]!)}  ${labels!.padEnd(widths[4]!)}  ${profile}`.trimEnd(),
      );
    }
    for (const m of r.report?.missing ?? []) lines.push(`  missing ${m.reading}: ${m.detail}`);
    lines.push('');
  }
  return lines.join('\n');
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}
