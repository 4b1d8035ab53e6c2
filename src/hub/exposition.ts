/**
 * @module The Prometheus text of the hub's per-center series (indicator values and their coverage, each center's
 * newest record and inlet temperatures), written by hand, per province, in the format prom-client writes.
 *
 * Why not prom-client's labelled gauges: at 10,000 centers a real-time run has 600,000 values, and setting and
 * writing them through the gauges held the event loop for about 3 s on every scrape (77 MB of text), so a
 * Prometheus scraping every 15 s would have stalled ingest and the API a fifth of the time. Here the indicator
 * text is built in short turns once per set of values and kept as a buffer per province; a scrape sends the
 * kept buffers, and a province's scrape sends only its own.
 */
import type { Catalog } from '../catalog/types.ts';
import type { IndicatorValue } from '../model/values.ts';
import type { RegistryIndex } from '../registry/load.ts';
import { Turns } from '../engine/turns.ts';

/** A gauge family written by hand: its name and help text. */
export interface Family {
  name: string;
  help: string;
}

export const INDICATOR_VALUE: Family = {
  name: 'dims_indicator_value',
  help: 'Current value of an indicator over the rolling real-time window, per level, province and center',
};
export const COVERAGE_RATIO: Family = {
  name: 'dims_indicator_coverage_ratio',
  help: 'Share (0..1) of expected centers whose data contributed to the current indicator value',
};
export const LAST_RECORD: Family = {
  name: 'dims_center_last_record_timestamp_seconds',
  help: 'End of the newest record received from a center (unix seconds)',
};
export const INLET: Family = {
  name: 'dims_center_inlet_temperature_celsius',
  help: 'Server inlet temperature of a center in its newest record: stat mean (time-weighted) or max (hottest inlet)',
};

/** The newest telemetry record's end and inlet temperatures of one center in one province. */
export interface NewestRecord {
  province: string;
  center: string;
  endMs: number;
  inletMean?: number;
  inletMax?: number;
}

/** A family's HELP and TYPE lines. */
export function familyHead(f: Family): string {
  return `# HELP ${f.name} ${escapeText(f.help)}\n# TYPE ${f.name} gauge\n`;
}

/** A sample value as prom-client writes it. */
export function sampleValue(v: number): string {
  if (Number.isNaN(v)) return 'Nan';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

/** A label value quoted for the exposition format (backslash, newline and double quote escaped). */
export function labelValue(s: string): string {
  return /[\\\n"]/.test(s) ? escapeText(s).replace(/"/g, '\\"') : s;
}

function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** One family's sample lines by province ('' for nation-level series), in buffers of a few thousand lines. */
export type LinesByProvince = Map<string, Buffer[]>;

/** The indicator families' lines, built from one set of real-time values. */
export interface IndicatorText {
  values: LinesByProvince;
  coverage: LinesByProvince;
}

/** Lines joined into a buffer per few thousand: each join is a short step, however large the province. */
const LINES_PER_BUFFER = 2048;

/** Appends lines to a province's text. */
class ProvinceLines {
  private readonly pending = new Map<string, string[]>();
  readonly out: LinesByProvince = new Map();

  push(province: string, line: string): void {
    let p = this.pending.get(province);
    if (!p) this.pending.set(province, (p = []));
    p.push(line);
    if (p.length >= LINES_PER_BUFFER) this.flush(province, p);
  }

  done(): LinesByProvince {
    for (const [province, lines] of this.pending) this.flush(province, lines);
    return this.out;
  }

  private flush(province: string, lines: string[]): void {
    if (lines.length === 0) return;
    let bufs = this.out.get(province);
    if (!bufs) this.out.set(province, (bufs = []));
    bufs.push(Buffer.from(lines.join('')));
    lines.length = 0;
  }
}

/**
 * The indicator value and coverage lines of a set of values, built in turns (null and non-finite values have
 * no series; coverage is written for province and nation values only).
 */
export async function indicatorText(
  catalog: Catalog,
  centers: RegistryIndex,
  values: readonly IndicatorValue[],
  turns = new Turns(),
): Promise<IndicatorText> {
  const valueLines = new ProvinceLines();
  const coverageLines = new ProvinceLines();
  // The label text of each code and each indicator, escaped once: 600,000 lines share 10,000 codes and 60 indicators.
  const codes = new Map<string, { province: string; labels: string }>();
  const indicators = new Map<string, { value: string; coverage: string }>();
  for (let i = 0; i < values.length; i++) {
    if ((i & 1023) === 0 && turns.due()) await turns.take();
    const v = values[i]!;
    const key = `${v.level}\u0000${v.code}`;
    let code = codes.get(key);
    if (!code) {
      const province =
        v.level === 'nation' ? '' : v.level === 'province' ? v.code : (centers.byId.get(v.code)?.province ?? '');
      const center = v.level === 'center' ? v.code : '';
      const labels = `{level="${v.level}",province="${labelValue(province)}",center="${labelValue(center)}",indicator="`;
      codes.set(key, (code = { province, labels }));
    }
    let ind = indicators.get(v.indicator);
    if (!ind) {
      const dim = catalog.indicatorById.get(v.indicator)?.dimension ?? '';
      const id = labelValue(v.indicator);
      indicators.set(v.indicator, (ind = { value: `${id}",dimension="${labelValue(dim)}"} `, coverage: `${id}"} ` }));
    }
    if (v.value !== null && Number.isFinite(v.value))
      valueLines.push(code.province, `${INDICATOR_VALUE.name}${code.labels}${ind.value}${sampleValue(v.value)}\n`);
    if (v.level !== 'center' && v.coverage.centers !== null)
      coverageLines.push(
        code.province,
        `${COVERAGE_RATIO.name}${code.labels}${ind.coverage}${sampleValue(v.coverage.centers)}\n`,
      );
  }
  return { values: valueLines.done(), coverage: coverageLines.done() };
}

/** The newest-record and inlet-temperature lines of the centers held (cheap: one or three lines per center). */
export function newestText(newest: Iterable<NewestRecord>, province?: string): { last: string; inlet: string } {
  const last: string[] = [];
  const inlet: string[] = [];
  for (const n of newest) {
    if (province !== undefined && n.province !== province) continue;
    const labels = `province="${labelValue(n.province)}",center="${labelValue(n.center)}"`;
    last.push(`${LAST_RECORD.name}{${labels}} ${sampleValue(n.endMs / 1000)}\n`);
    if (n.inletMean !== undefined) inlet.push(`${INLET.name}{${labels},stat="mean"} ${sampleValue(n.inletMean)}\n`);
    if (n.inletMax !== undefined) inlet.push(`${INLET.name}{${labels},stat="max"} ${sampleValue(n.inletMax)}\n`);
  }
  return { last: last.join(''), inlet: inlet.join('') };
}
